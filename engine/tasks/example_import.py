"""Importing examples from a file into a task: every good row kept, every bad row reported.

Each row's input (and a free-text or JSON answer) goes through PII detection and redaction
with the workspace's privacy settings before anything is stored, so no unredacted text
reaches an example. Input and answer are redacted together, so a name gets the same
placeholder in both. Answers are checked against the task (label set, JSON schema, length);
a row whose input is already an example of the task is a duplicate. All examples of a file
land in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.blobs import sha256_bytes
from engine.clock import now
from engine.datasets.freeze import normalised_input
from engine.errors import InputFileError
from engine.jobs import JobContext
from engine.privacy import DetectionConfig, Span, detect, redact
from engine.store.models import Example, Label
from engine.tasks.example_formats import Row, RowRejection, check_size, read_rows
from engine.tasks.hf_folder import folder_sha256, read_folder
from engine.tasks.spec import TaskInfo
from engine.tasks.validation import canonical_value, value_problems

if TYPE_CHECKING:
    from collections.abc import Mapping

    from engine.workspace import Workspace

_SEPARATOR = "\n\n\u2063\n\n"  # between input and answer while they are redacted together


@dataclass
class ImportReport:
    path: str
    format: str
    created: list[int] = field(default_factory=list)  # example ids
    labelled: int = 0
    rejected: list[RowRejection] = field(default_factory=list)
    redacted_rows: int = 0  # rows in which personal data was found and replaced

    def summary(self) -> str:
        return (f"{self.path}: {len(self.created)} examples imported ({self.labelled} with an answer, "
                f"{self.redacted_rows} redacted), {len(self.rejected)} rows rejected")


def redact_pair(input_text: str, answer: str | None, config: DetectionConfig,
                operators: Mapping[str, str] | None) -> tuple[str, str | None, int]:
    """Both texts redacted as one (consistent placeholders); the number of spans replaced."""
    if answer is None:
        found = detect(input_text, config)
        return redact(input_text, found, operators).text, None, len(found)
    joined = input_text + _SEPARATOR + answer
    cut = len(input_text)
    resume = cut + len(_SEPARATOR)
    spans: list[Span] = []
    for sp in detect(joined, config):  # a span never covers the separator: cut it in two if it did
        if sp.end > cut and sp.start < resume:
            spans += [replace(sp, end=cut)] if sp.start < cut else []
            spans += [replace(sp, start=resume)] if sp.end > resume else []
        else:
            spans.append(sp)
    text = redact(joined, spans, operators).text
    head, _, tail = text.partition(_SEPARATOR)
    return head, tail, len(spans)


def _answer_problem(task: TaskInfo, answer: str) -> str | None:
    problems = value_problems(task.kind, task.spec, answer)
    if not problems:
        return None
    if task.kind == "extraction":
        return ("the answer is " if problems[0].startswith("not valid JSON") else
                "schema violation: ") + "; ".join(problems)
    return problems[0]


def import_file(ws: Workspace, task_id: int, path: Path, fmt: str = "auto", text_column: str = "text",
                label_column: str = "label", ctx: JobContext | None = None) -> ImportReport:
    """A job: reports progress per row and can be cancelled until the rows are stored."""
    ctx = ctx or JobContext()
    task = ws.tasks.get(task_id)
    if fmt == "hf" or (fmt == "auto" and path.is_dir()):
        used, unit = "hf", "row"
        rows = read_folder(path, task.user_template, text_column, label_column)
        file_sha = folder_sha256(path)
    else:
        check_size(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
        used, rows = read_rows(path, data, fmt, task.user_template, text_column, label_column)
        unit, file_sha = "line", sha256_bytes(data)
    report = ImportReport(str(path), used)
    settings = ws.privacy.settings()
    config, operators = settings.detection_config(), dict(settings.operators) or None
    with ws.reader() as s:
        seen = {normalised_input(t): ex_id for ex_id, t in s.execute(
            select(Example.id, Example.input_text).where(Example.task_id == task_id))}
    accepted: list[tuple[Row, str, str | None]] = []
    in_file: dict[str, int] = {}
    for i, row in enumerate(rows):
        if i % 20 == 0:
            ctx.step(0.95 * i / max(1, len(rows)), f"Checking and redacting row {i + 1} of {len(rows)}")
        if isinstance(row, RowRejection):
            report.rejected.append(row)
            continue
        if not row.input_text.strip():
            report.rejected.append(RowRejection(row.line, "empty content: the input is empty", unit))
            continue
        if row.answer is not None and (problem := _answer_problem(task, row.answer)) is not None:
            report.rejected.append(RowRejection(row.line, problem, unit))
            continue
        free_answer = row.answer if task.kind != "classification" else None
        text, answer, found = redact_pair(row.input_text.strip(), free_answer, config, operators)
        answer = answer if task.kind != "classification" else row.answer
        if answer is not None and (problem := _answer_problem(task, answer)) is not None:
            report.rejected.append(RowRejection(row.line, f"after redacting personal data: {problem}", unit))
            continue
        key = normalised_input(text)
        if key in seen or key in in_file:
            where = f"example {seen[key]}" if key in seen else f"{unit} {in_file[key]} of this file"
            report.rejected.append(RowRejection(row.line, f"duplicate: same input as {where}", unit))
            continue
        in_file[key] = row.line
        report.redacted_rows += 1 if found else 0
        accepted.append((row, text, canonical_value(task.kind, answer) if answer is not None else None))
    ctx.step(0.95, f"Storing {len(accepted)} examples")
    _store(ws, task, report, accepted, file_sha)
    ctx.report(1.0, report.summary())
    return report


def _store(ws: Workspace, task: TaskInfo, report: ImportReport, accepted: list[tuple[Row, str, str | None]],
           file_sha: str) -> None:
    annotator = f"import:{ws.identity.os_user}"
    with ws.unit() as s:
        for _row, text, answer in accepted:
            ex = Example(task_id=task.id, origin="import", input_text=text, created_at=now())
            s.add(ex)
            s.flush()
            report.created.append(ex.id)
            if answer is not None:
                s.add(Label(example_id=ex.id, annotator=annotator, value=answer, created_at=now()))
                report.labelled += 1
        ws.audit.record(s, "examples.imported", f"task:{task.id}",
                        {"file": Path(report.path).name, "file_sha256": file_sha, "format": report.format,
                         "created": len(report.created), "labelled": report.labelled,
                         "rejected": len(report.rejected), "redacted_rows": report.redacted_rows,
                         "example_ids": [report.created[0], report.created[-1]] if report.created else []})
