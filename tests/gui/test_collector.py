"""Python's garbage collector as the app runs it (``app.start_collector``): never in
whichever thread happens to allocate (the engine thread could destroy a Qt object of the
GUI thread while that thread deletes another), but in the GUI thread, on a timer."""

from __future__ import annotations

import gc
import threading

from backprop_lab.gui.app import start_collector, stop_collector


class Cycle:
    def __init__(self):
        self.me = self


def test_collections_run_in_the_gui_thread_on_the_timer(qtbot):
    seen = []

    def note(phase, info):
        if phase == "start":
            seen.append((info["generation"], threading.current_thread().name))

    def garbage_from_another_thread():
        for _ in range(5_000):  # far past generation 0's threshold
            Cycle()

    gc.enable()  # Python's own collector, as a process starts
    collector = start_collector()
    gc.callbacks.append(note)
    try:
        assert not gc.isenabled()
        other = threading.Thread(target=garbage_from_another_thread, name="engine-like")
        other.start()
        other.join()
        assert seen == []  # nothing collected where the garbage was made
        qtbot.waitUntil(lambda: bool(seen), timeout=5_000)  # the timer's turn
    finally:
        gc.callbacks.remove(note)
        stop_collector(collector)
    assert {name for _, name in seen} == {threading.main_thread().name}
