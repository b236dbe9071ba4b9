"""Check the package's layering with import-linter (the contracts are in pyproject.toml).

Import tools find a package's modules by walking its folder, and cannot follow the
``package-dir`` mapping (``backprop_lab.engine`` lives in ``engine/``, not in
``src/backprop_lab/engine/``). So this script copies the mapped folders' Python files
into a temporary tree laid out as an installed package would be, and runs
``lint-imports`` with that tree first on the path:

    python tools/lint_imports.py        # exit status 0 when every contract is kept
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def package_dirs(root: Path = ROOT) -> dict[str, Path]:
    """The ``[tool.setuptools.package-dir]`` table: package name → folder."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the table is one `"name" = "folder"` a line
        table, inside = {}, False
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("["):
                inside = line == "[tool.setuptools.package-dir]"
            elif inside and "=" in line:
                name, folder = (part.strip().strip('"') for part in line.split("=", 1))
                table[name] = folder
    else:
        table = tomllib.loads(text)["tool"]["setuptools"]["package-dir"]
    return {name: root / folder for name, folder in table.items()}


def build_tree(dest: Path, root: Path = ROOT) -> Path:
    """Copy every mapped package's ``*.py`` files to ``dest/<package path>``."""
    for name, folder in package_dirs(root).items():
        target = dest.joinpath(*name.split("."))
        target.mkdir(parents=True, exist_ok=True)
        for src in folder.glob("*.py"):
            shutil.copy2(src, target / src.name)
    return dest


def run_lint(tree: Path, config: Path = ROOT / "pyproject.toml") -> subprocess.CompletedProcess:
    """``lint-imports`` over ``tree`` (from ``build_tree``) with ``config``'s contracts."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tree), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    lint = Path(sys.executable).with_name("lint-imports")
    cmd = [str(lint)] if lint.exists() else [sys.executable, "-m", "importlinter.cli"]
    return subprocess.run(
        [*cmd, "--no-cache", str(config)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="backprop-lab-imports-") as tmp:
        out = run_lint(build_tree(Path(tmp)))
    sys.stdout.write(out.stdout)
    sys.stderr.write(out.stderr)
    return out.returncode


if __name__ == "__main__":
    raise SystemExit(main())
