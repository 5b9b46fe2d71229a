"""Render resources/icons/encaisse.svg into the application's PNG sizes and a multi-size Windows .ico."""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "encaisse.svg"
OUT = ROOT / "resources" / "icons" / "app"
PNG_SIZES = (16, 32, 48, 64, 128, 256)  # the hicolor sizes the Linux install uses
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # what Windows picks from (taskbar, Explorer, Alt-Tab)


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn at ``size``×``size`` pixels with antialiasing, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_container(pngs: dict[int, bytes]) -> bytes:
    """An ICO file holding each PNG as one entry (PNG entries are read by Windows Vista and later).

    Layout: ICONDIR (reserved 0, type 1, count), then one 16-byte ICONDIRENTRY per image
    (width, height — 0 meaning 256 —, colours 0, reserved 0, planes 1, 32 bits, size, offset), then the PNGs.
    """
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = b""
    for size in sizes:
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(pngs[size]), offset)
        offset += len(pngs[size])
    return header + entries + b"".join(pngs[size] for size in sizes)


def build(svg: Path = SOURCE, out: Path = OUT) -> list[Path]:
    """Write encaisse-N.png and encaisse.ico into ``out``; returns the files written."""
    from PySide6.QtGui import QGuiApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # QImage text/painting needs one
    out.mkdir(parents=True, exist_ok=True)
    pngs = {size: render_png(svg, size) for size in sorted(set(PNG_SIZES) | set(ICO_SIZES))}
    written = []
    for size in PNG_SIZES:
        target = out / f"encaisse-{size}.png"
        target.write_bytes(pngs[size])
        written.append(target)
    ico = out / "encaisse.ico"
    ico.write_bytes(ico_container({size: pngs[size] for size in ICO_SIZES}))
    written.append(ico)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--svg", type=Path, default=SOURCE, help="source SVG (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: %(default)s)")
    options = parser.parse_args(argv)
    for path in build(options.svg, options.out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
