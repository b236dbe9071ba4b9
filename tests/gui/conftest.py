import gc

import pytest
from backprop_lab.gui.app import start_collector, stop_collector

from .helpers import open_window


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """After each test, once pytest has let go of its fixtures: collect the test's dead
    windows here, in the GUI thread. Left to the automatic collector they may be
    collected in the next window's engine thread, and destroying a Qt object there while
    the GUI thread deletes another deadlocks both threads."""
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def collect_as_the_app_does(qapp):
    """Python's collector as the app runs it (``app.start_collector``): in the GUI thread,
    on a timer, never in whichever thread allocates. Left automatic, a lesson's rehearsal
    thread collected a dead window's menu while the GUI thread deleted another Qt object:
    each held what the other waited for (Qt's lock, the GIL), and the suite hung. What the
    test leaves is collected here, in the GUI thread, before Python's own collector is back
    (and again after pytest lets go of the fixtures: ``pytest_runtest_protocol``)."""
    collector = start_collector()
    yield
    collector.timer.stop()
    gc.collect()  # before the collector may run in any thread again
    stop_collector(collector)


@pytest.fixture
def window(qtbot):
    """The real main window on the XOR preset; closing it must stop the engine thread."""
    w = open_window(qtbot)
    yield w
    w.close()
    assert not w.controller.thread.isRunning()
