"""File → Export → Histories as CSV through the window: the step column is written as
whole numbers (not "0.0", "1.0" …)."""

from __future__ import annotations

from backprop_lab.gui import export

from tests.gui.test_window_extras import open_window, trained


def test_the_history_csv_writes_steps_as_whole_numbers(qtbot, tmp_path):
    w, menus = open_window(qtbot)
    trained(w, qtbot, 5)
    path = tmp_path / "history.csv"
    assert menus["export"].history_csv(path)
    header, rows = export.read_csv_table(path)
    assert header[0] == "step"
    steps = [r[0] for r in rows]
    assert steps and all(s.isdigit() for s in steps), steps[:5]
    assert [int(s) for s in steps] == sorted(int(s) for s in steps)
    w.close()
