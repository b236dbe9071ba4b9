import pytest

from .helpers import open_window


@pytest.fixture
def window(qtbot):
    """The real main window on the XOR preset; closing it must stop the engine thread."""
    w = open_window(qtbot)
    yield w
    w.close()
    assert not w.controller.thread.isRunning()
