"""Export a frozen version: chat JSONL files (one per split) or a Hugging Face ``datasets`` folder.

The button asks for a parent folder; the export goes into a new folder named after the
version inside it (the engine refuses to write into a folder that already holds files).
"""

from __future__ import annotations

from pathlib import Path

from desktop.qt import QFileDialog, QMenu, QPushButton, QWidget, Signal

FORMATS = (("chat", "Chat JSONL (one file per split)…"), ("hf", "Hugging Face datasets folder…"))


def export_target(parent: Path, version_name: str, fmt: str) -> Path:
    """A folder name that does not exist yet under ``parent``."""
    base = parent / f"{version_name}-{'chat-jsonl' if fmt == 'chat' else 'hf-dataset'}"
    target, n = base, 2
    while target.exists():
        target = base.with_name(f"{base.name}-{n}")
        n += 1
    return target


class ExportButton(QPushButton):
    export_requested = Signal(str, object)  # format, target folder (Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Export…", parent)
        self.setToolTip("Write the selected version out as chat JSONL or a Hugging Face datasets folder")
        self.version_name = ""
        menu = QMenu(self)
        for fmt, text in FORMATS:
            menu.addAction(text).triggered.connect(lambda _c=False, f=fmt: self._choose(f))
        self.setMenu(menu)

    def _choose(self, fmt: str) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose where the exported version goes", str(Path.home()))
        if folder:
            self.export_requested.emit(fmt, export_target(Path(folder), self.version_name, fmt))
