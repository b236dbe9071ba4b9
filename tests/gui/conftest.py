import gc

import pytest

from .helpers import open_window


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """After each test, once pytest has let go of its fixtures: collect the test's dead
    windows here, in the GUI thread. Left to the automatic collector they may be
    collected in the next window's engine thread, and destroying a Qt object there while
    the GUI thread deletes another deadlocks both threads."""
    yield
    gc.collect()


@pytest.fixture
def window(qtbot):
    """The real main window on the XOR preset; closing it must stop the engine thread."""
    w = open_window(qtbot)
    yield w
    w.close()
    assert not w.controller.thread.isRunning()
