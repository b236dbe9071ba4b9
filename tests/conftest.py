import os
import tempfile

# Qt must pick its platform before any Qt module loads.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never block on a modal question (restore? save before closing?) in an unattended run,
# and never autosave into the user's own app-data folder (gui/autosave.py).
os.environ.setdefault("BACKPROP_LAB_NO_PROMPTS", "1")
os.environ.setdefault("BACKPROP_LAB_AUTOSAVE_DIR", tempfile.mkdtemp(prefix="backprop-lab-tests-"))


import pytest  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "expect_caught: the test injects failures that the safety net catches"
    )


@pytest.fixture(autouse=True)
def _no_hidden_exceptions(request):
    """The safety net (gui/safety.py) keeps the app alive on an exception in a Qt virtual
    or a slot; a test must still fail on one it did not inject."""
    from backprop_lab.gui import safety

    safety.caught.clear()
    yield
    if not request.node.get_closest_marker("expect_caught") and safety.caught:
        pytest.fail("exceptions caught by the safety net:\n" + "\n".join(safety.caught))
