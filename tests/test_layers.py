"""The layering (docs/architecture.md): gui → engine → resources, the engine free of Qt.

import-linter checks the contracts in pyproject.toml over a copy of the package laid out
as installed (tools/lint_imports.py); a second check imports every engine module with Qt
and pyqtgraph made unimportable.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("lint_imports", ROOT / "tools/lint_imports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_import_contract_is_kept(tmp_path):
    tool = _tool()
    out = tool.run_lint(tool.build_tree(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 kept, 0 broken" in out.stdout
    # the copy holds every module of the three layers, the inspector's model included
    engine = {p.name for p in (tmp_path / "backprop_lab" / "engine").glob("*.py")}
    assert {"session.py", "phases.py", "trace.py", "walk.py", "notation.py"} <= engine


@pytest.mark.parametrize(
    ("package", "source", "contract"),
    [
        ("engine", "from PySide6 import QtCore", "The engine imports neither"),
        ("engine", "import pyqtgraph", "The engine imports neither"),
        ("engine", "from backprop_lab.gui import colors", "The engine imports neither"),
        ("resources", "from backprop_lab.engine import notation", "The resources import"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path, package, source, contract):
    tool = _tool()
    tree = tool.build_tree(tmp_path)
    probe = tree / "backprop_lab" / package / "_forbidden_probe.py"
    probe.write_text(f'"""A module that breaks the layering."""\n\n{source}\n')
    out = tool.run_lint(tree)
    assert out.returncode != 0
    broken = [line for line in out.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), out.stdout
    assert f"backprop_lab.{package}._forbidden_probe" in out.stdout


def test_every_engine_module_imports_with_qt_blocked():
    """Walk the engine package and import each module in a fresh interpreter in which
    PySide6, shiboken6, pyqtgraph and backprop_lab.gui cannot be imported."""
    code = textwrap.dedent(
        """
        import importlib, importlib.abc, pkgutil, sys

        BLOCKED = ("PySide6", "shiboken6", "pyqtgraph", "backprop_lab.gui")

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if any(name == b or name.startswith(b + ".") for b in BLOCKED):
                    raise ImportError(f"blocked: {name}")
                return None

        sys.meta_path.insert(0, Block())
        import backprop_lab.engine as engine

        names = [m.name for m in pkgutil.walk_packages(engine.__path__, "backprop_lab.engine.")]
        for name in names:
            importlib.import_module(name)
        leaked = [m for m in sys.modules if m.split(".")[0] in ("PySide6", "pyqtgraph")]
        assert not leaked, leaked
        print(" ".join(sorted(names)))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    imported = set(out.stdout.split())
    on_disk = {f"backprop_lab.engine.{p.stem}" for p in (ROOT / "engine").glob("*.py")}
    on_disk.discard("backprop_lab.engine.__init__")
    assert imported == on_disk
