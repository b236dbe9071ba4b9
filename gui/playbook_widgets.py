"""What a lecture adds to the window: the strip along its bottom, the question card above
the canvas, the black screen and the presenter's notes window.

* ``Strip``: ``3/14 · XOR needs a hidden layer · beat 2/5`` and one dot per beat, a small
  "off script" mark, the scene number being typed, "Esc again to leave". In presentation
  mode it is no taller than 3 % of the screen.
* ``QuestionCard``: an ``ask``'s question in large type with its choices A–D and a
  countdown of the thinking time; the reveal ticks the right choice. It also carries the
  current beat's caption and a ``set`` beat's change (its number counting to the new one).
* ``BlackOut``: the clicker's blank-screen key.
* ``PresenterNotes``: a small window for the presenter (on a second screen): the scene's
  notes, a ``note`` beat, what the next beat is. Nothing of it reaches the room's screen.

Every Qt override is ``@guarded`` (gui/safety.py).
"""

from __future__ import annotations

import html
import math

from backprop_lab.engine.playbook import CHOICE_LETTERS, Ask
from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, QTimer, QVariantAnimation
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .safety import guarded

STRIP_SHARE = 0.03  # of the screen's height, at most, in presentation mode
OFF_SCRIPT = "off script · PageDown returns"
CARD_STYLE = "QuestionCard { background:#F4F8FF; border:1px solid #7A9CC6; border-radius:4px; }"
QUESTION_SCALE = 1.5  # the question's type, relative to the window's
CHOICE_SCALE = 1.3  # the choices' and the answer's
RIGHT = "#1E7B34"
WRONG = "#8A8A8A"
TIME_UP = "#B02020"
REVEAL_MS = 800  # the reveal fades the hidden panels in over this long
COUNT_MS = 600  # a set beat's number counts to its new value over this long


def countdown_text(seconds: float) -> str:
    s = max(0, math.ceil(seconds))
    return f"{s // 60}:{s % 60:02d}"


class Strip(QWidget):
    """The lecture's line along the window's bottom: where it is, one dot per beat."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lectureStrip")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.text = ""
        self.n_beats = 0
        self.beat = 0
        self.done = False  # the current beat has been played
        self.mark = ""  # "off script …", "scene 4⏎", "Esc again to leave" (right-aligned)
        self.mark_color = QColor("#C05A00")
        self._height = 20

    def set_state(self, text: str, n_beats: int, beat: int, done: bool) -> None:
        self.text, self.n_beats, self.beat, self.done = text, n_beats, beat, done
        self.update()

    def set_mark(self, text: str, color: str = "#C05A00") -> None:
        if (text, color) != (self.mark, self.mark_color.name()):
            self.mark, self.mark_color = text, QColor(color)
            self.update()

    def set_height(self, px: int) -> None:
        """The strip's height (presentation: ≤ 3 % of the screen); its type follows."""
        px = max(12, int(px))
        self._height = px
        self.setFixedHeight(px)
        f = QFont(self.font())
        f.setPixelSize(max(9, round(px * 0.62)))
        self.setFont(f)
        self.update()

    @guarded(default=QSize(100, 20))
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, self._height)

    @guarded(default=QSize(10, 12))
    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(10, self._height)

    @guarded
    def paintEvent(self, ev) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#F2F2F2"))
        fm = QFontMetrics(self.font())
        h = self.height()
        x = 6
        mark_w = fm.horizontalAdvance(self.mark) + 12 if self.mark else 0
        r = max(2.0, h * 0.16)
        dots_w = int(self.n_beats * (2 * r + r * 1.2)) + 8
        room = max(20, self.width() - x - dots_w - mark_w - 8)
        text = fm.elidedText(self.text, Qt.TextElideMode.ElideMiddle, room)
        p.setPen(QColor("#202020"))
        p.drawText(QRectF(x, 0, room, h), Qt.AlignmentFlag.AlignVCenter, text)
        x += fm.horizontalAdvance(text) + 10
        for i in range(self.n_beats):
            cx, cy = x + r, h / 2
            past = i < self.beat or (i == self.beat and self.done)
            if i == self.beat:
                p.setPen(QPen(QColor("#1F4E8C"), max(1.0, r * 0.5)))
            else:
                p.setPen(QPen(QColor("#6A7A90"), 1.0))
            p.setBrush(QColor("#1F4E8C") if past else QColor("#FFFFFF"))
            p.drawEllipse(QRectF(cx - r, cy - r, 2 * r, 2 * r))
            x += 2 * r + r * 1.2
        if self.mark:
            p.setPen(self.mark_color)
            rect = QRectF(0, 0, self.width() - 6, h)
            p.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, self.mark)
        p.end()


