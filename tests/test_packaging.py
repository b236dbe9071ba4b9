"""The install itself: namespace, dependency direction, and the PySide6 6.12 canary."""

import subprocess
import sys


def test_engine_imports_no_qt():
    code = (
        "import sys, backprop_lab.engine\n"
        "qt = ('PySide6', 'pyqtgraph', 'shiboken6')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in qt]\n"
        "print(bad)\n"
        "assert not bad, bad\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_modules_load_once_under_the_namespace():
    import backprop_lab.engine as engine

    assert engine.__name__ == "backprop_lab.engine"
    assert "engine" not in sys.modules  # never imported bare


def test_pyside6_does_not_leak_none_references():
    """PySide6 6.12.0 on Python 3.11 drops a reference to None per void call, then aborts
    the process (DESIGN.md). 1000 calls must not lower None's refcount by more than 100."""
    from PySide6.QtCore import QObject

    obj = QObject()
    before = sys.getrefcount(None)
    for i in range(1000):
        obj.setObjectName(f"canary{i % 7}")
    after = sys.getrefcount(None)
    assert before - after <= 100, f"None lost {before - after} references in 1000 calls"
