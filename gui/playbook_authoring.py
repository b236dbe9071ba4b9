"""Writing a playbook without typing JSON: a beat's one-line summary, and the small dialog
that makes or edits one beat (as the file writes it: a dict the playbook reader checks).

The dialogs only shape a beat; whether it fits its scene (a layer the network has, a
point that is there, an ask revealed before the next) is checked when the whole playbook
is read back (``playbook_from_dict``), which names the field that is wrong.
"""

from __future__ import annotations

import json

from backprop_lab.engine.playbook import CHOICE_LETTERS, HIDEABLE, WALK_PHASES
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

BEAT_KINDS = ("show", "ask", "run", "reveal", "set", "walk", "trace", "pause", "note")
BEAT_NAMES = {
    "show": "Show the scene",
    "ask": "Ask a question…",
    "run": "Run (train)…",
    "reveal": "Reveal the answer",
    "set": "Set a value…",
    "walk": "Walk the inspector to a phase…",
    "trace": "Trace a point…",
    "pause": "Pause",
    "note": "Presenter note…",
}
SET_PATHS = (
    "hyper.alpha",
    "hyper.lam",
    "hyper.batch_size",
    "hyper.optimizer",
    "network.hidden",
    "network.activation",
    "seed",
)
NEEDS_DIALOG = ("ask", "run", "set", "walk", "trace", "note")


def _short(text: str, n: int = 48) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def beat_summary(b: dict) -> str:
    """One line for the beats list: what the beat does."""
    kind = b.get("type", "?")
    if kind == "ask":
        extra = []
        if b.get("choices"):
            extra.append(f"A–{CHOICE_LETTERS[len(b['choices']) - 1]}")
        if b.get("hide"):
            extra.append("hides " + ", ".join(b["hide"]))
        if b.get("think"):
            extra.append(f"{b['think']:g} s")
        more = f" ({'; '.join(extra)})" if extra else ""
        return f"ask · {_short(b.get('question', ''))}{more}"
    if kind == "run":
        if "steps" in b:
            what = f"{b['steps']:,} steps"
        elif "epochs" in b:
            what = f"{b['epochs']:g} epochs"
        else:
            until = b.get("until", {}).get("train_loss_below")
            what = f"until loss < {until:g} (≤ {b.get('max_steps', 0):,} steps)"
        speed = b.get("speed")
        if speed is not None:
            what += " as fast as it goes" if speed == "max" else f" at {speed:g}/s"
        return f"run · {what}"
    if kind == "set":
        ch = b.get("changes", {})
        return "set · " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in ch.items())
    if kind == "walk":
        layer = f" ⁽{b['layer']}⁾" if "layer" in b else ""
        point = f" on point {b['point']}" if "point" in b else ""
        return f"walk · {b.get('to', '?')}{layer}{point}"
    if kind == "trace":
        return f"trace · point {b.get('point', '?')}"
    if kind == "note":
        return f"note · {_short(b.get('text', ''))}"
    text = f" · {_short(b['text'])}" if b.get("text") else ""
    return f"{kind}{text}"


def _value(text: str):
    """A typed value: a number, a list, true/false, or else the word itself."""
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        return text


