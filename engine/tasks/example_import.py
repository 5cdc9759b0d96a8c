"""Importing examples from a file into a task: every good row kept, every bad row reported.

Each row's input (and a free-text or JSON answer) goes through PII detection with the
workspace's privacy settings before anything is stored. A row with no finding becomes an
example at once (nothing about it changes). A row with findings is held for review
(``engine.tasks.example_review``): nothing is redacted that nobody looked at, and no
unredacted text reaches an example; when the review finishes, input and answer are redacted
together, so a name gets the same placeholder in both. Answers are checked against the task
(label set, JSON schema, length); a row whose input is already an example of the task is a
duplicate. All examples and staged rows of a file land in one transaction.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.blobs import sha256_bytes
from engine.clock import now
from engine.errors import InputFileError
from engine.jobs import JobContext
from engine.privacy import DetectionConfig, Span, detect, redact
from engine.store.models import Example, ExampleImportReview, Label
from engine.tasks.display import normalised_input
from engine.tasks.example_formats import Row, RowRejection, check_size, read_rows
from engine.tasks.hf_folder import folder_sha256, read_folder
from engine.tasks.spec import TaskInfo
from engine.tasks.validation import canonical_value, value_problems

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from engine.tasks.service import TaskService

# (line, original input, original free answer, classification label, [(field, span)])
StagedRow = tuple[int, str, str | None, str | None, list[tuple[str, Span]]]
_SEPARATOR = "\n\n\u2063\n\n"  # between input and answer while they are redacted together


@dataclass
class ImportReport:
    path: str
    format: str
    created: list[int] = field(default_factory=list)  # example ids
    labelled: int = 0
    rejected: list[RowRejection] = field(default_factory=list)
    redacted_rows: int = 0  # rows in which personal data was found and replaced
    review_id: int | None = None  # the example review holding the rows with findings
    held_for_review: int = 0  # rows with findings, waiting for the review to finish
    findings_by_type: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        held = (f"; {self.held_for_review} rows with personal data held for review {self.review_id} "
                f"({', '.join(f'{t} {n}' for t, n in self.findings_by_type.items())})") if self.held_for_review else ""
        return (f"{self.path}: {len(self.created)} examples imported ({self.labelled} with an answer, "
                f"{self.redacted_rows} redacted){held}, {len(self.rejected)} rows rejected")


def detect_pair(input_text: str, answer: str | None, config: DetectionConfig) -> list[tuple[str, Span]]:
    """The findings of both texts, detected as one (the answer's context helps), as (field, span) with
    offsets into that field's own text."""
    if answer is None:
        return [("input", sp) for sp in detect(input_text, config)]
    joined = input_text + _SEPARATOR + answer
    cut = len(input_text)
    resume = cut + len(_SEPARATOR)
    out: list[tuple[str, Span]] = []
    for sp in detect(joined, config):  # a span never covers the separator: cut it in two if it did
        if sp.start < cut:
            out.append(("input", replace(sp, end=min(sp.end, cut))))
        if sp.end > resume:
            out.append(("answer", replace(sp, start=max(sp.start, resume) - resume, end=sp.end - resume)))
    return out + echoes(input_text, answer, out)


def echoes(input_text: str, answer: str, found: list[tuple[str, Span]],
           decided: Sequence[Span] = ()) -> list[tuple[str, Span]]:
    """Values found in the input that the answer repeats where the detector alone would not see them:
    a name's parts on their own ("Ottilie" in {"first_name": "Ottilie"}), a value in JSON quotes.
    ``decided``: answer spans a reviewer already decided on (left as they are)."""
    taken = [sp for where, sp in found if where == "answer"] + list(decided)
    extra: list[tuple[str, Span]] = []
    for where, sp in found:
        if where != "input":
            continue
        value = input_text[sp.start:sp.end]
        parts = [value] + ([w for w in re.findall(r"[^\W\d_][\w'’-]+", value) if len(w) > 2]
                           if sp.entity_type == "PERSON" else [])
        for part in parts:
            for m in re.finditer(rf"(?<![\w]){re.escape(part)}(?![\w])", answer):
                if not any(t.start < m.end() and m.start() < t.end for t in taken):
                    echo = Span(sp.entity_type, m.start(), m.end(), sp.score, "echo_of_input")
                    taken.append(echo)
                    extra.append(("answer", echo))
    return extra


def redact_fields(input_text: str, answer: str | None, spans: list[tuple[str, Span]],
                  operators: Mapping[str, str] | None) -> tuple[str, str | None]:
    """Both texts redacted as one: a value gets the same placeholder in input and answer, and an answer
    value that is part of (or contains) an input value of the same type gets the input's placeholder
    ("10:30" in the answer, "10:30 am" in the input), so an answer never names a placeholder the input
    lacks for the same thing."""
    joined = input_text if answer is None else input_text + _SEPARATOR + answer
    shift = {"input": 0, "answer": len(input_text) + len(_SEPARATOR)}
    placed = [replace(sp, start=sp.start + shift[where], end=sp.end + shift[where]) for where, sp in spans]
    result = redact(joined, placed, operators)
    text = result.text
    if answer is not None:
        cut = len(input_text)
        inputs = [(r, joined[r.start:r.end].casefold()) for r in result.spans if r.end <= cut]
        swaps: dict[str, str] = {}
        for r in result.spans:
            if r.start < cut or any(r.placeholder == i.placeholder for i, _ in inputs):
                continue
            value = " ".join(joined[r.start:r.end].split()).casefold()
            for i, ivalue in inputs:
                ivalue = " ".join(ivalue.split())
                if i.entity_type == r.entity_type and value and (value in ivalue or ivalue in value):
                    swaps[r.placeholder] = i.placeholder
                    break
        head, _, tail = text.partition(_SEPARATOR)
        for old, new in swaps.items():
            tail = tail.replace(old, new)
        return head, tail
    return text, None


def redact_pair(input_text: str, answer: str | None, config: DetectionConfig,
                operators: Mapping[str, str] | None) -> tuple[str, str | None, int]:
    """Both texts detected and redacted as one (consistent placeholders); the number of spans replaced."""
    spans = detect_pair(input_text, answer, config)
    text, tail = redact_fields(input_text, answer, spans, operators)
    return text, tail, len(spans)


def _answer_problem(task: TaskInfo, answer: str) -> str | None:
    problems = value_problems(task.kind, task.spec, answer)
    if not problems:
        return None
    if task.kind == "extraction":
        return ("the answer is " if problems[0].startswith("not valid JSON") else
                "schema violation: ") + "; ".join(problems)
    return problems[0]


def import_file(tasks: TaskService, task_id: int, path: Path, fmt: str = "auto", text_column: str = "text",
                label_column: str = "label", ctx: JobContext | None = None) -> ImportReport:
    """A job: reports progress per row and can be cancelled until the rows are stored."""
    ctx = ctx or JobContext()
    task = tasks.get(task_id)
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
    settings = tasks.privacy.settings()
    config = settings.detection_config()
    with tasks.store.reader() as s:
        seen = {normalised_input(t): ex_id for ex_id, t in s.execute(
            select(Example.id, Example.input_text).where(Example.task_id == task_id))}
    accepted: list[tuple[Row, str, str | None]] = []
    held: list[StagedRow] = []
    in_file: dict[str, int] = {}
    for i, row in enumerate(rows):
        if i % 20 == 0:
            ctx.step(0.95 * i / max(1, len(rows)), f"Checking row {i + 1} of {len(rows)} for personal data")
        if isinstance(row, RowRejection):
            report.rejected.append(row)
            continue
        if not row.input_text.strip():
            report.rejected.append(RowRejection(row.line, "empty content: the input is empty", unit))
            continue
        if row.answer is not None and (problem := _answer_problem(task, row.answer)) is not None:
            report.rejected.append(RowRejection(row.line, problem, unit))
            continue
        # the stored (canonical) form: JSON escapes such as "Zs\u00f3fia" decoded, so detection sees the name
        free_answer = canonical_value(task.kind, row.answer) if row.answer is not None and \
            task.kind != "classification" else None
        text = row.input_text.strip()
        key = normalised_input(text)
        if key in seen or key in in_file:
            where = f"example {seen[key]}" if key in seen else f"{unit} {in_file[key]} of this file"
            report.rejected.append(RowRejection(row.line, f"duplicate: same input as {where}", unit))
            continue
        in_file[key] = row.line
        spans = detect_pair(text, free_answer, config)
        if spans:  # held for review: nothing is changed that nobody looked at
            label = row.answer if task.kind == "classification" else None
            held.append((row.line, text, free_answer, label, spans))
            continue
        answer = row.answer if task.kind == "classification" else free_answer
        accepted.append((row, text, canonical_value(task.kind, answer) if answer is not None else None))
    ctx.step(0.95, f"Storing {len(accepted)} examples; {len(held)} rows with personal data held for review")
    report.held_for_review = len(held)
    report.findings_by_type = dict(sorted(Counter(sp.entity_type for *_, spans in held for _, sp in spans).items()))
    _store(tasks, task, report, accepted, file_sha, held)
    ctx.report(1.0, report.summary())
    return report


def finish_review(tasks: TaskService, s: Session, review: ExampleImportReview, rows: list[StagedRow]) -> ImportReport:
    """Inside ``ExampleReviews.finish``'s transaction: redact each row with its accepted spans (input and
    answer together), check the answer again, drop duplicates, store the examples; audited."""
    task = tasks.get(review.task_id)
    operators = dict(tasks.privacy.settings().operators) or None
    seen = {normalised_input(t) for t in s.scalars(select(Example.input_text).where(Example.task_id == task.id))}
    report = ImportReport(review.file_name, review.format)
    accepted: list[tuple[Row, str, str | None]] = []
    for line, input_text, free_answer, label, spans in rows:
        text, answer = redact_fields(input_text, free_answer, spans, operators)
        answer = answer if task.kind != "classification" else label
        if answer is not None and (problem := _answer_problem(task, answer)) is not None:
            report.rejected.append(RowRejection(line, f"after redacting personal data: {problem}", "row"))
            continue
        key = normalised_input(text)
        if key in seen:
            report.rejected.append(RowRejection(line, "duplicate: after redaction the same input as another example",
                                                "row"))
            continue
        seen.add(key)
        report.redacted_rows += 1 if spans else 0
        accepted.append((Row(line, text, answer), text, canonical_value(task.kind, answer) if answer is not None
                         else None))
    _add_examples(tasks, s, task, report, accepted)
    tasks.store.audit.record(s, "examples.review_finished", f"example_review:{review.id}",
                    {"task_id": task.id, "file": review.file_name, "file_sha256": review.file_sha256,
                     "format": review.format, "created": len(report.created),
                     "redacted_rows": report.redacted_rows, "rejected": len(report.rejected),
                     "example_ids": [report.created[0], report.created[-1]] if report.created else []})
    return report


def _add_examples(tasks: TaskService, s: Session, task: TaskInfo, report: ImportReport,
                  accepted: list[tuple[Row, str, str | None]]) -> None:
    annotator = f"import:{tasks.store.identity.os_user}"
    for _row, text, answer in accepted:
        ex = Example(task_id=task.id, origin="import", input_text=text, created_at=now())
        s.add(ex)
        s.flush()
        report.created.append(ex.id)
        if answer is not None:
            s.add(Label(example_id=ex.id, annotator=annotator, value=answer, created_at=now()))
            report.labelled += 1


def _store(tasks: TaskService, task: TaskInfo, report: ImportReport, accepted: list[tuple[Row, str, str | None]],
           file_sha: str, held: list[StagedRow]) -> None:
    from engine.file_names import NameRedactor
    from engine.tasks.example_review import stage

    name = NameRedactor(tasks.privacy)(Path(report.path).name)  # stored and audited only with its PII redacted
    with tasks.store.unit() as s:
        _add_examples(tasks, s, task, report, accepted)
        if held:
            report.review_id = stage(tasks.store, s, task.id, name, file_sha, report.format, held)
        tasks.store.audit.record(s, "examples.imported", f"task:{task.id}",
                        {"file": name, "file_sha256": file_sha, "format": report.format,
                         "created": len(report.created), "labelled": report.labelled,
                         "rejected": len(report.rejected), "held_for_review": len(held),
                         "review_id": report.review_id,
                         "example_ids": [report.created[0], report.created[-1]] if report.created else []})
