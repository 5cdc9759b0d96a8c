"""The evaluation report as PDF (and PNG, to look at it) through Qt's rich-text engine.

The engine writes the HTML; this turns it into a PDF. QTextDocument does not draw
inline SVG, so every <svg> plot is rendered to an image resource first.
Run as ``python -m desktop.report_pdf REPORT.html OUT.pdf [--png OUT.png]`` (what
``airlock eval report --pdf`` does) or call ``html_to_pdf``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
SCALE = 2  # render plots at twice their size so they stay sharp in print


def _ensure_app() -> object:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.qt import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication(sys.argv[:1])


def document(html: str, width: float = 760.0):  # type: ignore[no-untyped-def]
    """A QTextDocument of the report with every inline SVG replaced by a rendered image."""
    from desktop.qt import QColor, QImage, QPainter, QSvgRenderer, QTextDocument, QUrl

    _ensure_app()
    doc = QTextDocument()
    images: list[tuple[str, QImage]] = []

    def swap(match: re.Match[str]) -> str:
        renderer = QSvgRenderer(match.group(0).encode("utf-8"))
        size = renderer.defaultSize()
        image = QImage(size.width() * SCALE, size.height() * SCALE, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        name = f"plot-{len(images)}.png"
        images.append((name, image))
        return f'<img src="{name}" width="{size.width()}" height="{size.height()}">'

    body = SVG.sub(swap, html)
    for name, image in images:
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    doc.setHtml(body)
    doc.setTextWidth(width)
    return doc


def html_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    from desktop.qt import QPageSize, QPdfWriter

    doc = document(Path(html_path).read_text(encoding="utf-8"))
    writer = QPdfWriter(str(pdf_path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setTitle("Airlock evaluation report")
    writer.setCreator("Airlock")
    doc.print_(writer)
    return Path(pdf_path)


def html_to_png(html_path: Path, png_path: Path, width: int = 900) -> Path:
    """The whole report as one image (for screenshots and checking the layout)."""
    from desktop.qt import QColor, QImage, QPainter

    doc = document(Path(html_path).read_text(encoding="utf-8"), width)
    height = int(doc.size().height()) + 10
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    doc.drawContents(painter)
    painter.end()
    image.save(str(png_path))
    return Path(png_path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.report_pdf",
                                     description="Turn an Airlock evaluation report (HTML) into a PDF.")
    parser.add_argument("html", type=Path)
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--png", type=Path, default=None, help="also draw the report into this PNG")
    args = parser.parse_args(argv)
    if not args.html.is_file():
        print(f"report_pdf: error: {args.html}: no such file", file=sys.stderr)
        return 2
    html_to_pdf(args.html, args.pdf)
    if args.png:
        html_to_png(args.html, args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