class QuestionCard(QFrame):
    """The question of an ``ask`` (choices A–D, the countdown), the beat's caption and a
    ``set`` beat's change, above the canvas."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("questionCard")
        self.setStyleSheet(CARD_STYLE)
        self.body = QLabel()
        self.body.setObjectName("questionText")
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setWordWrap(True)
        self.body.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.clock = QLabel()
        self.clock.setObjectName("countdown")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.addWidget(self.body, 1)
        lay.addWidget(self.clock, 0, Qt.AlignmentFlag.AlignTop)
        self.question: Ask | None = None
        self.revealed = False
        self.caption = ""
        self.change = ""  # e.g. "α = {}" with the number animated into it
        self._change_value: tuple[float, float] | None = None
        self._change_now: float | None = None
        self.remaining = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._count = QVariantAnimation(self)
        self._count.setDuration(COUNT_MS)
        self._count.valueChanged.connect(self._on_count)
        self.setVisible(False)

    # --- content ------------------------------------------------------------------------------
    def set_content(
        self,
        question: Ask | None,
        revealed: bool,
        caption: str = "",
        change: str = "",
        change_value: tuple[float, float] | None = None,
        animate: bool = True,
    ) -> None:
        """What the card shows; a new question starts its countdown (``animate``: the
        clock ticks and a change counts up; off for pictures, which show the start)."""
        new_question = question is not None and question is not self.question
        self.question, self.revealed, self.caption = question, revealed, caption
        self.change, self._change_value = change, change_value
        self._count.stop()
        self._change_now = None
        if change_value is not None:
            if animate:
                self._count.setStartValue(0.0)
                self._count.setEndValue(1.0)
                self._count.start()
            self._change_now = change_value[1] if not animate else change_value[0]
        if question is None or revealed or not question.think:
            self._timer.stop()
            self.remaining = 0.0
        elif new_question:
            self.remaining = float(question.think)
            if animate:
                self._timer.start()
        self._render()

    @property
    def counting(self) -> bool:
        return self._timer.isActive()

    def _tick(self) -> None:
        self.remaining = max(0.0, self.remaining - 1.0)
        if self.remaining <= 0:
            self._timer.stop()
        self._render()

    def _on_count(self, t) -> None:
        if self._change_value is None:
            return
        a, b = self._change_value
        t = float(t)
        if a > 0 and b > 0:  # α and λ read on a log scale
            self._change_now = math.exp(math.log(a) + t * (math.log(b) - math.log(a)))
        else:
            self._change_now = a + t * (b - a)
        if t >= 1.0:
            self._change_now = b
        self._render()

    # --- drawing --------------------------------------------------------------------------------
    def _pt(self, scale: float = 1.0) -> float:
        size = self.font().pointSizeF()
        return (size if size > 0 else 10.0) * scale

    def _render(self) -> None:
        parts = []
        big = self._pt(QUESTION_SCALE)
        mid = self._pt(CHOICE_SCALE)
        q = self.question
        if q is not None:
            parts.append(
                f"<div style='font-size:{big:.1f}pt; font-weight:bold'>{_esc(q.question)}</div>"
            )
            parts.append(self._choices_html(q, mid))
            if self.revealed and not q.choices:
                parts.append(
                    f"<div style='font-size:{mid:.1f}pt; color:{RIGHT}'>✓ {_esc(q.answer)}</div>"
                )
        if self.change:
            value = "" if self._change_now is None else f"{self._change_now:.4g}"
            text = self.change.format(value) if "{}" in self.change else self.change
            parts.append(f"<div style='font-size:{mid:.1f}pt; color:#1F4E8C'>{_esc(text)}</div>")
        if self.caption:
            parts.append(f"<div style='font-size:{self._pt(1.1):.1f}pt'>{_esc(self.caption)}</div>")
        self.body.setText("".join(parts))
        clock = ""
        if q is not None and q.think and not self.revealed:
            color = TIME_UP if self.remaining <= 0 else "#1F4E8C"
            clock = (
                f"<span style='font-size:{self._pt(1.6):.1f}pt; font-weight:bold; "
                f"color:{color}'>{countdown_text(self.remaining)}</span>"
            )
        self.clock.setText(clock)
        self.clock.setVisible(bool(clock))
        self.setVisible(bool(parts))

    def _choices_html(self, q: Ask, pt: float) -> str:
        if not q.choices:
            return ""
        right = q.answer_index
        cells = []
        for i, text in enumerate(q.choices):
            letter = CHOICE_LETTERS[i]
            style = f"font-size:{pt:.1f}pt; padding:2px 14px 2px 0"
            mark = ""
            if self.revealed:
                if i == right:
                    style += f"; color:{RIGHT}; font-weight:bold"
                    mark = " ✓"
                else:
                    style += f"; color:{WRONG}"
            cells.append(f"<td style='{style}'><b>{letter}</b>&nbsp;&nbsp;{_esc(text)}{mark}</td>")
        # two columns when every choice is short, else one choice a line
        wide = max(len(c) for c in q.choices) > 34
        per_row = 1 if wide else 2
        rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
        body = "".join("<tr>" + "".join(r) + "</tr>" for r in rows)
        return f"<table cellspacing='0' cellpadding='0'>{body}</table>"

    @guarded
    def changeEvent(self, ev) -> None:  # noqa: N802
        super().changeEvent(ev)
        if ev.type() == QEvent.Type.FontChange and hasattr(self, "body"):
            self._render()


def _esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


class BlackOut(QWidget):
    """A black screen over the whole window (the clicker's blank key); a click, or the
    key again, brings the picture back."""

    def __init__(self, window: QWidget, on_click=None):
        super().__init__(window)
        self.setObjectName("blackOut")
        self._window = window
        self._on_click = on_click
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.hide()
        window.installEventFilter(self)

    def cover(self, on: bool) -> None:
        if on:
            self.setGeometry(self._window.rect())
            self.show()
            self.raise_()
        else:
            self.hide()

    @guarded(default=False)
    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802
        if obj is self._window and ev.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self._window.rect())
        return False

    @guarded
    def paintEvent(self, ev) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("black"))
        p.end()

    @guarded
    def mousePressEvent(self, ev) -> None:  # noqa: N802
        if self._on_click is not None:
            self._on_click()


class PresenterNotes(QWidget):
    """The presenter's own window: the scene's notes, a note beat, the next beat. It opens
    without taking the keys, and the clicker's keys work in it too (``actions``: the main
    window's clicker actions, added here)."""

    def __init__(self, parent: QWidget | None = None, actions=()):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Presenter notes — Backprop Lab")
        self.setObjectName("presenterNotes")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # PageDown is the lecture's
        for a in actions:
            self.addAction(a)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.view)
        self.resize(460, 360)

    def set_text(self, html_text: str) -> None:
        self.view.setHtml(html_text)
