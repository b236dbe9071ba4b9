"""Render resources/backprop-lab.svg to the PNG the window uses (run after editing it).

The window loads the PNG so that it needs no SVG image plugin; the SVG is the source and
the icon a desktop entry names. Usage: python tools/make_icon.py
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
SIZE = 256


def main() -> None:
    app = QGuiApplication([])  # noqa: F841 - fonts need an application
    renderer = QSvgRenderer(str(RESOURCES / "backprop-lab.svg"))
    img = QImage(SIZE, SIZE, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(p)
    p.end()
    out = RESOURCES / "backprop-lab.png"
    img.save(str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
