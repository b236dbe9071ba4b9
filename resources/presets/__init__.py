"""The built-in lessons as JSON files (read through ``backprop_lab.resources``).

Package mapping: this folder, ``resources/presets/``, is ``backprop_lab.resources.presets``
(the ``package-dir`` table in pyproject.toml; see docs/architecture.md).
"""
