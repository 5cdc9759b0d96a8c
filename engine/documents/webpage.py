"""HTML: the visible text, with the standard library's parser only.

Script, style and other invisible elements are dropped; block elements end a
line; table cells in a row are separated by tabs; entities are decoded; runs of
whitespace collapse to one space except inside <pre>.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import Path

from engine.documents.text import TextRecord, decode_text, require_text

_INVISIBLE = frozenset({"script", "style", "noscript", "template", "title", "iframe"})
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "legend", "li", "main", "nav", "ol", "option", "p", "pre", "section", "summary",
    "table", "tbody", "tfoot", "thead", "tr", "ul",
})
_CELLS = frozenset({"td", "th"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                   "track", "wbr"})
_SPACES = re.compile(r"\s+")
_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0
        self.preformatted = 0

    def _end_line(self) -> None:
        if self.pieces:
            self.pieces[-1] = self.pieces[-1].rstrip(" ")
        self.pieces.append("\n")

    def _at_line_start(self) -> bool:
        return not self.pieces or self.pieces[-1].endswith(("\n", "\t"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE:
            self.hidden += 1
        elif tag in _BLOCKS:
            self._end_line()
        elif tag in _CELLS and not self._at_line_start():
            self.pieces.append("\t")
        if tag == "pre":
            self.preformatted += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <p/>: a self-closed element opens and closes at once, never hides what follows.
        if tag in _BLOCKS:
            self._end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if tag in _INVISIBLE:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self._end_line()
        if tag == "pre":
            self.preformatted = max(0, self.preformatted - 1)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.preformatted:
            self.pieces.append(data)
            return
        text = _SPACES.sub(" ", data)
        if self._at_line_start():
            text = text.lstrip(" ")
        if text:
            self.pieces.append(text)

    def text(self) -> str:
        lines = (line.rstrip() for line in "".join(self.pieces).split("\n"))
        return "\n".join(line for line in lines if line.strip())


def declared_encoding(data: bytes) -> str:
    """The charset a <meta> tag declares, when Python knows it; UTF-8 otherwise."""
    match = _CHARSET.search(data[:4096])
    if match is None:
        return "utf-8"
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return "utf-8"
    return "utf-8" if name == "ascii" else name


def html_to_text(markup: str) -> str:
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return parser.text()


def read_html(path: Path, data: bytes, name: str) -> list[TextRecord]:
    text = html_to_text(decode_text(path, data, declared_encoding(data)))
    return [TextRecord(name, require_text(path, text, "no visible text in the HTML page"))]
