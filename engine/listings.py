"""Read-only listings for the screens that show what a workspace holds.

Each function opens one read session, selects what a page lists and returns
plain frozen dataclasses, so a caller on any thread (the desktop's GUI thread,
a report, the CLI) never holds a live ORM object. Nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from engine.store.models import (
    AuditEvent,
    BaseModel,
    DatasetItem,
    DatasetRejection,
    DatasetVersion,
    Document,
    EvaluationRun,
    Example,
    Label,
    ModelArtifact,
    PiiFinding,
    Task,
    TrainingMetric,
    TrainingRun,
)

if TYPE_CHECKING:
    from engine.workspace import Workspace

EXCERPT_CHARS = 160
SPLIT_ORDER = ("train", "eval", "test", "golden", "ood")


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """One line of at most ``limit`` characters, whitespace collapsed."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _json_dict(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


# -- documents -------------------------------------------------------------
@dataclass(frozen=True)
class DocumentRow:
    id: int
    name: str
    format: str
    size_bytes: int
    status: str
    findings: int
    imported_at: datetime


@dataclass(frozen=True)
class FindingRow:
    id: int
    entity_type: str
    start: int
    end: int
    score: float
    decision: str
    placeholder: str | None
    source: str


@dataclass(frozen=True)
class TextSpan:
    start: int
    end: int
    entity_type: str


@dataclass(frozen=True)
class DocumentText:
    """The text a reviewer may see, with the PII spans located in that text."""

    document_id: int
    text: str
    redacted: bool
    spans: tuple[TextSpan, ...] = ()


def documents(ws: Workspace) -> list[DocumentRow]:
    counts = (select(PiiFinding.document_id, func.count().label("n"))
              .group_by(PiiFinding.document_id).subquery())
    stmt = (select(Document, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.document_id == Document.id)
            .order_by(Document.imported_at.desc(), Document.id.desc()))
    with ws.reader() as s:
        return [DocumentRow(d.id, d.source_name, d.format, d.size_bytes, d.status, int(n),
                            d.imported_at) for d, n in s.execute(stmt)]


def findings(ws: Workspace, document_id: int) -> list[FindingRow]:
    stmt = (select(PiiFinding).where(PiiFinding.document_id == document_id)
            .order_by(PiiFinding.start, PiiFinding.id))
    with ws.reader() as s:
        return [FindingRow(f.id, f.entity_type, f.start, f.end, f.score, f.decision,
                           f.placeholder, f.source) for f in s.scalars(stmt)]


def _placeholder_spans(text: str, found: list[FindingRow]) -> list[TextSpan]:
    types = {f.placeholder: f.entity_type for f in found if f.placeholder}
    spans: list[TextSpan] = []
    for placeholder, entity_type in types.items():
        at = text.find(placeholder)
        while at >= 0:
            spans.append(TextSpan(at, at + len(placeholder), entity_type))
            at = text.find(placeholder, at + len(placeholder))
    return spans


def document_text(ws: Workspace, document_id: int) -> DocumentText | None:
    """The redacted text with its placeholders marked, or, while the original is
    still kept (under review), the original with the detected spans marked."""
    with ws.reader() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            return None
        redacted, original = doc.redacted_text, doc.original_text
    found = findings(ws, document_id)
    if redacted is not None:
        spans = _placeholder_spans(redacted, found)
        return DocumentText(document_id, redacted, True, tuple(sorted(spans, key=lambda t: t.start)))
    text = original or ""
    spans = [TextSpan(f.start, f.end, f.entity_type) for f in found
             if 0 <= f.start < f.end <= len(text) and f.decision != "rejected"]
    return DocumentText(document_id, text, False, tuple(spans))


# -- tasks, examples and labels ---------------------------------------------
@dataclass(frozen=True)
class TaskRow:
    id: int
    name: str
    kind: str
    examples: int


def tasks(ws: Workspace) -> list[TaskRow]:
    counts = (select(Example.task_id, func.count().label("n")).group_by(Example.task_id).subquery())
    stmt = (select(Task, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.task_id == Task.id)
            .order_by(Task.name))
    with ws.reader() as s:
        return [TaskRow(t.id, t.name, t.kind, int(n)) for t, n in s.execute(stmt)]


@dataclass(frozen=True)
class ExampleRow:
    id: int
    task: str
    task_kind: str
    origin: str
    input_excerpt: str
    labels: tuple[str, ...]
    annotators: int
    is_golden: bool
    is_ood: bool
    flagged: bool

    @property
    def agreed(self) -> bool:
        return len(self.labels) <= 1


