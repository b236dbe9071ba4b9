"""Model facts come from the engine, not the window: the default features of new data,
the unit maps the diagrams draw, the count of training points and a state's revision."""

from __future__ import annotations

from backprop_lab.engine import TrainingSession
from backprop_lab.engine.features import default_features
from PySide6.QtCore import Qt

from .helpers import LONG, open_window
from .test_keys import press


def test_data_of_another_dimension_is_one_command_and_one_new_theta(qtbot, monkeypatch):
    """The engine gives new data of another input dimension its default features; the
    window sends the data alone (it once sent the network too, and θ was drawn twice)."""
    rebuilt = []
    real = TrainingSession.set_network

    def counted(self, spec):
        rebuilt.append(spec)
        return real(self, spec)

    monkeypatch.setattr(TrainingSession, "set_network", counted)
    w = open_window(qtbot)
    dp = w.data_panel
    dp.task_combo.setFocus()
    press(qtbot, Qt.Key.Key_Down)  # regression
    qtbot.waitUntil(lambda: w.latest.snapshot.dataset.task == "regression", timeout=LONG)
    combo = dp.preset_combo
    combo.setFocus()
    target = combo.findData("sine_1d")
    for key in (Qt.Key.Key_Up, Qt.Key.Key_Down):  # as a user picks it: one key at a time
        for _ in range(combo.count()):
            if combo.currentIndex() == target:
                break
            press(qtbot, key)
    assert combo.currentIndex() == target
    qtbot.waitUntil(lambda: w.latest.snapshot.dataset.input_dim == 1, timeout=LONG)
    snap = w.latest.snapshot
    assert rebuilt == []
    assert snap.spec.features == default_features(1) == w.network_panel.spec().features
    assert snap.n_train == snap.dataset.n_train > 0
    w.grab()


def test_the_diagrams_maps_come_from_the_engine_while_they_show(qtbot):
    w = open_window(qtbot)
    assert "netview" not in w.latest.maps and "inspector" not in w.latest.maps
    w.set_network_view(True)
    qtbot.waitUntil(lambda: w.canvas_area.netview.frames_drawn > 0, timeout=LONG)
    maps = w.latest.maps["netview"]
    d = w.canvas_area.netview.diagram
    assert d.extent == maps.extent and (1, 0) in d.unit_images
    assert maps.revision == w.latest.snapshot.revision
    w.menus.actions.inspector.trigger()
    qtbot.waitUntil(lambda: "inspector" in w.latest.maps, timeout=LONG)
    w.grab()
    w.set_network_view(False)
    qtbot.waitUntil(lambda: "netview" not in w.latest.maps, timeout=LONG)
    assert "inspector" in w.latest.maps
