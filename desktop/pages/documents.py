"""Documents: what was imported, how far its redaction got, and the text a reviewer sees."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import formatting as fmt
from desktop.pages.base import Page
from desktop.qt import QLabel, QSplitter, Qt, QVBoxLayout, QWidget
from desktop.widgets.pii_text import EntityLegend, PiiTextView
from desktop.widgets.table import Column, DataTable

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.listings import DocumentRow
    from engine.workspace import Workspace

STATUS_COLORS = {"cleared": "#15803d", "scanned": "#b45309", "failed": "#b91c1c"}


def status_color(row: DocumentRow) -> str | None:
    return STATUS_COLORS.get(row.status, "#b45309")


COLUMNS = [
    Column("Name", lambda r: r.name, tooltip=lambda r: r.name, stretch=True),
    Column("Format", lambda r: r.format.upper(), width=80),
    Column("Size", lambda r: fmt.size(r.size_bytes), align="right", sort_key=lambda r: r.size_bytes,
           width=90),
    Column("Status", lambda r: r.status, color=status_color, width=100),
    Column("PII findings", lambda r: r.findings, align="right", width=100),
    Column("Imported", lambda r: fmt.when(r.imported_at), sort_key=lambda r: r.imported_at.isoformat(),
           width=140),
]


class DocumentsPage(Page):
    key = "documents"
    empty_hint = "Open a workspace to import documents and review their PII."
    title = "Documents"
    subtitle = "Imported files, their PII findings, and the text that later steps are allowed to see."

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = DataTable(COLUMNS, "No documents yet.\nImported files are listed here.")
        self.table.row_selected.connect(self._show_document)
        splitter.addWidget(self.table)

        viewer = QWidget()
        viewer_layout = QVBoxLayout(viewer)
        viewer_layout.setContentsMargins(0, 10, 0, 0)
        viewer_layout.setSpacing(8)
        self.doc_title = QLabel("Select a document to read it")
        self.doc_title.setObjectName("SectionTitle")
        viewer_layout.addWidget(self.doc_title)
        self.doc_note = QLabel()
        self.doc_note.setObjectName("Muted")
        self.doc_note.setWordWrap(True)
        viewer_layout.addWidget(self.doc_note)
        self.legend = EntityLegend()
        viewer_layout.addWidget(self.legend)
        self.text_view = PiiTextView()
        self.text_view.setPlaceholderText("The selected document's text appears here, its PII highlighted.")
        viewer_layout.addWidget(self.text_view, 1)
        splitter.addWidget(viewer)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter)

    def load(self, ws: Workspace) -> None:
        from engine import listings

        self.table.set_rows(listings.documents(ws))
        if self.table.selected_row() is None:
            self.table.select_first()

    def clear(self) -> None:
        self.table.set_rows([])

    def _show_document(self, row: DocumentRow | None) -> None:
        if row is None or self.ws is None:
            self.doc_title.setText("Select a document to read it")
            self.doc_note.clear()
            self.legend.set_spans([])
            self.text_view.set_content("", [])
            return
        from engine import listings

        view = listings.document_text(self.ws, row.id)
        self.doc_title.setText(row.name)
        if view is None:
            self.doc_note.setText("This document is no longer in the workspace.")
            self.text_view.set_content("", [])
            self.legend.set_spans([])
            return
        if view.redacted:
            note = "Redacted text: each placeholder stands for one PII value, consistently per document."
        elif view.text:
            note = ("Original text, kept only while the findings are under review. "
                    "Highlighted spans will be replaced by placeholders when the document is redacted.")
        else:
            note = "No text is kept for this document."
        self.doc_note.setText(f"{note}   {fmt.count(len(view.spans), 'highlighted span')}.")
        self.legend.set_spans(view.spans)
        self.text_view.set_content(view.text, view.spans)
