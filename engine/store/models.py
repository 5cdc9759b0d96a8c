"""The workspace schema: one table per thing a user can point at.

Lineage runs model artifact -> training run -> dataset version (content hash)
-> dataset items -> examples -> documents (sha256) -> PII findings (decisions).
Every change to these rows is accompanied by an ``AuditEvent`` written in the
same transaction (see ``engine.audit``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class Base(DeclarativeBase):
    pass


class JSONValue(TypeDecorator[Any]):
    """A JSON column: it holds Python values, encoded (``json.dumps``) on write and decoded on read, so
    services never encode or decode by hand. The column stays TEXT in the database, as it was when these
    were Text columns of hand-encoded JSON: workspaces written before read unchanged and need no migration.
    A ``str`` given is taken as JSON text already encoded (as code written before passed it): it is decoded
    when assigned (text that is not JSON is refused there), so the attribute holds the value at once.
    None is SQL NULL. Audit details are not one of these: they stay exact text because they are hashed
    into the chain (engine/audit.py)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            json.loads(value)  # refuses text that is not JSON (json.JSONDecodeError) before it is stored
            return value
        return json.dumps(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


JSON_VALUE = JSONValue()


def _decode_assigned_text(_target: object, value: Any, _old: object, _initiator: object) -> Any:
    """JSON text assigned to a JSON column (as code written before did) is held as the value it encodes
    at once, so the object reads back the same within its session as after a reload."""
    return json.loads(value) if isinstance(value, str) else value


@event.listens_for(Base, "attribute_instrument", propagate=True)
def _json_columns_decode_text(cls: type, key: str, attribute: Any) -> None:
    column = getattr(getattr(attribute, "property", None), "columns", [None])[0]
    if column is not None and isinstance(getattr(column, "type", None), JSONValue):
        event.listen(attribute, "set", _decode_assigned_text, retval=True)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    ts: Mapped[str] = mapped_column(String(40))
    os_user: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(100), index=True)
    subject: Mapped[str] = mapped_column(String(200), index=True)
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Member(Base):
    """An OS user known to the workspace and the role they act in."""

    __tablename__ = "members"

    os_user: Mapped[str] = mapped_column(String(200), primary_key=True)
    role: Mapped[str] = mapped_column(String(40))
    added_at: Mapped[datetime] = mapped_column(DateTime)


