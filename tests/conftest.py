import os
import tempfile

# Qt must pick its platform before any Qt module loads.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never block on a modal question (restore? save before closing?) in an unattended run,
# and never autosave into the user's own app-data folder (gui/autosave.py).
os.environ.setdefault("BACKPROP_LAB_NO_PROMPTS", "1")
os.environ.setdefault("BACKPROP_LAB_AUTOSAVE_DIR", tempfile.mkdtemp(prefix="backprop-lab-tests-"))
