"""The window: PySide6 + pyqtgraph views over the engine, which runs in its own thread.

Package mapping: this folder, ``gui/``, is the package ``backprop_lab.gui`` (the
``package-dir`` table in pyproject.toml; see docs/architecture.md).
"""
