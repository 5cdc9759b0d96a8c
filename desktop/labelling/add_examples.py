"""What the labelling page adds: a new task (``NewTaskDialog``), and examples for its task in two
ways, both run as jobs (progress and Cancel in the status bar): pieces of cleared documents
(chosen in ``ChunkDialog`` after a preview) and an example file (chat JSONL, prompt/completion,
Alpaca, ShareGPT, CSV) or a Hugging Face datasets folder, whose rejected rows are listed with
their line numbers while the good ones are kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import dialogs
from desktop import formatting as fmt
from desktop.changes import Changes
from desktop.jobs import Job
from desktop.labelling.chunk_dialog import ChunkDialog, ChunkRequest
from desktop.labelling.columns_dialog import ColumnsDialog, has_default_columns
from desktop.labelling.task_dialog import NewTaskDialog, TaskRequest
from desktop.qt import QDialog, QFileDialog, QHBoxLayout, QMenu, QMessageBox, QPushButton

if TYPE_CHECKING:
    from desktop.labelling.page import LabellingPage
    from engine.tasks.example_import import ImportReport

EXAMPLE_FILES = "Example files (*.jsonl *.json *.csv);;All files (*)"
REJECTIONS_SHOWN = 200


ADDED = Changes.of("examples", "audit")


class ExampleAdder:
    def __init__(self, page: LabellingPage) -> None:
        self.page = page
        self.dialog: ChunkDialog | NewTaskDialog | ColumnsDialog | None = None  # the open one, for tests
        self.job: Job[Any] | None = None
        self.rejections_box: QMessageBox | None = None  # the last import's rejected rows
        self.review_dialog: QDialog | None = None  # the last import's PII review, while open
        self.new_task_button: QPushButton  # these three: see add_buttons
        self.from_documents_button: QPushButton
        self.import_button: QPushButton

    def add_buttons(self, row: QHBoxLayout) -> None:
        """New task…, Add from documents…, Import examples… (with their shortcuts) into ``row``."""
        def button(text: str, keys: str, tip: str, slot: Callable[[], None]) -> QPushButton:
            made = QPushButton(text)
            made.setToolTip(f"{tip} ({keys})")
            made.setShortcut(keys)
            made.clicked.connect(slot)
            row.addWidget(made)
            return made

        self.new_task_button = button("New task…", "Ctrl+Shift+N", "A classification, extraction or generation "
                                      "task and its prompt", self.open_task_dialog)
        self.from_documents_button = button("Add from documents…", "Ctrl+Shift+D", "Pieces of cleared documents, "
                                            "previewed before they become examples", self.open_chunk_dialog)
        self.import_button = button("Import examples…", "Ctrl+Shift+I", "Chat JSONL, prompt/completion, Alpaca, "
                                    "ShareGPT, CSV or a Hugging Face datasets folder; rejected rows are listed with "
                                    "their line numbers", lambda: None)
        menu = QMenu(self.import_button)
        menu.addAction("Example file (JSONL, JSON, CSV)…", self.choose_file)
        menu.addAction("Hugging Face datasets folder…", self.choose_folder)
        self.import_button.setMenu(menu)

    def task_chosen(self, chosen: bool) -> None:
        """Examples can be added only to a task."""
        self.from_documents_button.setEnabled(chosen)
        self.import_button.setEnabled(chosen)

    # -- a new task -----------------------------------------------------------------
    def open_task_dialog(self) -> None:
        if self.page.ws is None:
            return
        dialog = NewTaskDialog(self.page)
        self.dialog = dialog
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.create_task(dialog.request())
        finally:
            self.dialog = None

    def create_task(self, request: TaskRequest) -> None:
        from engine.errors import AirlockError

        ws = self.page.ws
        if ws is None:
            return
        try:
            task = ws.tasks.create(request.name, request.kind, request.spec, request.system_prompt,
                                   request.user_template)
        except AirlockError as exc:
            dialogs.show_error(self.page, "The task was not created", str(exc))
            return
        self.page.select_task(task.id)
        self.page.show_banner(f"Created the {task.kind} task {task.name!r}: add examples from documents "
                              "or import a file.")
        self.page.data_changed.emit(Changes.of("tasks", "audit"))

    # -- from documents -------------------------------------------------------------
    def open_chunk_dialog(self) -> None:
        page = self.page
        if page.ws is None or page.task is None:
            return
        dialog = ChunkDialog(page.ws, page.task.name, page.runner, page)
        self.dialog = dialog
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.from_documents(dialog.request())
        finally:
            self.dialog = None

    def from_documents(self, request: ChunkRequest) -> None:
        ws, task = self.page.ws, self.page.task
        if ws is None or task is None or self.job is not None:
            return
        self._run(Job(lambda _ctx: ws.tasks.examples_from_documents(task.id, request.document_ids,
                                                                       request.label_from_source, request.chunking),
                      f"Adding examples to {task.name}", ADDED),
                  lambda ids: self.page.show_banner(f"Added {fmt.count(len(ids), 'example')} from "
                                                    f"{fmt.count(len(request.document_ids), 'document')}."),
                  "The examples were not added")

    # -- from a file ------------------------------------------------------------------
    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.page, "Import examples", str(Path.home()), EXAMPLE_FILES)
        if not name:
            return
        from engine.errors import InputFileError

        path = Path(name)
        try:
            columns = self.columns_to_ask(path)
        except InputFileError as exc:
            dialogs.show_error(self.page, f"{path.name} was not imported", str(exc))
            return
        if columns is None:
            self.import_file(path)
            return
        dialog = ColumnsDialog(path.name, columns, self.page)
        self.dialog = dialog
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                text_column, answer_column = dialog.chosen()
                self.import_file(path, text_column, answer_column or "")
        finally:
            self.dialog = None

    def columns_to_ask(self, path: Path) -> list[str] | None:
        """A CSV file's columns when they are not the default ``text`` and ``label`` (the person is
        asked which hold what); None for other files, or when the defaults are there. A header that
        cannot be read raises ``InputFileError`` naming the file."""
        from engine.tasks.example_formats import csv_columns

        if path.suffix.lower() not in (".csv", ".tsv"):
            return None
        columns = csv_columns(path)
        return None if has_default_columns(columns) else columns

    def choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self.page, "Import a Hugging Face datasets folder", str(Path.home()))
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path, text_column: str = "text", label_column: str = "label") -> None:
        """Import ``path`` as a job; in a CSV file, ``label_column`` "" imports the texts without answers."""
        ws, task = self.page.ws, self.page.task
        if ws is None or task is None or self.job is not None:
            return
        self._run(Job(lambda ctx: ws.tasks.import_examples(task.id, path, "auto", text_column, label_column, ctx),
                      f"Importing {path.name}", ADDED),
                  self._imported, f"{path.name} was not imported")

    def _imported(self, report: ImportReport) -> None:
        held = (f" {report.held_for_review:,} rows with personal data are held for your review (nothing changed "
                "yet).") if report.held_for_review else ""
        self.page.show_banner(
            f"Imported {len(report.created):,} examples from {Path(report.path).name} ({report.labelled:,} with "
            f"an answer); {len(report.rejected):,} rows rejected.{held}")
        if report.review_id is not None and self.page.ws is not None:
            self.open_review(report.review_id)
        if report.rejected:
            box = QMessageBox(self.page)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("Some rows were rejected")
            box.setText(f"{len(report.rejected):,} rows of {Path(report.path).name} were not imported; "
                        f"the {len(report.created):,} good ones were kept.")
            lines = [str(r) for r in report.rejected[:REJECTIONS_SHOWN]]
            if len(report.rejected) > REJECTIONS_SHOWN:
                lines.append(f"… and {len(report.rejected) - REJECTIONS_SHOWN:,} more "
                             "(`airlock examples import` lists them all)")
            box.setInformativeText("\n".join(lines[:5]))
            box.setDetailedText("\n".join(lines))
            self.rejections_box = box
            box.open()

    def open_review(self, review_id: int) -> None:
        """The rows an import held back for PII review; finishing adds them as examples."""
        from desktop.labelling.example_review_dialog import ExampleReviewDialog

        if self.page.ws is None:
            return
        dialog = ExampleReviewDialog(self.page.ws, review_id, self.page)
        dialog.finished.connect(self._review_closed)
        self.review_dialog = dialog
        dialog.open()

    def _review_closed(self, _code: int) -> None:
        self.page.reload_list(keep_place=True)
        self.page.data_changed.emit(Changes.of("examples", "audit"))

    # -- both ---------------------------------------------------------------------------
    def _run(self, job: Job[Any], done: Any, failure_title: str) -> None:
        """Run an adding job (it declares ADDED: the window refreshes the pages showing examples)."""
        def finished(_job: Job[Any]) -> None:
            self.job = None
            self.page.reload_list(keep_place=True)  # the window refreshes the other pages (job.changes)

        self.job = (job.on_success(done)
                    .on_failure(lambda e: dialogs.show_error(self.page, failure_title, str(e)))
                    .on_finished(finished)
                    .run(self.page.runner))
