"""The data panel: presets (with regenerate, the number of points and of classes), the
task, CSV import, and the Noise and Test share of the points that are there. It only
translates between the user and immutable ``Dataset`` values; the main window forwards
them to the engine thread.

Its controls show the data: after any change, undo or load, ``show_data`` sets every
control from the points on the canvas (their number, classes, noise level and share of
test points) and from where they came from (``DataOrigin``: a preset and its seed, a
lesson, a CSV file). Noise and Test share act on the points that are there (drawn ones
included): they re-noise or re-split them (engine/data.py), an edit of the points like a
drawn stroke. Choosing a preset, a task, a number of points or classes, or Regenerate
makes new points from the preset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from backprop_lab.engine import Dataset
from backprop_lab.engine.data import MAX_POINTS
from backprop_lab.engine.datasets import MAX_NOISE, PRESETS, make_preset
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


MIN_PRESET_POINTS = 10  # the fewest points a preset makes


@dataclass(frozen=True)
class DataOrigin:
    """Where the points came from: a preset (its name) drawn with ``data_seed``, or a
    file (``preset`` None, ``source`` says which kind). Noise and Test share draw from
    ``data_seed`` too."""

    preset: str | None = None
    data_seed: int = 0
    source: str = ""

    @property
    def label(self) -> str:
        """What the Preset box reads."""
        return PRESETS[self.preset].title if self.preset in PRESETS else self.source


DEFAULT_PRESET = "xor"  # what a new window and File → New open with
LESSON_ORIGIN = DataOrigin(None, 0, "From the lesson")
CSV_ORIGIN = DataOrigin(None, 0, "From the CSV file")


def task_key(ds: Dataset) -> str:
    if ds.task == "classification":
        return "classification"
    return "regression1" if ds.input_dim == 1 else "regression2"


def _share_percent(ds: Dataset) -> int:
    return int(math.floor(100 * ds.test_share + 0.5))


class DataPanel(QGroupBox):
    """Presets (with regenerate, points, classes), the task, CSV import, and the Noise and
    Test share of the points shown."""

    # new points from a preset: (Dataset, DataOrigin, what was done) — a new run
    datasetRequested = Signal(object, object, str)
    _classes_choice = 3  # the user's number of classes, kept while a preset fixes it
    # the points shown, re-noised or re-split: (Dataset, what was done) — an edit
    pointsEdited = Signal(object, str)
    importCsvRequested = Signal()
    clearRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Data", parent)
        self._data_seed = 0
        self._data: Dataset | None = None  # the points shown (``show_data``)
        self._origin = DataOrigin()
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
        # it shows how many points there are (drawn ones too); a preset makes 10 or more
        self.points_spin.setRange(0, MAX_POINTS)
        self.points_spin.setSingleStep(50)
        self.points_spin.setValue(300)
        # typing "450" must not make three datasets (4, 45, 450): the value counts once
        # the user commits it (Enter, Tab, a click elsewhere, an arrow)
        self.points_spin.setKeyboardTracking(False)
        form.addRow("Points", self.points_spin)

        self.noise_slider, self.noise_label = self._slider(
            0, int(round(100 * MAX_NOISE)), 0, form, "Noise"
        )
        self.noise_slider.setToolTip("Moves every point (drawn ones too) by its own jitter")
        self.test_slider, self.test_label = self._slider(0, 80, 20, form, "Test share")
        self.test_slider.setToolTip("Re-splits the points into training and test points")
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
        self.preset_combo.currentIndexChanged.connect(lambda _: self._emit(False, "preset"))
        self.classes_spin.valueChanged.connect(lambda _: self._emit(False, "number of classes"))
        self.points_spin.valueChanged.connect(lambda _: self._emit(False, "number of points"))
        self.noise_slider.valueChanged.connect(self._on_noise)
        self.test_slider.valueChanged.connect(self._on_test)
        self.noise_slider.sliderReleased.connect(self._renoise)
        self.test_slider.sliderReleased.connect(self._resplit)
        self.regenerate_button.clicked.connect(lambda: self._emit(True, "regenerate"))
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

    @property
    def origin(self) -> DataOrigin:
        """Where the points shown came from."""
        return self._origin

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
            self._emit(False, "preset")
        else:
            self.mark_shown()  # the caller makes this dataset itself

    def show_data(self, ds: Dataset, origin: DataOrigin) -> None:
        """Every control shows ``ds`` and where it came from (no signals): the task, the
        preset (or the file), the number of points and classes, the noise level and the
        share of test points."""
        self._data, self._origin = ds, origin
        self._data_seed = origin.data_seed
        key = task_key(ds)
        self.task_combo.blockSignals(True)
        self.task_combo.setCurrentIndex(self.task_combo.findData(key))
        self.task_combo.blockSignals(False)
        if origin.preset in PRESETS:
            self._fill_presets(key, select=origin.preset)
        else:
            self._fill_presets(key)
            self.preset_combo.blockSignals(True)
            self.preset_combo.insertItem(0, origin.source or "Drawn", None)
            self.preset_combo.setCurrentIndex(0)
            self.preset_combo.blockSignals(False)
        self._update_classes_enabled()
        classes = ds.n_classes if ds.task == "classification" else self.classes_spin.value()
        for w, value in (
            (self.points_spin, len(ds)),
            (self.classes_spin, classes),
            (self.noise_slider, int(round(100 * ds.noise_level))),
            (self.test_slider, _share_percent(ds)),
        ):
            w.blockSignals(True)
            w.setValue(max(w.minimum(), min(w.maximum(), int(value))))
            w.blockSignals(False)
        self.noise_label.setText(f"{int(round(100 * ds.noise_level))} %")
        self.test_label.setText(f"{_share_percent(ds)} %")
        from_preset = origin.preset in PRESETS
        self.points_spin.setEnabled(from_preset)
        self.regenerate_button.setEnabled(from_preset)
        self._shown_request = self._request(new_seed=False)

    def show_dataset(self, ds: Dataset, source: str = "From the file") -> None:
        """Show data that came from a file (``source`` names it in the Preset box)."""
        self.show_data(ds, DataOrigin(None, self._data_seed, source))

    def mark_shown(self) -> None:
        """The data on the canvas is what the controls say (no request pending)."""
        self._shown_request = self._request(new_seed=False)

    def _request(self, new_seed: bool) -> tuple:
        return (
            self.preset,
            self.points_spin.value(),
            self.classes_spin.value() if self.classes_spin.isEnabled() else None,
            self._data_seed + (1 if new_seed else 0),
        )

    def make_dataset(self, new_seed: bool = False) -> Dataset:
        """The preset's points as the controls say (a new data seed with ``new_seed``)."""
        if new_seed:
            self._data_seed += 1
        name = self.preset
        info = PRESETS[name]
        kw = {
            "n_points": max(MIN_PRESET_POINTS, self.points_spin.value()),
            "noise": self.noise,
            "test_fraction": min(self.test_fraction, 0.8),
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
            spin.setValue(self._classes_choice)  # the user's count again
        elif not ok and spin.isEnabled():
            self._classes_choice = spin.value()
            spin.setValue(2)  # XOR, circles, moons have two classes (shown, not editable)
        spin.blockSignals(False)
        spin.setEnabled(bool(ok))

    def _on_task(self, _index: int) -> None:
        key = self.task_combo.currentData()
        self._fill_presets(key, select=TASK_PRESETS[key][1])
        self._emit(False, "task")

    def _on_noise(self, v: int, emit: bool = True) -> None:
        self.noise_label.setText(f"{v} %")
        if emit and not self.noise_slider.isSliderDown():
            self._renoise()

    def _on_test(self, v: int, emit: bool = True) -> None:
        self.test_label.setText(f"{v} %")
        if emit and not self.test_slider.isSliderDown():
            self._resplit()

    def _renoise(self) -> None:
        """The points shown, moved to the noise level the slider says."""
        ds = self._data
        if ds is None:
            return
        v = self.noise_slider.value()
        self._edit(ds.with_noise(v / 100.0, seed=self._data_seed), f"noise {v} %")

    def _resplit(self) -> None:
        """The points shown, split anew at the share the slider says. On few points a
        step of the slider may round to the same split: it then moves one test point the
        way the slider moved, so the keys never get stuck."""
        ds = self._data
        if ds is None:
            return
        v, shown = self.test_slider.value(), _share_percent(ds)
        split = ds.with_test_share(v / 100.0, seed=self._data_seed)
        if split.n_test == ds.n_test and v != shown and len(ds):
            k = ds.n_test + (1 if v > shown else -1)
            if 0 <= k <= 0.8 * len(ds):
                split = ds.with_test_share(k / len(ds), seed=self._data_seed)
        self._edit(split, f"test share {_share_percent(split)} %")

    def _edit(self, ds: Dataset, label: str) -> None:
        shown = self._data
        if shown is not None and ds.same_as(shown) and ds.noise_level == shown.noise_level:
            self.show_data(shown, self._origin)  # nothing moves: the control shows the data
            return
        self.pointsEdited.emit(ds, label)

    def _emit(self, new_seed: bool, label: str) -> None:
        self._update_classes_enabled()
        if self.preset is None:
            if self._data is not None:
                self.show_data(self._data, self._origin)  # a file's points are not made here
            return
        request = self._request(new_seed)
        if not new_seed and request == self._shown_request:
            return  # nothing really changed: the user's points stay
        ds = self.make_dataset(new_seed)
        self._shown_request = request
        self.datasetRequested.emit(ds, DataOrigin(self.preset, self._data_seed), label)
