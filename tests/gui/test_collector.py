"""Python's garbage collector as the window runs it (gui/collector.py): in the GUI thread on
a timer, and, once the window is up, not over the window's own objects again."""

from __future__ import annotations

import gc
import threading
import weakref

from backprop_lab.gui.collector import INTERVAL_MS, Collector

from .helpers import open_window


class Cycle:
    def __init__(self):
        self.me = self


def _collections_by_thread(fn):
    seen = []

    def note(phase, info):
        if phase == "start":
            seen.append((info["generation"], threading.current_thread().name))

    gc.callbacks.append(note)
    try:
        fn()
    finally:
        gc.callbacks.remove(note)
    return seen


def test_the_window_is_set_aside_and_later_collections_walk_only_what_is_new(qtbot):
    collector = Collector(settle_ms=None)
    try:
        assert not gc.isenabled()  # never in whichever thread allocates
        w = open_window(qtbot)
        try:
            collector.settle()
            frozen = gc.get_freeze_count()
            assert frozen > 30_000  # the window, Qt's wrappers, pyqtgraph, NumPy
            # a full collection now walks what was made since: far fewer objects
            assert len(gc.get_objects()) < frozen / 5
            # and still frees a cycle made after (the window's own work makes them)
            gone = Cycle()
            ref = weakref.ref(gone)
            del gone
            gc.collect()
            assert ref() is None
            # the window trains on; its frames still draw
            drawn = w.frames_drawn
            w.play()
            qtbot.waitUntil(lambda: w.frames_drawn > drawn + 5, timeout=10_000)
        finally:
            w.close()
    finally:
        collector.stop()
    assert gc.isenabled() and gc.get_freeze_count() == 0  # Python's own collector is back


def test_collections_run_in_the_gui_thread_on_the_timer(qtbot):
    collector = Collector(settle_ms=None)
    try:

        def make_garbage_and_wait():
            for _ in range(5_000):  # past generation 0's threshold
                Cycle()
            qtbot.wait(2 * INTERVAL_MS + 100)

        seen = _collections_by_thread(make_garbage_and_wait)
    finally:
        collector.stop()
    assert seen, "the timer collected nothing"
    assert {name for _, name in seen} == {threading.main_thread().name}


def test_the_app_settles_by_itself_once_its_window_is_up(qtbot):
    collector = Collector(settle_ms=50)
    try:
        qtbot.waitUntil(lambda: collector.settled, timeout=5_000)
        assert gc.get_freeze_count() > 0
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0
