"""One point's column through the network: x, every z^(ℓ) and h^(ℓ), the prediction, every
δ^(ℓ), and one unit's formula with the numbers filled in.

The table's rows are the notes' vectors (one row per vector, one column per unit j, as
the entries of that column of the M_ℓ × N matrices); each cell keeps the exact value in
``Qt.UserRole`` and prints it rounded, on a background coloured like the heatmaps (per
row, symmetric around 0).
"""

from __future__ import annotations

import numpy as np
from backprop_lab.engine.trace import PointTrace
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .arrayview import diverging_rgba, symmetric_limit, text_on
from .diagram import sup
from .safety import guarded

VALUE_ROLE = Qt.ItemDataRole.UserRole


def trace_rows(trace: PointTrace, head: str) -> list[tuple[str, np.ndarray]]:
    """(row label, vector) in the order the numbers are computed: forward, then backward."""
    L = len(trace.z)
    out = [("x = h⁽⁰⁾", trace.x)]
    for ell in range(1, L + 1):
        out.append((f"z{sup(ell)}", trace.z[ell - 1]))
        if ell < L:
            out.append((f"h{sup(ell)}", trace.h[ell]))
    what = {
        "bernoulli": "p(y=1 | x)",
        "categorical": "p(y=k | x)",
        "gaussian": "ŷ (the mean)",
    }.get(head, "output")
    out.append((f"h{sup(L)} = {what}", trace.prediction))
    for ell in range(L, 0, -1):
        out.append((f"δ{sup(ell)}", trace.delta[ell - 1]))
    return out


def value_text(v: float) -> str:
    return f"{float(v):.4g}".replace("-", "−")


class TraceView(QWidget):
    unitChanged = Signal(int, int)
    _built = False  # a font change can come before the formula's label exists

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.trace: PointTrace | None = None
        self.head = "bernoulli"
        self.header = QLabel("Pick a point on the canvas (pick tool) or choose its number.")
        self.header.setWordWrap(True)
        f = QFont(self.header.font())
        f.setBold(True)
        self.header.setFont(f)
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("traceTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.layer_spin = QSpinBox()
        self.layer_spin.setObjectName("traceLayer")
        self.layer_spin.setPrefix("layer ℓ = ")
        self.layer_spin.setRange(1, 1)
        self.unit_spin = QSpinBox()
        self.unit_spin.setObjectName("traceUnit")
        self.unit_spin.setPrefix("unit j = ")
        self.unit_spin.setRange(1, 1)
        self.formula = QLabel("")
        self._built = True
        self.formula.setObjectName("traceFormula")
        self.formula.setWordWrap(True)
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._follow_font()
        row = QHBoxLayout()
        row.addWidget(QLabel("Formula of"))
        row.addWidget(self.layer_spin)
        row.addWidget(self.unit_spin)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.header)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        lay.addWidget(self.formula)
        self.layer_spin.valueChanged.connect(self._on_layer)
        self.unit_spin.valueChanged.connect(self._show_formula)

    def _follow_font(self) -> None:
        """The table and the formula 1.15 × the panel's type (legible on a projector), also
        after Ctrl+= and in presentation mode (set once, they kept the first size)."""
        big = QFont(self.font())
        big.setPointSizeF(self.font().pointSizeF() * 1.15)
        self.table.setFont(big)
        self.formula.setFont(big)

    @guarded
    def changeEvent(self, ev) -> None:  # noqa: N802
        super().changeEvent(ev)
        if ev.type() == QEvent.Type.FontChange and self._built:
            self._follow_font()

    # --- data ----------------------------------------------------------------------------
    def clear(self, message: str) -> None:
        self.trace = None
        self.header.setText(message)
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.formula.setText("")

    def set_trace(self, trace: PointTrace, head: str) -> None:
        self.trace, self.head = trace, head
        rows = trace_rows(trace, head)
        width = max(len(v) for _, v in rows)
        t = self.table
        # ResizeToContents re-measures every cell on every setItem: 1,456 cells of a 56-wide
        # layer took 10 s. Fill with fixed sections, then measure once. (Not with the
        # table's updates switched off around it: under X11 the header then scrolled its
        # pixels onto the algorithm pane beside the tabs, and they stayed there.)
        headers = (t.horizontalHeader(), t.verticalHeader())
        for h in headers:
            h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        try:
            self._fill(rows, width)
        finally:
            for h in headers:
                h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        kind = "test" if trace.is_test else "training"
        target = (
            # classes are numbered from 1, as the class picker and the legend number them
            f"class {int(trace.target) + 1}"
            if head != "gaussian"
            else f"target y = {trace.target:.4g}"
        )
        px, py = trace.point
        self.header.setText(
            f"Point #{trace.index} at ({px:.3g}, {py:.3g}), {target}, {kind} point;   "
            f"log p(y | x) = {trace.log_likelihood:.6g}"
        )
        L = len(trace.z)
        self.layer_spin.setRange(1, L)
        self._on_layer(self.layer_spin.value())

    def _fill(self, rows, width: int) -> None:
        t = self.table
        t.setRowCount(len(rows))
        t.setColumnCount(width)
        t.setHorizontalHeaderLabels([f"j = {j}" for j in range(1, width + 1)])
        t.setVerticalHeaderLabels([name for name, _ in rows])
        for i, (_, v) in enumerate(rows):
            v = np.asarray(v, dtype=np.float64)
            rgba = diverging_rgba(v[None, :], symmetric_limit(v))[0]
            for j in range(width):
                if j < v.size:
                    item = QTableWidgetItem(value_text(v[j]))
                    item.setData(VALUE_ROLE, float(v[j]))
                    item.setBackground(QBrush(QColor(*rgba[j][:3])))
                    item.setForeground(QBrush(QColor(text_on(rgba[j]))))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                else:
                    item = QTableWidgetItem("")
                    item.setFlags(Qt.ItemFlag.NoItemFlags)
                t.setItem(i, j, item)

    def row_labels(self) -> list[str]:
        t = self.table
        return [t.verticalHeaderItem(i).text() for i in range(t.rowCount())]

    def row_values(self, label: str) -> np.ndarray:
        """The exact values the table holds in row ``label`` (read from the model)."""
        i = self.row_labels().index(label)
        model = self.table.model()
        out = []
        for j in range(self.table.columnCount()):
            v = model.data(model.index(i, j), VALUE_ROLE)
            if v is None:
                break
            out.append(v)
        return np.array(out, dtype=np.float64)

    # --- formula -------------------------------------------------------------------------
    def _on_layer(self, layer: int) -> None:
        if self.trace is None:
            return
        m = self.trace.z[layer - 1].size
        self.unit_spin.setRange(1, m)
        self._show_formula()

    def _show_formula(self, *_args) -> None:
        if self.trace is None:
            return
        layer, unit = self.layer_spin.value(), self.unit_spin.value()
        self.formula.setText(self.trace.unit_formula(layer, unit))
        self.unitChanged.emit(layer, unit)
