"""Examples from cleared documents: pick the documents and how to cut them (whole, by paragraph,
or by size with overlap), see every piece that will become an example, then create them.

The preview is ``ws.tasks.preview_chunks`` with exactly the settings that creating uses, so what
is shown is what is stored; it runs as a job (cutting many long documents takes a while), and only
the preview of the latest settings is shown. Only documents cleared of PII are offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop import formatting as fmt
from desktop.jobs import Job
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
    from desktop.jobs import JobRunner
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
    def __init__(self, ws: Workspace, task_name: str, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.runner = runner
        self.pieces: list[ChunkPreview] = []
        self.preview_job: Job[list[ChunkPreview]] | None = None
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
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)  # until the preview is current
        self._timer.start()

    def refresh_preview(self) -> None:
        from engine.errors import AirlockError

        self._timer.stop()
        if self.preview_job is not None:  # its settings are no longer the chosen ones
            self.preview_job.cancel()
            self.preview_job = None
        chunking = self.chunking()
        by_size = chunking.mode != "whole"
        self.piece_size.setEnabled(by_size)
        self.overlap.setEnabled(by_size)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        try:
            chunking.check()
        except AirlockError as exc:
            self._refused(exc)
            return
        docs, ws = self.chosen_documents(), self.ws
        self.summary.setText(f"Cutting {fmt.count(len(docs), 'document')} into pieces…")
        self.table.setEnabled(False)  # greyed: the pieces of the settings before
        job: Job[list[ChunkPreview]] = Job(
            lambda ctx: ws.tasks.preview_chunks(docs, chunking.mode, chunking.size, chunking.overlap),
            "Previewing the pieces")
        self.preview_job = job
        job.on_success(lambda pieces: self._show_pieces(job, len(docs), pieces))
        job.on_failure(lambda exc: self._preview_failed(job, exc))
        job.run(self.runner)

    def _show_pieces(self, job: Job[Any], documents: int, pieces: list[ChunkPreview]) -> None:
        if job is not self.preview_job:
            return  # the settings changed meanwhile: a newer preview is coming
        self.preview_job = None
        self.pieces = pieces
        self.table.setEnabled(True)
        shown = pieces[:PREVIEW_ROWS]
        more = f" (the first {len(shown):,} listed)" if len(shown) < len(pieces) else ""
        self.summary.setText(f"{fmt.count(len(pieces), 'example')} from {fmt.count(documents, 'document')}{more}")
        self.table.set_rows(shown, keep_selection=False)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Create {fmt.count(len(pieces), 'example')}")
        ok.setEnabled(bool(pieces))
        if shown:
            self.table.selectRow(0)

    def _preview_failed(self, job: Job[Any], exc: BaseException) -> None:
        if job is self.preview_job:
            self.preview_job = None
            self._refused(exc)

    def _refused(self, exc: BaseException) -> None:
        self.pieces = []
        self.table.setEnabled(True)
        self.summary.setText(f"⚠ {exc}")
        self.table.set_rows([])
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def done(self, result: int) -> None:
        if self.preview_job is not None:
            self.preview_job.cancel()
            self.preview_job = None
        super().done(result)

    def _show_piece(self, piece: ChunkPreview | None) -> None:
        self.piece_text.setPlainText("" if piece is None else piece.text)
