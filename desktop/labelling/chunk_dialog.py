"""Examples from cleared documents: pick the documents and how to cut them (whole, by paragraph,
or by size with overlap), see every piece that will become an example, then create them.

The preview is ``ws.tasks.preview_chunks`` with exactly the settings that creating uses, so what
is shown is what is stored. Only documents cleared of PII are offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop import formatting as fmt
from desktop.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.table import Column, DataTable

if TYPE_CHECKING:
    from engine.tasks.chunking import Chunking
    from engine.tasks.service import ChunkPreview
    from engine.workspace import Workspace

MODES = {"whole": "Whole document", "paragraph": "By paragraph", "size": "By size"}
PREVIEW_ROWS = 2_000  # pieces listed; the count above the list covers all of them
PREVIEW_DELAY_MS = 150


@dataclass(frozen=True)
class ChunkRequest:
    document_ids: list[int]
    chunking: Chunking
    label_from_source: bool


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


class ChunkDialog(QDialog):
    def __init__(self, ws: Workspace, task_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.pieces: list[ChunkPreview] = []
        self.setWindowTitle(f"Add examples to {task_name} from documents")
        self.resize(980, 620)
        box = QVBoxLayout(self)
        about = QLabel("Each piece becomes one example (its redacted text). Only documents cleared of personal "
                       "data are listed. Check the pieces below before creating them.")
        about.setWordWrap(True)
        about.setObjectName("Muted")
        box.addWidget(about)

        top = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel("Cleared documents"))
        self.documents = QListWidget()
        self.documents.setMaximumHeight(150)
        for doc in ws.documents.rows():
            if doc.status == "cleared":
                item = QListWidgetItem(doc.name)
                item.setData(Qt.ItemDataRole.UserRole, doc.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                self.documents.addItem(item)
        self.documents.itemChanged.connect(lambda _i: self.schedule_preview())
        left.addWidget(self.documents)
        top.addLayout(left, 3)
        form = QFormLayout()
        self.mode = QComboBox()
        for mode, name in MODES.items():
            self.mode.addItem(name, mode)
        self.mode.setCurrentIndex(1)
        self.piece_size = QSpinBox()
        self.piece_size.setRange(50, 100_000)
        self.piece_size.setSingleStep(100)
        self.piece_size.setValue(2000)
        self.piece_size.setSuffix(" characters")
        self.overlap = QSpinBox()
        self.overlap.setRange(0, 50_000)
        self.overlap.setSingleStep(50)
        self.overlap.setSuffix(" characters")
        self.label_from_source = QCheckBox("Label each piece with its document's label (from the import)")
        form.addRow("Cut", self.mode)
        form.addRow("Piece size (at most)", self.piece_size)
        form.addRow("Overlap", self.overlap)
        form.addRow("", self.label_from_source)
        top.addLayout(form, 4)
        box.addLayout(top)
        for spin in (self.piece_size, self.overlap):
            spin.valueChanged.connect(lambda _v: self.schedule_preview())
        self.mode.currentIndexChanged.connect(lambda _i: self.schedule_preview())

        self.summary = QLabel()
        self.summary.setObjectName("SectionTitle")
        box.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        self.table = DataTable([
            Column("Document", lambda p: p.source_name, width=180),
            Column("Piece", lambda p: p.index + 1, align="right", width=60),
            Column("Characters", lambda p: f"{len(p.text):,}", align="right", sort_key=lambda p: len(p.text),
                   width=90),
            Column("Text", lambda p: _one_line(p.text), stretch=True),
        ], "No pieces: check at least one cleared document.")
        self.table.row_selected.connect(self._show_piece)
        split.addWidget(self.table)
        self.piece_text = QPlainTextEdit()
        self.piece_text.setReadOnly(True)
        self.piece_text.setPlaceholderText("Select a piece to read it whole.")
        split.addWidget(self.piece_text)
        split.setSizes([330, 140])
        box.addWidget(split, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        box.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.refresh_preview()

    # -- what the user chose ----------------------------------------------------------
    def chosen_documents(self) -> list[int]:
        items = (self.documents.item(i) for i in range(self.documents.count()))
        return [int(it.data(Qt.ItemDataRole.UserRole)) for it in items if it.checkState() == Qt.CheckState.Checked]

    def chunking(self) -> Chunking:
        from engine.tasks.chunking import Chunking

        return Chunking(str(self.mode.currentData()), self.piece_size.value(), self.overlap.value())

    def request(self) -> ChunkRequest:
        return ChunkRequest(self.chosen_documents(), self.chunking(), self.label_from_source.isChecked())

    # -- the preview -----------------------------------------------------------------------
    def schedule_preview(self) -> None:
        self._timer.start()

    def refresh_preview(self) -> None:
        from engine.errors import AirlockError

        self._timer.stop()
        chunking = self.chunking()
        by_size = chunking.mode != "whole"
        self.piece_size.setEnabled(by_size)
        self.overlap.setEnabled(by_size)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            chunking.check()
            docs = self.chosen_documents()
            self.pieces = self.ws.tasks.preview_chunks(docs, chunking.mode, chunking.size, chunking.overlap)
        except AirlockError as exc:
            self.pieces = []
            self.summary.setText(f"⚠ {exc}")
            self.table.set_rows([])
            ok.setEnabled(False)
            return
        shown = self.pieces[:PREVIEW_ROWS]
        more = f" (the first {len(shown):,} listed)" if len(shown) < len(self.pieces) else ""
        self.summary.setText(f"{fmt.count(len(self.pieces), 'example')} from {fmt.count(len(docs), 'document')}"
                             f"{more}")
        self.table.set_rows(shown, keep_selection=False)
        ok.setText(f"Create {fmt.count(len(self.pieces), 'example')}")
        ok.setEnabled(bool(self.pieces))
        if shown:
            self.table.selectRow(0)

    def _show_piece(self, piece: ChunkPreview | None) -> None:
        self.piece_text.setPlainText("" if piece is None else piece.text)
