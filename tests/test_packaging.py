"""The install itself: namespace, dependency direction, and the PySide6 6.12 canary."""

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None  # type: ignore[assignment]


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
    the process. 1000 calls must not lower None's refcount by more than 100."""
    from PySide6.QtCore import QObject

    obj = QObject()
    before = sys.getrefcount(None)
    for i in range(1000):
        obj.setObjectName(f"canary{i % 7}")
    after = sys.getrefcount(None)
    assert before - after <= 100, f"None lost {before - after} references in 1000 calls"


# --- metadata: one version, floors that CI installs, the sdist --------------------------
ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _floors_file() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "tests" / "requirements-floors.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.strip().lower()] = _norm(version)
    return pins


def _norm(version: str) -> tuple[int, ...]:
    """'6.8' and '6.8.0' are the same floor."""
    parts = [int(x) for x in version.strip().split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _floors(requirements: list[str]) -> dict[str, tuple[int, ...]]:
    """{name: lowest version} from requirement strings with a '>=' bound."""
    out = {}
    for req in requirements:
        m = re.match(r"\s*([A-Za-z0-9_.-]+)\s*([^;]*)", req)
        name, spec = m.group(1).lower(), m.group(2)
        low = re.search(r">=\s*([0-9][0-9.]*)", spec)
        if low:
            assert out.get(name, _norm(low.group(1))) == _norm(low.group(1)), req
            out[name] = _norm(low.group(1))
    return out


def test_every_floor_is_pinned_in_the_floors_file():
    """CI installs tests/requirements-floors.txt and runs the tests: it must pin exactly
    the lowest versions that pyproject.toml allows: runtime, test and anim extras."""
    project = _pyproject()["project"]
    wanted = _floors(project["dependencies"])
    wanted.update(_floors(project["optional-dependencies"]["test"]))
    wanted.update(_floors(project["optional-dependencies"]["anim"]))  # so --gif is tested
    assert _floors_file() == wanted


def test_numpy_floor_covers_pyqtgraph_0_14():
    # pyqtgraph 0.14 declares numpy>=1.25; a lower floor would be a lie on a fresh install
    floor = _floors(_pyproject()["project"]["dependencies"])["numpy"]
    assert floor >= (1, 25)


def test_version_is_written_once():
    import backprop_lab

    project = _pyproject()["project"]
    assert "version" not in project and "version" in project["dynamic"]
    attr = _pyproject()["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "backprop_lab.__version__"
    assert importlib.metadata.version("backprop-lab") == backprop_lab.__version__


def test_bench_extra_is_pinned():
    bench = _pyproject()["project"]["optional-dependencies"]["bench"]
    assert bench == ["torch==2.13.0"]


SUFFIXES = {".py", ".md", ".toml", ".json", ".txt", ".in", ".desktop", ".svg"}


def test_no_file_refers_to_documents_outside_the_repository():
    names = ("DESIGN" + ".md", "ERRATA" + ".md", "../" + "shared")
    hits = []
    for path in ROOT.rglob("*"):
        if not path.is_file() or path.suffix not in SUFFIXES:
            continue
        parts = path.relative_to(ROOT).parts
        if any(p.startswith(".") or p.endswith(".egg-info") or p == "build" for p in parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        hits += [f"{path.relative_to(ROOT)}: {n}" for n in names if n in text]
    assert hits == []


def test_license_file_matches_the_metadata():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Backprop Lab contributors" in text
    assert _pyproject()["project"]["license"] == "MIT"
