"""Documents: import, scan for PII, review every finding, redact and clear.

The table lists what was imported and how far each document got (imported ->
scanned -> cleared). Below it, the selected document's text with its findings
highlighted by type, and the review panel: accept (A) / reject (R), next (N) /
previous (P), bulk accept by type, mark a missed span from the text's context
menu, undo (Ctrl+Z) and redo (Ctrl+Shift+Z). Import (files, a folder, or files dropped on the page)
and scanning run as jobs with progress and Cancel.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import dialogs
from desktop import formatting as fmt
from desktop.changes import Changes
from desktop.documents.review import ReviewPanel, ask_entity_type
from desktop.documents.viewer import DocumentViewer
from desktop.jobs import Job
from desktop.qt import (
    QDragEnterEvent,
    QDropEvent,
    QFileDialog,
    QKeySequence,
    QLabel,
    QPushButton,
    QShortcut,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.job_progress import JobProgress
from desktop.widgets.latest_read import LatestRead
from desktop.widgets.page import Page
from desktop.widgets.table import Column, DataTable

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.documents.listing import DocumentRow
    from engine.documents.service import ImportReport
    from engine.jobs import JobContext
    from engine.privacy.findings import FindingInfo
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


def scan_documents(ws: Workspace, document_ids: list[int], ctx: JobContext) -> int:
    """Scan the documents for PII in batches (the workspace's settings apply); cancel keeps what was done."""
    return ws.privacy.scan_many(document_ids, ctx)


class DocumentsPage(Page):
    key = "documents"
    shows = frozenset({"documents", "findings", "settings"})
    empty_hint = "Open a workspace to import documents and review their PII."
    title = "Documents"
    subtitle = "Imported files, their PII findings, and the text that later steps are allowed to see."

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setAcceptDrops(True)
        self.last_report: ImportReport | None = None
        self.result_dialog: QWidget | None = None
        for text, tip, slot in (("Import files…", "Import PDF, Word, text, Markdown, HTML, CSV or JSONL files "
                                 "(or drop them on this page)", self.choose_files),
                                ("Import folder…", "Import every document in a folder and its subfolders",
                                 self.choose_folder),
                                ("Privacy settings…", "Own patterns, deny / allow lists, thresholds, operators, "
                                 "keep originals", self.open_settings)):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, s=slot: s())
            self.header_actions.addWidget(button)

        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.jobs = JobProgress()
        layout.addWidget(self.jobs)
        reading = QLabel("Reading the documents…")
        reading.setObjectName("Muted")
        layout.addWidget(reading)
        # thousands of documents with their findings' counts: read off the GUI thread, newest read wins
        self.rows_read: LatestRead[list[DocumentRow]] = LatestRead(
            runner, "Reading the documents", busy=reading,
            failed=lambda exc: self.show_banner(f"Could not read this workspace: {exc}", "error"))
        self.counts_read: LatestRead[list[DocumentRow]] = LatestRead(runner, "Reading the documents' counts")
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = DataTable(COLUMNS, "No documents yet.\nImport files or a folder, or drop files here.")
        self.table.row_selected.connect(self._show_document)
        self.table.setMinimumHeight(130)
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_review())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter)
        self._shortcuts()

    def _build_review(self) -> QWidget:
        lower = QSplitter(Qt.Orientation.Horizontal)
        self.viewer = DocumentViewer()
        v = self.viewer  # the page's own names for the viewer's parts (tests and shortcuts use them)
        self.doc_title, self.doc_note, self.legend, self.text_view = v.doc_title, v.doc_note, v.legend, v.text_view
        self.scan_button, self.scan_all_button = v.scan_button, v.scan_all_button
        self.mark_button, self.redact_button = v.mark_button, v.redact_button
        self.scan_button.clicked.connect(self.scan_selected)
        self.scan_all_button.clicked.connect(self.scan_all_new)
        self.mark_button.clicked.connect(lambda _=False: self.mark_selection())
        self.redact_button.clicked.connect(self.redact_and_clear)
        self.text_view.mark_requested.connect(lambda s, e, t: self.mark_selection(t or None, (s, e)))
        lower.addWidget(self.viewer)
        self.review = ReviewPanel()
        self.review.setMinimumWidth(300)
        self.review.changed.connect(self._after_decision)
        self.review.current_changed.connect(self._show_finding)
        lower.addWidget(self.review)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 1)
        return lower

    def _shortcuts(self) -> None:
        for keys, slot in (("A", self.review.accept_current), ("R", self.review.reject_current),
                           ("N", self.review.next), ("P", self.review.previous),
                           ("Ctrl+Shift+M", self.mark_selection)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=slot: s())
        self.review.bind_undo(self)

    # -- reading ------------------------------------------------------------------
    def load(self, ws: Workspace) -> None:
        self.rows_read.start(ws.documents.rows, self._show_rows)

    def _show_rows(self, rows: list[DocumentRow]) -> None:
        self.table.set_rows(rows)
        if self.table.selected_row() is None:
            self.table.select_first()

    def clear(self) -> None:
        self.rows_read.forget()
        self.counts_read.forget()
        self.table.set_rows([])
        self.review.set_document(None, None, "", False)

    def selected_id(self) -> int | None:
        row = self.table.selected_row()
        return row.id if row is not None else None

    def _show_document(self, row: DocumentRow | None) -> None:
        view = None
        if row is not None and self.ws is not None:
            view = self.ws.documents.text(row.id)
        if row is None or view is None:
            self.viewer.show_gone(row)
            self.review.set_document(self.ws, None, "", False)
            self._update_actions(None)
            return
        self.doc_title.setText(row.name)
        under_review = not view.redacted and bool(view.text)
        self.text_view.can_mark = under_review
        self.review.set_document(self.ws, row.id, view.text if under_review else "", under_review)
        if not under_review:
            self.text_view.set_content(view.text, view.spans)
            self.legend.set_spans(view.spans)
        self._update_actions(row)

    def _show_finding(self, finding: FindingInfo | None) -> None:
        """Redraw the highlights with ``finding`` as the current one and scroll to it."""
        if not self.review.editable:
            return
        self.text_view.set_findings(self.review.text, self.review.findings(), finding.id if finding else None)
        self.legend.set_spans(self.text_view.spans())
        if finding is not None:
            self.text_view.show_span(finding.start, finding.end)

    def _update_actions(self, row: DocumentRow | None) -> None:
        editable = row is not None and self.review.editable
        pending = self.review.pending()
        self.scan_button.setEnabled(editable and not self.jobs.busy)
        self.scan_all_button.setEnabled(self.ws is not None and not self.jobs.busy)
        self.mark_button.setEnabled(editable)
        self.redact_button.setEnabled(editable and pending == 0 and row is not None and row.status != "imported")
        self.viewer.show_note(row, editable, pending, len(self.review.findings()))

    def _after_decision(self) -> None:
        row = self.table.selected_row()
        if self.ws is not None and row is not None:
            self._update_actions(row)  # what the review panel knows already; the row's counts follow
            self.counts_read.start(self.ws.documents.rows, lambda rows: self._decided(row, rows))
        self.data_changed.emit(Changes.of("findings", "documents", "audit"))

    def _decided(self, row: DocumentRow, rows: list[DocumentRow]) -> None:
        """The list read again after a decision: the row's status and counts, the review left as it is."""
        fresh = next((r for r in rows if r.id == row.id), row)
        selected = self.table.selected_row()
        if selected is not None and selected.id == row.id:
            self._update_actions(fresh)
        if fresh.status != row.status or fresh.findings != row.findings:
            self.table.blockSignals(True)
            self._show_rows(rows)
            self.table.blockSignals(False)

    # -- reviewing ------------------------------------------------------------------
    def mark_selection(self, entity_type: str | None = None, span: tuple[int, int] | None = None) -> int | None:
        span = span or self.text_view.selected_range()
        if span is None or not self.review.editable:
            self.show_banner("Select the text the detector missed, then mark it (or right-click it).")
            return None
        entity_type = entity_type or ask_entity_type(self)
        if not entity_type:
            return None
        self.show_banner(None)
        return self.review.add_span(span[0], span[1], entity_type)

    def redact_and_clear(self) -> None:
        doc_id = self.selected_id()
        if self.ws is None or doc_id is None:
            return
        from engine.errors import AirlockError

        try:
            self.ws.privacy.redact_document(doc_id)
        except AirlockError as exc:
            dialogs.show_error(self, "Cannot redact this document", str(exc))
            return
        self.review.undo_stack.clear()  # the original is gone: earlier decisions can no longer change
        self.refresh()
        self._show_document(self.table.selected_row())
        self.data_changed.emit(Changes.of("documents", "findings", "audit"))

    def scan_selected(self) -> Job[Any] | None:
        doc_id = self.selected_id()
        return self._scan([doc_id]) if doc_id is not None else None

    def scan_all_new(self) -> Job[Any] | None:
        if self.ws is None:
            return None
        ids = self.ws.documents.ids(status="imported")
        if not ids:
            self.show_banner("Every document has been scanned already.")
            return None
        return self._scan(ids)

    def _scan(self, ids: list[int]) -> Job[Any] | None:
        ws = self.ws
        if ws is None or self.jobs.busy:
            return None
        job: Job[Any] = Job(lambda ctx: scan_documents(ws, ids, ctx), "Scanning for PII",
                            Changes.of("documents", "findings", "audit"))
        return self._start(job, "Scanning for PII", lambda _n: None)

    def open_settings(self) -> QWidget | None:
        """The workspace's privacy settings; saved settings apply to the next scan."""
        from desktop.documents.pii_settings import PrivacySettingsDialog

        if self.ws is None:
            return None
        dialog = PrivacySettingsDialog(self.ws, self.review.text, self)
        dialog.accepted.connect(lambda: self.show_banner("Privacy settings saved; they apply to the next scan."))
        dialog.open()
        return dialog

    # -- importing ------------------------------------------------------------------
    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Import documents", str(Path.home()),
                                                "Documents (*.pdf *.docx *.txt *.text *.md *.markdown *.html "
                                                "*.htm *.xhtml *.csv *.jsonl);;All files (*)")
        if names:
            self.import_paths([Path(n) for n in names])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder (with its subfolders)", str(Path.home()))
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path]) -> Job[Any] | None:
        from desktop.documents.import_dialog import import_job, plan_import

        ws = self.ws
        if ws is None or self.jobs.busy:
            return None
        groups = plan_import(self, paths)
        if not groups:
            return None
        job: Job[Any] = Job(lambda ctx: import_job(ws, groups, ctx), "Importing documents",
                            Changes.of("documents", "audit"))
        return self._start(job, "Importing documents", self._imported)

    def _imported(self, report: ImportReport) -> None:
        from desktop.documents.import_dialog import ImportResult

        self.last_report = report
        self.result_dialog = ImportResult(report, self)
        self.result_dialog.show()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.ws is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths or self.ws is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_paths(paths)

    # -- jobs -------------------------------------------------------------------------
    def _start(self, job: Job[Any], title: str, done: Any) -> Job[Any]:
        self.jobs.track(job, title)
        job.on_success(done).on_failure(
            lambda exc: dialogs.show_error(self, f"{title} failed", str(exc) or type(exc).__name__))
        job.on_cancelled(lambda: self.show_banner(f"{title} was cancelled; what finished is kept."))
        job.on_finished(lambda _job: self._job_ended())
        self.scan_button.setEnabled(False)
        self.scan_all_button.setEnabled(False)
        return job.run(self.runner)

    def _job_ended(self) -> None:
        self.refresh()
        self._show_document(self.table.selected_row())  # the window refreshes the other pages