class Blob(Base):
    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(20))
    size_bytes: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # The extracted text while findings are under review; cleared to NULL once the
    # document is redacted unless the workspace keeps originals.
    original_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    redacted_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="imported")
    source_label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    imported_by: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class PiiFinding(Base):
    """A span the detector (or an expert) marked; never stores the value itself."""

    __tablename__ = "pii_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    entity_type: Mapped[str] = mapped_column(String(60))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(40))
    decision: Mapped[str] = mapped_column(String(20), default="pending")
    placeholder: Mapped[str | None] = mapped_column(String(80), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # classification | extraction | generation
    spec: Mapped[dict[str, Any]] = mapped_column(JSON_VALUE)  # labels with descriptions, or a JSON schema
    system_prompt: Mapped[str] = mapped_column(Text)
    user_template: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Example(Base):
    __tablename__ = "examples"
    # the labelling list's flagged / golden / OOD filters and counts at 100,000 examples
    __table_args__ = (Index("ix_examples_task_flagged", "task_id", "flagged"),
                      Index("ix_examples_task_golden", "task_id", "is_golden"),
                      Index("ix_examples_task_ood", "task_id", "is_ood"))

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    origin: Mapped[str] = mapped_column(String(40))  # document | import | correction
    input_text: Mapped[str] = mapped_column(Text)
    is_golden: Mapped[bool] = mapped_column(Boolean, default=False)
    is_ood: Mapped[bool] = mapped_column(Boolean, default=False)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Label(Base):
    """One annotator's answer for one example (several annotators may label)."""

    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("example_id", "annotator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("examples.id", ondelete="CASCADE"), index=True)
    annotator: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Assignment(Base):
    """An example given to one annotator (double labelling gives one example to two)."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("example_id", "annotator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("examples.id", ondelete="CASCADE"), index=True)
    annotator: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class DatasetVersion(Base):
    __tablename__ = "dataset_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    name: Mapped[str] = mapped_column(String(200))
    seed: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON_VALUE)  # counts, balance, lengths
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class DatasetItem(Base):
    """An immutable copy of one example as it was frozen into a version."""

    __tablename__ = "dataset_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"), index=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("examples.id"))
    split: Mapped[str] = mapped_column(String(20))  # train | eval | test | golden | ood
    input_text: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))


class DatasetRejection(Base):
    __tablename__ = "dataset_rejections"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"), index=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("examples.id"))
    reason: Mapped[str] = mapped_column(Text)


class BaseModel(Base):
    __tablename__ = "base_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20))  # gguf | hf
    sha256: Mapped[str] = mapped_column(String(64))
    architecture: Mapped[str] = mapped_column(String(100))
    parameters: Mapped[int | None] = mapped_column(Integer, nullable=True)
    context_length: Mapped[int | None] = mapped_column(Integer, nullable=True)
    chat_template: Mapped[str | None] = mapped_column(Text, nullable=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime)
    # for memory estimates (issue 5); null when the metadata does not say
    shape: Mapped[dict[str, Any] | None] = mapped_column(JSON_VALUE, nullable=True)  # hidden_size, num_layers...
    size_bytes: Mapped[int | None] = mapped_column(Integer, nullable=True)


class TrainingRun(Base):
    __tablename__ = "training_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"))
    base_model_id: Mapped[int] = mapped_column(ForeignKey("base_models.id"))
    config: Mapped[dict[str, Any]] = mapped_column(JSON_VALUE)
    status: Mapped[str] = mapped_column(String(20))  # queued|running|cancelled|failed|succeeded
    backend: Mapped[str | None] = mapped_column(String(40), nullable=True)
    backend_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    run_dir: Mapped[str] = mapped_column(Text)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    environment: Mapped[dict[str, Any] | None] = mapped_column(JSON_VALUE, nullable=True)  # versions, hardware
    final_metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON_VALUE, nullable=True)
    adapter_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # provenance (issue 5): what went in, and every checkpoint file kept in the blob store
    dataset_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    base_model_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # {adapter|checkpoint-N: {file: sha}}
    stored_files: Mapped[dict[str, Any] | None] = mapped_column(JSON_VALUE, nullable=True)
    estimate: Mapped[dict[str, Any] | None] = mapped_column(JSON_VALUE, nullable=True)  # memory/time guessed
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class TrainingMetric(Base):
    __tablename__ = "training_metrics"
    __table_args__ = (Index("ix_training_metrics_run_step", "run_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("training_runs.id"))
    step: Mapped[int] = mapped_column(Integer)
    epoch: Mapped[float] = mapped_column(Float)
    loss: Mapped[float | None] = mapped_column(Float, nullable=True)
    eval_loss: Mapped[float | None] = mapped_column(Float, nullable=True)
    learning_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    tokens_per_second: Mapped[float | None] = mapped_column(Float, nullable=True)
    memory_mb: Mapped[float | None] = mapped_column(Float, nullable=True)
    ts: Mapped[datetime] = mapped_column(DateTime)


class ModelArtifact(Base):
    """A file or folder a user can load: GGUF (f16 or quantized), adapter, HF folder."""

    __tablename__ = "model_artifacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))  # gguf | lora_gguf | hf_folder | adapter
    quantization: Mapped[str | None] = mapped_column(String(20), nullable=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("training_runs.id"), nullable=True)
    base_model_id: Mapped[int | None] = mapped_column(ForeignKey("base_models.id"), nullable=True)
    smoke_test: Mapped[str | None] = mapped_column(Text, nullable=True)
    promoted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    calibration: Mapped[dict[str, Any] | None] = mapped_column(JSON_VALUE, nullable=True)  # see calibration.py


class EvaluationRun(Base):
    __tablename__ = "evaluation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_label: Mapped[str] = mapped_column(String(200))
    model_path: Mapped[str] = mapped_column(Text)
    model_sha256: Mapped[str] = mapped_column(String(64))
    artifact_id: Mapped[int | None] = mapped_column(ForeignKey("model_artifacts.id"), nullable=True)
    base_model_id: Mapped[int | None] = mapped_column(ForeignKey("base_models.id"), nullable=True)
    dataset_version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"))
    split: Mapped[str] = mapped_column(String(20))
    prompt_mode: Mapped[str] = mapped_column(String(20))  # zero-shot | few-shot
    shots: Mapped[int] = mapped_column(Integer, default=0)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON_VALUE, nullable=True)
    created_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Prediction(Base):
    __tablename__ = "predictions"
    # Issue 7: review lists join a run's predictions to another run's on the same items.
    __table_args__ = (Index("ix_predictions_run_item", "evaluation_run_id", "dataset_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_run_id: Mapped[int] = mapped_column(ForeignKey("evaluation_runs.id"), index=True)
    dataset_item_id: Mapped[int] = mapped_column(ForeignKey("dataset_items.id"))
    output: Mapped[str] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    latency_ms: Mapped[float] = mapped_column(Float)
    tokens: Mapped[int] = mapped_column(Integer)
    review: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # Issue 7: per-item score (1/0, field-F1 or ROUGE-L) and the reviewer's verdict on an error.
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ConsoleCall(Base):
    __tablename__ = "console_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    artifact_id: Mapped[int | None] = mapped_column(ForeignKey("model_artifacts.id"), nullable=True)
    model_sha256: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(20))  # chat | extract | classify
    redacted_input: Mapped[str] = mapped_column(Text)
    output: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    latency_ms: Mapped[float] = mapped_column(Float)
    tokens: Mapped[int] = mapped_column(Integer)
    os_user: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # issue 6: the task the answer belongs to, and the labelled example a review turned it into
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), nullable=True)
    example_id: Mapped[int | None] = mapped_column(ForeignKey("examples.id"), nullable=True)
    reviewed: Mapped[str | None] = mapped_column(String(20), nullable=True)  # accepted | corrected | dismissed


# Issue 17: example imports reviewed for PII like documents. Rows in which the detector found personal
# data wait here, with their original text, until every finding is decided; then they become examples
# (redacted) and these rows are deleted. Nothing is changed that nobody looked at.
class ExampleImportReview(Base):
    __tablename__ = "example_import_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class StagedExample(Base):
    __tablename__ = "staged_examples"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("example_import_reviews.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    input_text: Mapped[str] = mapped_column(Text)  # the original, kept only until the review ends
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)  # the original free-text/JSON answer
    label: Mapped[str | None] = mapped_column(Text, nullable=True)  # a classification label (never redacted)


class StagedFinding(Base):
    __tablename__ = "staged_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    staged_id: Mapped[int] = mapped_column(ForeignKey("staged_examples.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(10))  # input | answer
    entity_type: Mapped[str] = mapped_column(String(80))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(40))  # detector | manual
    decision: Mapped[str] = mapped_column(String(20))  # pending | accepted | rejected
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
