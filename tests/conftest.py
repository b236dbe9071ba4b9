import os

# Qt must pick its platform before any Qt module loads.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
