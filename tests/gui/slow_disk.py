"""A slow disk for the tests: writes into one folder go at 1 s per MB (a network share,
a USB stick), and each write into it waits at its first chunk until the test opens the
gate, so a test decides when a save in progress may go on (no timing in the test)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from backprop_lab.engine import fileio

SECONDS_PER_BYTE = 1e-6  # 1 s per MB


class SlowDisk:
    def __init__(self, folder: Path):
        self.folder = os.path.realpath(folder)
        self.gate = threading.Event()  # closed: a write waits at its first chunk
        self.entered = threading.Event()  # a write has started (and waits at the gate)
        self.writes = 0
        self._real = fileio.write_chunk

    def write_chunk(self, f, chunk: bytes) -> None:
        if os.path.dirname(os.path.realpath(f.name)) == self.folder:
            if f.tell() == 0:
                self.writes += 1
            self.entered.set()
            self.gate.wait(60)
            time.sleep(len(chunk) * SECONDS_PER_BYTE)
        self._real(f, chunk)

    def open(self) -> None:
        self.gate.set()

    def leftovers(self) -> list[str]:
        """Temporary files of saves in the folder (there must be none once they end)."""
        return sorted(n for n in os.listdir(self.folder) if n.startswith(fileio.TEMP_PREFIX))


def install(monkeypatch, folder: Path) -> SlowDisk:
    disk = SlowDisk(folder)
    monkeypatch.setattr(fileio, "write_chunk", disk.write_chunk)
    return disk
