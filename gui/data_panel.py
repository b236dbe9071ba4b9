"""The data panel: presets (with noise, test share, classes, regenerate), the task, CSV
import. It only translates between the user and immutable ``Dataset`` values; the main
window forwards them to the engine thread."""

from __future__ import annotations

from backprop_lab.engine import Dataset
from backprop_lab.engine.datasets import PRESETS, make_preset
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from .panel_common import compact

TASK_PRESETS = {  # what "Task" switches to: (label, default preset)
    "classification": ("Classification", "xor"),
    "regression1": ("Regression: curve y(x)", "sine_1d"),
    "regression2": ("Regression: surface", "surface_2d"),
}


def task_key(ds: Dataset) -> str:
    if ds.task == "classification":
        return "classification"
    return "regression1" if ds.input_dim == 1 else "regression2"


class DataPanel(QGroupBox):
    """Presets (with noise, test share, classes, regenerate), the task, CSV import."""

    datasetRequested = Signal(object)  # a new Dataset (the canvas history restarts)
    importCsvRequested = Signal()
    clearRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Data", parent)
        self._data_seed = 0
        form = QFormLayout(self)
        compact(form)
        self.task_combo = QComboBox()
        for key, (label, _) in TASK_PRESETS.items():
            self.task_combo.addItem(label, key)
        form.addRow("Task", self.task_combo)

        self.preset_combo = QComboBox()
        form.addRow("Preset", self.preset_combo)

        self.classes_spin = QSpinBox()
        self.classes_spin.setRange(2, 8)
        self.classes_spin.setValue(3)
        self.classes_spin.setToolTip("Classes (Gaussian blobs) or arms (spirals)")
        self.classes_spin.setKeyboardTracking(False)
        form.addRow("Classes", self.classes_spin)

        self.points_spin = QSpinBox()
        self.points_spin.setRange(10, 5000)
        self.points_spin.setSingleStep(50)
        self.points_spin.setValue(300)
        # typing "450" must not make three datasets (4, 45, 450): the value counts once
        # the user commits it (Enter, Tab, a click elsewhere, an arrow)
        self.points_spin.setKeyboardTracking(False)
        form.addRow("Points", self.points_spin)

        self.noise_slider, self.noise_label = self._slider(0, 50, 0, form, "Noise")
        self.test_slider, self.test_label = self._slider(0, 80, 20, form, "Test share")
        self.test_slider.setSingleStep(5)
        self.test_slider.setPageStep(10)

        row = QHBoxLayout()
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.setToolTip("Draw new points from the preset (new data seed)")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Remove every point, then draw your own")
        self.import_button = QPushButton("Import CSV…")
        for b in (self.regenerate_button, self.clear_button, self.import_button):
            row.addWidget(b)
        form.addRow(row)

        self._fill_presets("classification")
        self.task_combo.currentIndexChanged.connect(self._on_task)
        self.preset_combo.currentIndexChanged.connect(lambda _: self._emit(new_seed=False))
        self.classes_spin.valueChanged.connect(lambda _: self._emit(new_seed=False))
        self.points_spin.valueChanged.connect(lambda _: self._emit(new_seed=False))
        self.noise_slider.valueChanged.connect(self._on_noise)
        self.test_slider.valueChanged.connect(self._on_test)
        self.noise_slider.sliderReleased.connect(lambda: self._emit(new_seed=False))
        self.test_slider.sliderReleased.connect(lambda: self._emit(new_seed=False))
        self.regenerate_button.clicked.connect(lambda: self._emit(new_seed=True))
        self.import_button.clicked.connect(self.importCsvRequested)
        self.clear_button.clicked.connect(self.clearRequested)
        self._on_noise(self.noise_slider.value(), emit=False)
        self._on_test(self.test_slider.value(), emit=False)
        self._update_classes_enabled()
        # the request the data shown came from: a control whose value ends where it
        # started (focus in and out, a slider dragged back) asks for nothing
        self._shown_request: tuple | None = self._request(new_seed=False)
        for w in (self.task_combo, self.preset_combo, self.classes_spin, self.points_spin):
            w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _slider(self, lo, hi, value, form, label):
        s = QSlider(Qt.Orientation.Horizontal)
        s.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel alone never takes it
        s.setRange(lo, hi)
        s.setValue(value)
        text = QLabel()
        text.setMinimumWidth(text.fontMetrics().horizontalAdvance("100 %"))
        row = QHBoxLayout()
        row.addWidget(s, 1)
        row.addWidget(text)
        form.addRow(label, row)
        return s, text

    # --- state --------------------------------------------------------------------------
    @property
    def preset(self) -> str:
        return self.preset_combo.currentData()

    @property
    def noise(self) -> float:
        return self.noise_slider.value() / 100.0

    @property
    def test_fraction(self) -> float:
        return self.test_slider.value() / 100.0

    def set_preset(self, name: str, emit: bool = True) -> None:
        info = PRESETS[name]
        key = (
            "classification"
            if info.task == "classification"
            else ("regression1" if info.input_dim == 1 else "regression2")
        )
        self.task_combo.blockSignals(True)
        self.task_combo.setCurrentIndex(self.task_combo.findData(key))
        self.task_combo.blockSignals(False)
        self._fill_presets(key, select=name)
        if "n_points" in info.defaults:
            self.points_spin.blockSignals(True)
            self.points_spin.setValue(int(info.defaults["n_points"]))
            self.points_spin.blockSignals(False)
        if emit:
            self._emit(new_seed=False)
        else:
            self.mark_shown()  # the caller makes this dataset itself

    def show_dataset(self, ds: Dataset, source: str = "From the file") -> None:
        """Reflect a dataset that came from elsewhere (a lesson, a CSV) without generating
        one: the preset reads ``source`` (choosing a preset generates again), the counts
        are the data's."""
        key = task_key(ds)
        self.task_combo.blockSignals(True)
        self.task_combo.setCurrentIndex(self.task_combo.findData(key))
        self.task_combo.blockSignals(False)
        self._fill_presets(key)
        self.preset_combo.blockSignals(True)
        self.preset_combo.insertItem(0, source, None)
        self.preset_combo.setCurrentIndex(0)
        self.preset_combo.blockSignals(False)
        self._update_classes_enabled()
        for spin, value in ((self.points_spin, len(ds)), (self.classes_spin, ds.n_classes)):
            spin.blockSignals(True)
            spin.setValue(max(spin.minimum(), min(spin.maximum(), int(value))))
            spin.blockSignals(False)
        self._shown_request = self._request(new_seed=False)

    def mark_shown(self) -> None:
        """The data on the canvas is what the controls say (no request pending)."""
        self._shown_request = self._request(new_seed=False)

    def _request(self, new_seed: bool) -> tuple:
        return (
            self.preset,
            self.points_spin.value(),
            self.noise_slider.value(),
            self.test_slider.value(),
            self.classes_spin.value() if self.classes_spin.isEnabled() else None,
            self._data_seed + (1 if new_seed else 0),
        )

    def make_dataset(self, new_seed: bool = False) -> Dataset:
        if new_seed:
            self._data_seed += 1
        name = self.preset
        info = PRESETS[name]
        kw = {
            "n_points": self.points_spin.value(),
            "noise": self.noise,
            "test_fraction": self.test_fraction,
            "seed": self._data_seed,
        }
        if "n_classes" in info.defaults:
            kw["n_classes"] = self.classes_spin.value()
        if "n_arms" in info.defaults:
            kw["n_arms"] = self.classes_spin.value()
        return make_preset(name, **kw)

    # --- internals ----------------------------------------------------------------------
    def _fill_presets(self, key: str, select: str | None = None) -> None:
        want = "classification" if key == "classification" else "regression"
        dim = 1 if key == "regression1" else 2
        self.preset_combo.blockSignals(True)
        self.preset_combo.clear()
        for name, info in PRESETS.items():
            if info.task == want and info.input_dim == dim:
                self.preset_combo.addItem(info.title, name)
        if select is not None:
            i = self.preset_combo.findData(select)
            if i >= 0:
                self.preset_combo.setCurrentIndex(i)
        self.preset_combo.blockSignals(False)
        self._update_classes_enabled()

    def _update_classes_enabled(self) -> None:
        name = self.preset
        info = PRESETS.get(name) if name else None
        ok = info is not None and ("n_classes" in info.defaults or "n_arms" in info.defaults)
        spin = self.classes_spin
        spin.blockSignals(True)
        if ok and not spin.isEnabled():
            spin.setValue(getattr(self, "_classes_choice", 3))  # the user's count again
        elif not ok and spin.isEnabled():
            self._classes_choice = spin.value()
            spin.setValue(2)  # XOR, circles, moons have two classes (shown, not editable)
        spin.blockSignals(False)
        spin.setEnabled(bool(ok))

    def _on_task(self, _index: int) -> None:
        key = self.task_combo.currentData()
        self._fill_presets(key, select=TASK_PRESETS[key][1])
        self._emit(new_seed=False)

    def _on_noise(self, v: int, emit: bool = True) -> None:
        self.noise_label.setText(f"{v} %")
        if emit and not self.noise_slider.isSliderDown():
            self._emit(new_seed=False)

    def _on_test(self, v: int, emit: bool = True) -> None:
        self.test_label.setText(f"{v} %")
        if emit and not self.test_slider.isSliderDown():
            self._emit(new_seed=False)

    def _emit(self, new_seed: bool) -> None:
        self._update_classes_enabled()
        if self.preset is None:
            return
        request = self._request(new_seed)
        if not new_seed and request == self._shown_request:
            return  # nothing really changed: the user's points stay
        ds = self.make_dataset(new_seed)
        self._shown_request = request
        self.datasetRequested.emit(ds)
