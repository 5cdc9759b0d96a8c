"""Importing from the GUI: the column picker for CSV / JSONL files and the result of a batch.

``plan_import`` asks, for every CSV or JSONL file the user picked directly,
which column holds the text (and which the label), showing the first rows.
Files inside a chosen folder use the defaults (``text`` / ``label``), as the
CLI does. ``import_job`` runs the plan as one job and merges the reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import dialogs
from desktop.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from engine.documents.fields import FieldPreview
    from engine.documents.service import ImportReport
    from engine.jobs import JobContext
    from engine.workspace import Workspace

NO_LABEL = "(no label)"


@dataclass(frozen=True)
class ImportGroup:
    """Files imported with the same text and label fields."""

    paths: tuple[Path, ...]
    text_field: str = "text"
    label_field: str | None = None


class ColumnPicker(QDialog):
    """Shows a row file's columns with its first rows; the user picks the text and label columns."""

    def __init__(self, preview: FieldPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        kind = "column" if preview.format == "csv" else "field"
        self.setWindowTitle(f"Choose the text {kind} — {preview.path.name}")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(f"{preview.path.name} holds one document per row. Choose the {kind} with the "
                       f"document's text, and optionally the {kind} with its label.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.text_combo = QComboBox()
        self.text_combo.addItems(list(preview.fields))
        self.text_combo.setCurrentText(preview.text_field)
        self.label_combo = QComboBox()
        self.label_combo.addItems([NO_LABEL, *preview.fields])
        self.label_combo.setCurrentText(preview.label_field or NO_LABEL)
        form.addRow(f"Text {kind}", self.text_combo)
        form.addRow(f"Label {kind}", self.label_combo)
        layout.addLayout(form)
        self.table = QTableWidget(len(preview.rows), len(preview.fields))
        self.table.setHorizontalHeaderLabels(list(preview.fields))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, row in enumerate(preview.rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        layout.addWidget(QLabel(f"First {len(preview.rows)} rows:"))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.text_combo.currentTextChanged.connect(self._mark_columns)
        self.label_combo.currentTextChanged.connect(self._mark_columns)
        self._mark_columns()

    def _mark_columns(self) -> None:
        chosen = {self.text_combo.currentText(): "text", self.label_combo.currentText(): "label"}
        for c, name in enumerate(self.preview.fields):
            role = chosen.get(name)
            item = self.table.horizontalHeaderItem(c)
            if item is not None:
                item.setText(f"{name}  [{role}]" if role else name)
        self.table.resizeColumnsToContents()

    def choice(self) -> tuple[str, str | None]:
        label = self.label_combo.currentText()
        return self.text_combo.currentText(), None if label == NO_LABEL else label


def plan_import(parent: QWidget | None, paths: Sequence[Path]) -> list[ImportGroup] | None:
    """Groups to import; asks for the columns of each CSV / JSONL file. None when the user cancels."""
    from engine.documents.fields import preview_fields, row_format
    from engine.errors import AirlockError

    plain: list[Path] = []
    groups: list[ImportGroup] = []
    for path in paths:
        if path.is_dir() or row_format(path) is None:
            plain.append(path)
            continue
        try:
            preview = preview_fields(path)
        except AirlockError as exc:
            plain.append(path)  # the import reports the problem with the rest of the batch
            del exc
            continue
        picker = ColumnPicker(preview, parent)
        if picker.exec() != QDialog.DialogCode.Accepted:
            return None
        text_field, label_field = picker.choice()
        groups.append(ImportGroup((path,), text_field, label_field))
    if plain:
        groups.insert(0, ImportGroup(tuple(plain)))
    return groups


def import_job(ws: Workspace, groups: Sequence[ImportGroup], ctx: JobContext) -> ImportReport:
    from engine.documents.service import ImportReport

    merged = ImportReport()
    for i, group in enumerate(groups):
        report = ws.documents.import_files(group.paths, ctx.sub(i / len(groups), (i + 1) / len(groups)),
                                           text_field=group.text_field, label_field=group.label_field)
        merged.imported.extend(report.imported)
        merged.duplicates.extend(report.duplicates)
        merged.errors.extend(report.errors)
    return merged


def result_text(report: ImportReport) -> str:
    lines = [f"Imported {len(report.imported)} document(s), {len(report.duplicates)} duplicate(s), "
             f"{len(report.errors)} file(s) skipped."]
    if report.duplicates:
        lines += ["", "Duplicates (not imported again):", *(f"  {d}" for d in report.duplicates)]
    if report.errors:
        lines += ["", "Skipped:", *(f"  {e}" for e in report.errors)]
    return "\n".join(lines)


class ImportResult(QDialog):
    """What a batch did: imported, duplicates, skipped with the reason (selectable text)."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished" if not report.errors else "Import finished with problems")
        self.resize(640, 360)
        layout = QVBoxLayout(self)
        self.details = QPlainTextEdit(result_text(report))
        self.details.setReadOnly(True)
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def show_failure(parent: QWidget | None, error: BaseException) -> None:
    dialogs.show_error(parent, "Import failed", str(error) or type(error).__name__)
