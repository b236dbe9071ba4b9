"""Every python block of docs/api.md runs, in order, in one namespace, as a reader would."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QImage

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def test_the_api_examples_run(qapp, tmp_path, monkeypatch, capsys):
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 9
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__api_doc__"}
    for i, block in enumerate(blocks):
        code = compile(block, f"docs/api.md block {i + 1}", "exec")
        exec(code, namespace)  # noqa: S102 - the document's own examples
    out = capsys.readouterr().out
    assert "δ(1)" in out and "dJ/dW(3)" in out
    # what the examples say they wrote
    assert (tmp_path / "xor-after-500-steps.json").is_file()
    assert (tmp_path / "sigmoid-vs-relu.json").is_file()
    assert "B · ReLU" in out and "seed 3" in out
    assert "W⁽²⁾₁,₃ = " in out and "Goal reached" in out and "gradient descent" in out
    header = (tmp_path / "sigmoid-vs-relu-curves.csv").read_text().splitlines()[0]
    assert header.startswith("run,label,step,")
    canvas = QImage(str(tmp_path / "xor-canvas.png"))
    assert (canvas.width(), canvas.height()) == (640, 480)
    diagram = QImage(str(tmp_path / "deep-diagram.png"))
    assert (diagram.width(), diagram.height()) == (1800, 1000)


def test_the_blocks_are_found():
    text = "x\n```python\na = 1\n```\n```sh\nno\n```\n```python\nb = 2\n```\n"
    assert python_blocks(text) == ["a = 1\n", "b = 2\n"]
