"""A small, realistic workspace written straight through the ORM, for the GUI tests.

Support-ticket triage: four documents (two redacted, one under review, one
clean), a classification task and an extraction task with labelled examples,
one frozen dataset version with two rejections, two training runs (one with a
20-step loss curve), three model artifacts and three evaluation runs, and the
audit events that such work would leave behind (from two people).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.audit import AuditLog
from engine.identity import Identity
from engine.signatures import signing
from engine.store import models as m
from engine.workspace import Workspace
from tests.signed import SIGNED

T0 = datetime(2025, 3, 3, 9, 0, 0)
LABELS = ["refund", "complaint", "question", "cancellation"]
DESCRIPTIONS = {"refund": "the customer wants money back", "complaint": "unhappy with a product or the service",
                "question": "asks how something works", "cancellation": "wants to end a subscription or order"}
INVOICE_SCHEMA = {"type": "object", "required": ["total", "currency"],
                  "properties": {"total": {"type": "number", "minimum": 0, "description": "amount due"},
                                 "currency": {"enum": ["EUR", "USD", "GBP"]},
                                 "vendor": {"type": "string", "minLength": 2, "description": "who issued it"},
                                 "paid": {"type": "boolean", "description": "already paid"}}}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class SampleCounts:
    documents: int
    examples: int
    gguf_models: int
    training_runs: int
    curve_points: int
    evaluation_runs: int
    rejections: int


REDACTED_TICKET = (
    "From: <PERSON_1> <<EMAIL_ADDRESS_1>>\n"
    "Subject: Refund for order 88123\n\n"
    "Hello, I was charged twice for my subscription in February. Please refund the second\n"
    "payment to the card ending in <CREDIT_CARD_1>. You can reach me on <PHONE_NUMBER_1>.\n\n"
    "Thanks,\n<PERSON_1>\n")
ORIGINAL_CONTRACT = (
    "Supplier agreement between Northwind Traders and Acme Components.\n"
    "Signed on 12 February 2025 by Maria Jensen (maria.jensen@northwind.example),\n"
    "head of procurement, and Tom Becker for Acme, phone +49 30 1234567.\n"
    "Payments go to IBAN DE89 3704 0044 0532 0130 00 within 30 days of invoice.\n")
REDACTED_ONBOARDING = (
    "Onboarding notes for <PERSON_1>, starting <DATE_TIME_1> in the Leeds office.\n"
    "Laptop shipped to <LOCATION_1>. Buddy: <PERSON_2>.\n")

TICKETS = [
    ("I was charged twice this month, please send the money back.", ["refund"], False, False),
    ("Your courier left the parcel in the rain and everything is ruined.", ["complaint"], False, False),
    ("How do I change the delivery address on an open order?", ["question"], True, False),
    ("Please close my account at the end of the billing period.", ["cancellation"], False, False),
    ("The app crashes every time I open the invoices tab.", ["complaint", "question"], False, False),
    ("Can I get a refund for the unused months of my plan?", ["refund"], True, False),
    ("Stop the subscription, I am moving abroad.", ["cancellation"], False, False),
    ("What are your opening hours on public holidays?", ["question"], False, False),
    ("Wrong size delivered twice, I want my money back.", ["refund", "refund"], False, False),
    ("Ich möchte mein Abo kündigen.", ["cancellation"], False, True),
    ("Agent was rude on the phone and hung up on me.", ["complaint"], False, False),
    ("Is there a student discount?", [], False, False),
]


def fill(ws: Workspace) -> SampleCounts:
    alice = AuditLog(ws.reader, Identity("alice", "expert"))
    with ws.unit() as s:
        s.add(m.Member(os_user="alice", role="expert", added_at=T0))  # the log refuses non-members
        docs = _documents(s, ws)
        task, extraction = _tasks(s, ws, alice)
        examples = _examples(s, ws, alice, task, extraction)
        version = _dataset(s, ws, task, examples)
        base, run = _training(s, ws, version)
        artifacts = _models(s, ws, base, run)
        _evaluations(s, ws, version, base, artifacts)
        assert docs and examples
    return SampleCounts(documents=4, examples=len(TICKETS) + 2, gguf_models=2, training_runs=2,
                        curve_points=20, evaluation_runs=3, rejections=2)


def _finding(doc: m.Document, entity: str, value: str, placeholder: str | None, decision: str,
             score: float = 0.85) -> m.PiiFinding:
    text = doc.original_text or ""
    start = text.find(value)
    return m.PiiFinding(document_id=doc.id, entity_type=entity, start=max(0, start),
                        end=max(0, start) + len(value), score=score, source="presidio",
                        decision=decision, placeholder=placeholder)


def _documents(s, ws: Workspace) -> list[m.Document]:  # type: ignore[no-untyped-def]
    specs = [
        ("tickets/2025-02-ticket-4471.txt", "txt", None, REDACTED_TICKET, "cleared", 0),
        ("contracts/northwind-acme-agreement.pdf", "pdf", ORIGINAL_CONTRACT, None, "scanned", 1),
        ("hr/onboarding-notes-q1.docx", "docx", None, REDACTED_ONBOARDING, "cleared", 2),
        ("exports/customer-feedback.csv", "csv", None, "rating,comment\n5,fast delivery\n2,late\n",
         "cleared", 3),
    ]
    docs = []
    for name, fmt, original, redacted, status, day in specs:
        text = original or redacted or ""
        doc = m.Document(source_name=name, format=fmt, size_bytes=len(text.encode()) * 37,
                         page_count=2 if fmt == "pdf" else None, sha256=sha(name + text),
                         original_text=original, redacted_text=redacted, status=status,
                         imported_by="tester", imported_at=T0 + timedelta(days=day))
        s.add(doc)
        s.flush()
        ws.audit.record(s, "document.imported", f"document:{doc.id}",
                        {"name": name, "sha256": doc.sha256, "format": fmt})
        docs.append(doc)
    ticket, contract, onboarding, _csv = docs
    s.add_all([
        _finding(ticket, "PERSON", "x", "<PERSON_1>", "accepted"),
        _finding(ticket, "EMAIL_ADDRESS", "x", "<EMAIL_ADDRESS_1>", "accepted", 1.0),
        _finding(ticket, "CREDIT_CARD", "x", "<CREDIT_CARD_1>", "accepted", 0.9),
        _finding(ticket, "PHONE_NUMBER", "x", "<PHONE_NUMBER_1>", "accepted", 0.75),
        _finding(ticket, "PERSON", "y", "<PERSON_1>", "accepted"),
        _finding(contract, "PERSON", "Maria Jensen", None, "pending"),
        _finding(contract, "EMAIL_ADDRESS", "maria.jensen@northwind.example", None, "pending", 1.0),
        _finding(contract, "PERSON", "Tom Becker", None, "pending"),
        _finding(contract, "PHONE_NUMBER", "+49 30 1234567", None, "pending", 0.75),
        _finding(contract, "IBAN_CODE", "DE89 3704 0044 0532 0130 00", None, "pending", 1.0),
        _finding(contract, "DATE_TIME", "12 February 2025", None, "pending", 0.6),
        _finding(onboarding, "PERSON", "x", "<PERSON_1>", "accepted"),
        _finding(onboarding, "DATE_TIME", "x", "<DATE_TIME_1>", "accepted"),
        _finding(onboarding, "LOCATION", "x", "<LOCATION_1>", "accepted"),
        _finding(onboarding, "PERSON", "x", "<PERSON_2>", "accepted"),
    ])
    for doc in (ticket, onboarding):
        ws.audit.record(s, "document.redacted", f"document:{doc.id}", {"placeholders": 4})
    return docs


def _tasks(s, ws: Workspace, alice: AuditLog) -> tuple[m.Task, m.Task]:  # type: ignore[no-untyped-def]
    triage = m.Task(name="Support ticket triage", kind="classification",
                    spec=json.dumps({"labels": [{"name": k, "description": DESCRIPTIONS[k]} for k in LABELS]}),
                    system_prompt="Classify the support ticket.", user_template="{input}",
                    created_at=T0)
    invoice = m.Task(name="Invoice fields", kind="extraction",
                     spec=json.dumps({"schema": INVOICE_SCHEMA}),
                     system_prompt="Extract the invoice fields.", user_template="{input}",
                     created_at=T0)
    s.add_all([triage, invoice])
    s.flush()
    ws.audit.record(s, "task.created", f"task:{triage.id}", {"name": triage.name, "kind": "classification"})
    alice.record(s, "task.created", f"task:{invoice.id}", {"name": invoice.name, "kind": "extraction"})
    return triage, invoice


def _examples(s, ws: Workspace, alice: AuditLog, task: m.Task,  # type: ignore[no-untyped-def]
              extraction: m.Task) -> list[m.Example]:
    examples = []
    for i, (text, labels, golden, ood) in enumerate(TICKETS):
        ex = m.Example(task_id=task.id, origin="document" if i % 3 else "import", input_text=text,
                       is_golden=golden, is_ood=ood, created_at=T0 + timedelta(hours=i))
        s.add(ex)
        s.flush()
        for annotator, label in zip(("tester", "alice"), labels, strict=False):
            s.add(m.Label(example_id=ex.id, annotator=annotator, value=label,
                          created_at=T0 + timedelta(hours=i, minutes=5)))
        examples.append(ex)
    for total in (1249.5, 87.0):
        ex = m.Example(task_id=extraction.id, origin="document",
                       input_text=f"INVOICE 2025-{int(total)}  Total due: EUR {total:.2f}", created_at=T0)
        s.add(ex)
        s.flush()
        s.add(m.Label(example_id=ex.id, annotator="alice", value=json.dumps({"currency": "EUR", "total": total}),
                      created_at=T0))
    alice.record(s, "label.added", f"task:{task.id}", {"examples": len(TICKETS), "labels": 14})
    ws.audit.record(s, "label.added", f"task:{task.id}", {"examples": 6, "labels": 6})
    return examples


def _dataset(s, ws: Workspace, task: m.Task, examples: list[m.Example]) -> m.DatasetVersion:  # type: ignore[no-untyped-def]
    splits = ["train"] * 6 + ["eval", "test", "golden", "golden"]
    version = m.DatasetVersion(task_id=task.id, name="triage-v1", seed=13, content_hash=sha("triage-v1"),
                               stats=json.dumps({"splits": {"train": 6, "eval": 1, "test": 1, "golden": 2},
                                                 "class_balance": {"counts": {"refund": 3, "complaint": 2,
                                                                              "question": 2, "cancellation": 1},
                                                                   "ratio": 3.0, "severe": False},
                                                 "token_lengths": {"available": True, "model": "SmolLM2-135M",
                                                                   "min": 18, "p50": 24, "p95": 31, "max": 33}}),
                               created_by="tester", created_at=T0 + timedelta(days=5))
    s.add(version)
    s.flush()
    for ex, split in zip(examples, splits, strict=False):
        s.add(m.DatasetItem(version_id=version.id, example_id=ex.id, split=split, input_text=ex.input_text,
                            target="refund", content_hash=sha(ex.input_text)))
    s.add_all([
        m.DatasetRejection(version_id=version.id, example_id=examples[8].id,
                           reason="duplicate of example #1 (same normalised input)"),
        m.DatasetRejection(version_id=version.id, example_id=examples[11].id,
                           reason="no label: every example needs at least one label"),
    ])
    with signing(SIGNED):  # the engine records a freeze only signed
        ws.audit.record(s, "dataset.frozen", f"dataset_version:{version.id}",
                        {"name": version.name, "content_hash": version.content_hash, "items": 10, "rejected": 2})
    return version


def _training(s, ws: Workspace, version: m.DatasetVersion) -> tuple[m.BaseModel, m.TrainingRun]:  # type: ignore[no-untyped-def]
    base = m.BaseModel(name="SmolLM2-135M-Instruct", path="/opt/models/SmolLM2-135M-Instruct.Q4_1.gguf",
                       format="gguf", sha256=sha("smollm2"), architecture="llama", parameters=134515008,
                       context_length=8192, registered_at=T0)
    s.add(base)
    s.flush()
    failed = m.TrainingRun(dataset_version_id=version.id, base_model_id=base.id, config="{}", status="failed",
                           backend="trl-peft", run_dir="runs/1", created_by="tester",
                           error="out of memory at step 3 with batch size 32; lower the batch size",
                           created_at=T0 + timedelta(days=6))
    run = m.TrainingRun(dataset_version_id=version.id, base_model_id=base.id,
                        config=json.dumps({"r": 16, "alpha": 32, "epochs": 3, "lr": 2e-4}),
                        status="succeeded",
                        backend="trl-peft", run_dir="runs/2", created_by="tester",
                        final_metrics=json.dumps({"final_loss": 0.041, "train_loss": 0.3, "eval_loss": 0.12}),
                        created_at=T0 + timedelta(days=6, hours=2),
                        finished_at=T0 + timedelta(days=6, hours=2, minutes=14))
    s.add_all([failed, run])
    s.flush()
    for step in range(1, 4):
        s.add(m.TrainingMetric(run_id=failed.id, step=step, epoch=step / 10, loss=2.9 - step * 0.1,
                               ts=T0 + timedelta(days=6, seconds=step)))
    for step in range(1, 21):
        loss = 0.04 + 2.76 * math.exp(-step / 4.0) + 0.03 * math.sin(step * 1.7)
        eval_loss = round(0.12 + 2.5 * math.exp(-step / 4.5), 4) if step % 5 == 0 else None
        s.add(m.TrainingMetric(run_id=run.id, step=step, epoch=step * 3 / 20, loss=round(loss, 4),
                               eval_loss=eval_loss,
                               learning_rate=2e-4 * (1 - step / 21), tokens_per_second=180.0 + step,
                               memory_mb=1800.0, ts=T0 + timedelta(days=6, hours=2, seconds=step * 40)))
    ws.audit.record(s, "training.started", f"training_run:{run.id}", {"backend": "trl-peft"})
    ws.audit.record(s, "training.finished", f"training_run:{run.id}", {"status": "succeeded", "loss": 0.041})
    return base, run


def _models(s, ws: Workspace, base: m.BaseModel, run: m.TrainingRun) -> list[m.ModelArtifact]:  # type: ignore[no-untyped-def]
    artifacts = [
        m.ModelArtifact(name="triage-v1-run2.Q4_K_M.gguf", kind="gguf", quantization="Q4_K_M",
                        sha256=sha("q4"), size_bytes=105_112_576, path="models/q4.gguf", run_id=run.id,
                        base_model_id=base.id, promoted=True, created_at=T0 + timedelta(days=7)),
        m.ModelArtifact(name="triage-v1-run2.Q8_0.gguf", kind="gguf", quantization="Q8_0",
                        sha256=sha("q8"), size_bytes=144_965_632, path="models/q8.gguf", run_id=run.id,
                        base_model_id=base.id, created_at=T0 + timedelta(days=7, minutes=1)),
        m.ModelArtifact(name="triage-v1-run2 adapter", kind="adapter", sha256=sha("adapter"),
                        size_bytes=19_000_000, path="models/adapter", run_id=run.id,
                        created_at=T0 + timedelta(days=7)),
    ]
    s.add_all(artifacts)
    s.flush()
    ws.audit.record(s, "model.exported", f"model_artifact:{artifacts[0].id}",
                    {"quantization": "Q4_K_M", "sha256": artifacts[0].sha256})
    with signing(SIGNED):
        ws.audit.record(s, "model.promoted", f"model_artifact:{artifacts[0].id}", {"previous": None})
    return artifacts


def _evaluations(s, ws: Workspace, version: m.DatasetVersion, base: m.BaseModel,  # type: ignore[no-untyped-def]
                 artifacts: list[m.ModelArtifact]) -> None:
    per_class = {k: {"precision": 0.95 - i * 0.02, "recall": 0.9 + i * 0.02, "f1": 0.92, "support": 10 + i}
                 for i, k in enumerate(LABELS)}
    runs = [
        ("SmolLM2-135M base (zero-shot)", None, {"accuracy": 0.42, "macro_f1": 0.31, "latency_p50_ms": 84.0,
                                                 "latency_p95_ms": 141.0, "tokens_per_second": 112.4}),
        ("triage-v1 Q4_K_M", artifacts[0], {"accuracy": 0.94, "macro_f1": 0.932, "latency_p50_ms": 61.2,
                                            "latency_p95_ms": 97.9, "tokens_per_second": 118.5,
                                            "per_class": per_class}),
        ("triage-v1 Q8_0", artifacts[1], {"accuracy": 0.95, "macro_f1": 0.947, "latency_p50_ms": 72.0}),
    ]
    for i, (label, artifact, metrics) in enumerate(runs):
        s.add(m.EvaluationRun(model_label=label, model_path="models/x.gguf", model_sha256=sha(label),
                              artifact_id=artifact.id if artifact else None, base_model_id=base.id,
                              dataset_version_id=version.id, split="test", prompt_mode="zero-shot",
                              status="succeeded", metrics=json.dumps(metrics), created_by="tester",
                              started_at=T0 + timedelta(days=8, minutes=i)))
    ws.audit.record(s, "evaluation.finished", "dataset_version:1", {"runs": 3, "best": "triage-v1 Q8_0"})
