"""Python's cyclic garbage collector as the window runs it: in the GUI thread, on a timer,
over the objects made since the window settled.

* **In the GUI thread only.** Left to itself, the collector runs in whichever thread
  happens to allocate; in the engine thread it could destroy a Qt object of the GUI thread
  while that thread deletes another (a deadlock). So automatic collection is off, and a
  timer collects each generation when its count passes Python's threshold (as pyqtgraph's
  ``GarbageCollector`` does).
* **Not over the window itself.** A collection of the oldest generation walks every object
  that lives in it: once the window is up that is about 85,000 objects (Qt's wrappers,
  pyqtgraph, NumPy, the engine), a walk of about 30 ms on an idle 2-core machine and more
  while training, which held the GUI thread (a visible hitch in the animation) each time
  the oldest generation's count came round. Those objects live as long as the window, so
  once it is up and its first frames are painted, one full collection clears the start's
  garbage and ``gc.freeze()`` sets the rest aside: later collections walk only what was
  made after (a full one then takes well under a millisecond). What is frozen is still
  freed when its last reference goes; only a reference cycle among the window's first
  objects would wait for the process to end.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500  # how often the timer looks at the generations' counts
SETTLE_MS = 1500  # after the window is shown: its first frames are painted by then


class Collector(QObject):
    """Collects on a timer in the thread that makes it (the GUI thread). ``stop()`` gives
    Python back its own collector, as it was."""

    def __init__(self, parent: QObject | None = None, settle_ms: int | None = SETTLE_MS):
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self.threshold = gc.get_threshold()
        self.settled = False
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.timeout.connect(self.settle)
        if settle_ms is not None:
            self._settle.start(settle_ms)

    def check(self) -> None:
        """A collection of each generation whose count has passed its threshold, youngest
        first (as Python's own collector decides)."""
        c0, c1, c2 = gc.get_count()
        t0, t1, t2 = self.threshold
        if c0 > t0:
            gc.collect(0)
            if c1 > t1:
                gc.collect(1)
                if c2 > t2:
                    gc.collect(2)

    def settle(self) -> None:
        """The window is up: clear the start's garbage and set the living objects aside,
        so that later collections walk only what is made from now on."""
        if self.settled:
            return
        gc.collect()
        gc.freeze()
        self.settled = True

    def stop(self) -> None:
        self.timer.stop()
        self._settle.stop()
        if self.settled:
            gc.unfreeze()
            self.settled = False
        if self._was_enabled:
            gc.enable()