def label_text(value: str) -> str:
    """A stored label value as a person reads it (JSON strings unquoted)."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    if isinstance(parsed, str):
        return parsed
    return json.dumps(parsed, ensure_ascii=False, separators=(", ", ": "))


def examples(ws: Workspace, limit: int = 5000, task_id: int | None = None) -> list[ExampleRow]:
    stmt = select(Example, Task.name, Task.kind).join(Task, Task.id == Example.task_id)
    if task_id is not None:
        stmt = stmt.where(Example.task_id == task_id)
    stmt = stmt.order_by(Example.id.desc()).limit(limit)
    with ws.reader() as s:
        rows = s.execute(stmt).all()
        ids = [e.id for e, _, _ in rows]
        by_example: dict[int, list[str]] = {}
        if ids:
            label_stmt = (select(Label.example_id, Label.value).where(Label.example_id.in_(ids))
                          .order_by(Label.example_id, Label.id))
            for example_id, value in s.execute(label_stmt):
                by_example.setdefault(example_id, []).append(label_text(value))
    result: list[ExampleRow] = []
    for e, task_name, kind in rows:
        given = by_example.get(e.id, [])
        distinct = tuple(dict.fromkeys(given))
        result.append(ExampleRow(e.id, task_name, kind, e.origin, excerpt(e.input_text), distinct,
                                 len(given), e.is_golden, e.is_ood, e.flagged))
    return result


@dataclass(frozen=True)
class LabelRow:
    annotator: str
    value: str
    created_at: datetime


@dataclass(frozen=True)
class ExampleDetail:
    id: int
    input_text: str
    note: str | None
    labels: tuple[LabelRow, ...]


def example_detail(ws: Workspace, example_id: int) -> ExampleDetail | None:
    with ws.reader() as s:
        example = s.get(Example, example_id)
        if example is None:
            return None
        given = s.scalars(select(Label).where(Label.example_id == example_id).order_by(Label.id))
        labels = tuple(LabelRow(lb.annotator, label_text(lb.value), lb.created_at) for lb in given)
        return ExampleDetail(example.id, example.input_text, example.note, labels)


# -- dataset versions ------------------------------------------------------
@dataclass(frozen=True)
class DatasetVersionRow:
    id: int
    name: str
    task: str
    content_hash: str
    seed: int
    created_by: str
    created_at: datetime
    split_counts: dict[str, int] = field(default_factory=dict)
    rejections: int = 0

    @property
    def total(self) -> int:
        return sum(self.split_counts.values())


@dataclass(frozen=True)
class RejectionRow:
    id: int
    example_id: int
    reason: str
    input_excerpt: str


def split_counts_from_stats(stats: dict[str, Any]) -> dict[str, int]:
    """Counts per split as the freezing step wrote them, if it did."""
    for key in ("splits", "split_counts", "counts"):
        value = stats.get(key)
        if not isinstance(value, dict):
            continue
        counts: dict[str, int] = {}
        for split, entry in value.items():
            if isinstance(entry, dict):
                entry = entry.get("count", entry.get("n"))
            number = _number(entry)
            if number is not None:
                counts[str(split)] = int(number)
        if counts:
            return counts
    return {}


def _ordered(counts: dict[str, int]) -> dict[str, int]:
    known = [k for k in SPLIT_ORDER if k in counts]
    return {k: counts[k] for k in known + sorted(set(counts) - set(known))}


def dataset_versions(ws: Workspace) -> list[DatasetVersionRow]:
    stmt = (select(DatasetVersion, Task.name).join(Task, Task.id == DatasetVersion.task_id)
            .order_by(DatasetVersion.created_at.desc(), DatasetVersion.id.desc()))
    with ws.reader() as s:
        rows = s.execute(stmt).all()
        item_counts: dict[int, dict[str, int]] = {}
        for version_id, split, n in s.execute(
                select(DatasetItem.version_id, DatasetItem.split, func.count())
                .group_by(DatasetItem.version_id, DatasetItem.split)):
            item_counts.setdefault(version_id, {})[split] = int(n)
        rejected = {version_id: int(n) for version_id, n in s.execute(
            select(DatasetRejection.version_id, func.count()).group_by(DatasetRejection.version_id))}
    result: list[DatasetVersionRow] = []
    for v, task_name in rows:
        counts = split_counts_from_stats(_json_dict(v.stats)) or item_counts.get(v.id, {})
        result.append(DatasetVersionRow(v.id, v.name, task_name, v.content_hash, v.seed, v.created_by,
                                        v.created_at, _ordered(counts), rejected.get(v.id, 0)))
    return result


def rejections(ws: Workspace, version_id: int) -> list[RejectionRow]:
    stmt = (select(DatasetRejection, Example.input_text)
            .join(Example, Example.id == DatasetRejection.example_id)
            .where(DatasetRejection.version_id == version_id).order_by(DatasetRejection.id))
    with ws.reader() as s:
        return [RejectionRow(r.id, r.example_id, r.reason, excerpt(text))
                for r, text in s.execute(stmt)]


def dataset_item_lengths(ws: Workspace, version_id: int) -> list[int]:
    """Characters per item (input + answer) of a version, for its length histogram; no texts are loaded."""
    stmt = (select(func.length(DatasetItem.input_text) + func.length(DatasetItem.target))
            .where(DatasetItem.version_id == version_id))
    with ws.reader() as s:
        return [int(n or 0) for n in s.scalars(stmt)]


# -- training --------------------------------------------------------------
@dataclass(frozen=True)
class TrainingRunRow:
    id: int
    status: str
    backend: str | None
    base_model: str
    dataset_version: str
    created_at: datetime
    finished_at: datetime | None
    final_loss: float | None
    error: str | None


@dataclass(frozen=True)
class CurvePoint:
    step: int
    epoch: float
    loss: float | None
    eval_loss: float | None
    learning_rate: float | None
    tokens_per_second: float | None


def training_runs(ws: Workspace) -> list[TrainingRunRow]:
    stmt = (select(TrainingRun, BaseModel.name, DatasetVersion.name)
            .join(BaseModel, BaseModel.id == TrainingRun.base_model_id)
            .join(DatasetVersion, DatasetVersion.id == TrainingRun.dataset_version_id)
            .order_by(TrainingRun.created_at.desc(), TrainingRun.id.desc()))
    last_loss = (select(TrainingMetric.run_id, TrainingMetric.loss)
                 .where(TrainingMetric.loss.is_not(None))
                 .order_by(TrainingMetric.run_id, TrainingMetric.step))
    with ws.reader() as s:
        rows = s.execute(stmt).all()
        logged = {run_id: loss for run_id, loss in s.execute(last_loss)}
    result: list[TrainingRunRow] = []
    for run, base_name, version_name in rows:
        final = _json_dict(run.final_metrics)
        loss = next((_number(final[k]) for k in ("final_loss", "loss", "train_loss") if k in final), None)
        result.append(TrainingRunRow(run.id, run.status, run.backend, base_name, version_name,
                                     run.created_at, run.finished_at,
                                     loss if loss is not None else logged.get(run.id), run.error))
    return result


def training_curve(ws: Workspace, run_id: int) -> list[CurvePoint]:
    stmt = (select(TrainingMetric).where(TrainingMetric.run_id == run_id)
            .order_by(TrainingMetric.step, TrainingMetric.id))
    with ws.reader() as s:
        return [CurvePoint(m.step, m.epoch, m.loss, m.eval_loss, m.learning_rate, m.tokens_per_second)
                for m in s.scalars(stmt)]


# -- models and evaluation ---------------------------------------------------
@dataclass(frozen=True)
class ModelArtifactRow:
    id: int
    name: str
    kind: str
    quantization: str | None
    sha256: str
    size_bytes: int
    promoted: bool
    run_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class EvaluationRunRow:
    id: int
    model_label: str
    dataset_version: str
    split: str
    prompt_mode: str
    status: str
    started_at: datetime
    accuracy: float | None
    macro_f1: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    tokens_per_second: float | None
    metrics: dict[str, Any] = field(default_factory=dict)


def model_artifacts(ws: Workspace, kind: str | None = None) -> list[ModelArtifactRow]:
    stmt = select(ModelArtifact)
    if kind is not None:
        stmt = stmt.where(ModelArtifact.kind == kind)
    stmt = stmt.order_by(ModelArtifact.promoted.desc(), ModelArtifact.created_at.desc(),
                         ModelArtifact.id.desc())
    with ws.reader() as s:
        return [ModelArtifactRow(a.id, a.name, a.kind, a.quantization, a.sha256, a.size_bytes,
                                 a.promoted, a.run_id, a.created_at) for a in s.scalars(stmt)]


def evaluation_runs(ws: Workspace) -> list[EvaluationRunRow]:
    stmt = (select(EvaluationRun, DatasetVersion.name)
            .join(DatasetVersion, DatasetVersion.id == EvaluationRun.dataset_version_id)
            .order_by(EvaluationRun.started_at.desc(), EvaluationRun.id.desc()))
    with ws.reader() as s:
        rows = s.execute(stmt).all()
    result: list[EvaluationRunRow] = []
    for run, version_name in rows:
        m = _json_dict(run.metrics)
        result.append(EvaluationRunRow(
            run.id, run.model_label, version_name, run.split, run.prompt_mode, run.status,
            run.started_at, _number(m.get("accuracy")), _number(m.get("macro_f1")),
            _number(m.get("latency_p50_ms")), _number(m.get("latency_p95_ms")),
            _number(m.get("tokens_per_second")), m))
    return result


# -- audit -----------------------------------------------------------------
def audit_users(ws: Workspace) -> list[str]:
    """Everyone who appears in the audit log (for the audit page's user filter)."""
    with ws.reader() as s:
        return sorted(set(s.scalars(select(AuditEvent.os_user).distinct())))