class BeatDialog(QDialog):
    """Make (or edit) one beat of ``kind``; ``beat()`` is its dict once accepted."""

    def __init__(self, kind: str, initial: dict | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        b = dict(initial or {})
        self.setWindowTitle(BEAT_NAMES.get(kind, kind).rstrip("…"))
        form = QFormLayout(self)
        self.text = QLineEdit(b.get("text", "") if kind != "note" else "")
        self.text.setPlaceholderText("shown on screen while the beat is current (optional)")
        if kind == "ask":
            self.question = QPlainTextEdit(b.get("question", ""))
            self.question.setMaximumHeight(80)
            form.addRow("Question", self.question)
            self.choices = []
            given = list(b.get("choices", []))
            for i, letter in enumerate(CHOICE_LETTERS):
                edit = QLineEdit(given[i] if i < len(given) else "")
                edit.setPlaceholderText("(none)" if i >= 2 else "")
                self.choices.append(edit)
                form.addRow(f"Choice {letter}", edit)
            self.answer = QLineEdit(b.get("answer", ""))
            self.answer.setPlaceholderText("a letter A–D with choices, else the answer in words")
            form.addRow("Answer", self.answer)
            hides = QWidget()
            grid = QGridLayout(hides)
            grid.setContentsMargins(0, 0, 0, 0)
            self.hide_boxes = {}
            for i, name in enumerate(HIDEABLE):
                box = QCheckBox(name)
                box.setChecked(name in b.get("hide", ()))
                grid.addWidget(box, i // 4, i % 4)
                self.hide_boxes[name] = box
            form.addRow("Hide until the reveal", hides)
            self.think = QSpinBox()
            self.think.setRange(0, 600)
            self.think.setSuffix(" s")
            self.think.setSpecialValueText("no countdown")
            self.think.setValue(int(b.get("think", 0)))
            form.addRow("Thinking time", self.think)
        elif kind == "run":
            self.mode = QComboBox()
            for label, key in (("steps", "steps"), ("epochs", "epochs"), ("until", "until")):
                self.mode.addItem(
                    {"until": "until the training loss is below"}.get(label, label), key
                )
            self.amount = QDoubleSpinBox()
            self.amount.setDecimals(4)
            self.amount.setRange(0.0001, 100_000)
            self.max_steps = QSpinBox()
            self.max_steps.setRange(1, 100_000)
            self.max_steps.setValue(int(b.get("max_steps", 3000)))
            if "epochs" in b:
                self.mode.setCurrentIndex(1)
                self.amount.setValue(float(b["epochs"]))
            elif "until" in b:
                self.mode.setCurrentIndex(2)
                self.amount.setValue(float(b["until"].get("train_loss_below", 0.1)))
            else:
                self.amount.setValue(float(b.get("steps", 500)))
            form.addRow("Run", self.mode)
            form.addRow("How many (or the loss)", self.amount)
            form.addRow("At most (steps, for until)", self.max_steps)
            self.speed = QSpinBox()
            self.speed.setRange(0, 10_000)
            self.speed.setSpecialValueText("the window's own")
            self.speed.setSuffix(" steps/s")
            speed = b.get("speed")
            self.speed.setValue(int(speed) if isinstance(speed, (int, float)) else 0)
            self.fastest = QCheckBox("as fast as it goes")
            self.fastest.setChecked(speed == "max")
            form.addRow("Speed", self.speed)
            form.addRow("", self.fastest)
        elif kind == "set":
            self.path = QComboBox()
            self.path.setEditable(True)
            self.path.addItems(SET_PATHS)
            changes = b.get("changes", {})
            if changes:
                path, value = next(iter(changes.items()))
                self.path.setCurrentText(path)
                self.value = QLineEdit(json.dumps(value))
            else:
                self.value = QLineEdit("")
            self.value.setPlaceholderText("0.03, [8, 8], relu, adam …")
            form.addRow("Change", self.path)
            form.addRow("To", self.value)
        elif kind == "walk":
            self.to = QComboBox()
            self.to.addItems(WALK_PHASES)
            self.to.setCurrentText(b.get("to", "batch"))
            self.layer = QSpinBox()
            self.layer.setRange(0, 8)
            self.layer.setSpecialValueText("(none)")
            self.layer.setValue(int(b.get("layer", 0)))
            self.point = QSpinBox()
            self.point.setRange(-1, 20_000)
            self.point.setSpecialValueText("a random batch")
            self.point.setValue(int(b.get("point", -1)))
            form.addRow("To the phase", self.to)
            form.addRow("Of layer", self.layer)
            form.addRow("On the point", self.point)
        elif kind == "trace":
            self.point = QSpinBox()
            self.point.setRange(0, 20_000)
            self.point.setValue(int(b.get("point", 0)))
            form.addRow("Point (its number)", self.point)
        elif kind == "note":
            self.note = QPlainTextEdit(b.get("text", ""))
            form.addRow("For the presenter", self.note)
        if kind != "note":
            form.addRow("On screen", self.text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def beat(self) -> dict:
        """The beat as the playbook file writes it."""
        kind = self.kind
        out: dict = {"type": kind}
        text = self.text.text().strip()
        if kind == "ask":
            out["question"] = self.question.toPlainText().strip()
            choices = [c.text().strip() for c in self.choices]
            while choices and not choices[-1]:
                choices.pop()
            if choices:
                out["choices"] = choices
            out["answer"] = self.answer.text().strip()
            hide = [n for n, box in self.hide_boxes.items() if box.isChecked()]
            if hide:
                out["hide"] = hide
            if self.think.value():
                out["think"] = self.think.value()
        elif kind == "run":
            mode = self.mode.currentData()
            v = self.amount.value()
            if mode == "steps":
                out["steps"] = max(1, round(v))
            elif mode == "epochs":
                out["epochs"] = v
            else:
                out["until"] = {"train_loss_below": v}
                out["max_steps"] = self.max_steps.value()
            if self.fastest.isChecked():
                out["speed"] = "max"
            elif self.speed.value():
                out["speed"] = self.speed.value()
        elif kind == "set":
            out["changes"] = {self.path.currentText().strip(): _value(self.value.text())}
        elif kind == "walk":
            out["to"] = self.to.currentText()
            if self.layer.value():
                out["layer"] = self.layer.value()
            if self.point.value() >= 0:
                out["point"] = self.point.value()
        elif kind == "trace":
            out["point"] = self.point.value()
        elif kind == "note":
            out["text"] = self.note.toPlainText().strip()
        if text and kind != "note":
            out["text"] = text
        return out
