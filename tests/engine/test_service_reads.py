"""What the screens list, read through the services (one row type per thing), from a workspace
filled through the ORM."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.store import models as m
from engine.tasks.browse import ExampleFilter
from engine.tasks.display import excerpt, label_text
from tests.desktop import sample_data


@pytest.fixture
def ws(workspace: Any) -> Any:
    sample_data.fill(workspace)
    return workspace


def by_name(rows: list[Any], name: str) -> Any:
    return next(r for r in rows if r.name == name)


def test_documents_with_their_finding_counts(ws: Any) -> None:
    docs = ws.documents.rows()
    assert docs[0].name == "exports/customer-feedback.csv"  # newest first
    assert {d.name: d.findings for d in docs} == {
        "tickets/2025-02-ticket-4471.txt": 5, "contracts/northwind-acme-agreement.pdf": 6,
        "hr/onboarding-notes-q1.docx": 4, "exports/customer-feedback.csv": 0}


def test_redacted_text_marks_every_placeholder(ws: Any) -> None:
    ticket = by_name(ws.documents.rows(), "tickets/2025-02-ticket-4471.txt")
    view = ws.documents.text(ticket.id)
    assert view is not None and view.redacted
    marked = [(view.text[s.start:s.end], s.entity_type) for s in view.spans]
    assert marked == [("<PERSON_1>", "PERSON"), ("<EMAIL_ADDRESS_1>", "EMAIL_ADDRESS"),
                      ("<CREDIT_CARD_1>", "CREDIT_CARD"), ("<PHONE_NUMBER_1>", "PHONE_NUMBER"),
                      ("<PERSON_1>", "PERSON")]


def test_original_under_review_marks_the_detected_spans(ws: Any) -> None:
    contract = by_name(ws.documents.rows(), "contracts/northwind-acme-agreement.pdf")
    with ws.unit() as s:
        finding = s.scalars(select(m.PiiFinding).where(m.PiiFinding.document_id == contract.id,
                                                       m.PiiFinding.entity_type == "DATE_TIME")).one()
        finding.decision = "rejected"
    view = ws.documents.text(contract.id)
    assert view is not None and not view.redacted
    marked = {view.text[s.start:s.end] for s in view.spans}
    assert "Maria Jensen" in marked and "DE89 3704 0044 0532 0130 00" in marked
    assert "12 February 2025" not in marked  # a rejected finding is not PII
    assert ws.documents.text(9999) is None


def test_examples_show_labels_and_disagreement(ws: Any) -> None:
    triage = next(t for t in ws.tasks.all() if t.kind == "classification")
    everything = ExampleFilter(triage.id)
    rows = ws.tasks.example_page(everything)
    assert len(rows) == ws.tasks.count_examples(everything) == len(sample_data.TICKETS)
    crash = next(r for r in rows if r.excerpt.startswith("The app crashes"))
    assert tuple(label_text(v) for v in crash.labels) == ("complaint", "question")
    assert crash.disagreement and crash.n_labels == 2
    same = next(r for r in rows if r.excerpt.startswith("Wrong size"))
    assert tuple(label_text(v) for v in same.labels) == ("refund",) and not same.disagreement
    assert same.n_labels == 2
    assert next(r for r in rows if r.excerpt.startswith("Ich")).ood
    assert sum(ws.tasks.count_examples(ExampleFilter(t.id)) for t in ws.tasks.all()) == len(sample_data.TICKETS) + 2
    assert len(ws.tasks.example_page(everything, limit=3)) == 3
    detail = ws.tasks.example_detail(crash.id)
    assert detail is not None and [lb.annotator for lb in detail.labels] == ["tester", "alice"]


def test_dataset_versions_split_counts_and_rejections(ws: Any) -> None:
    (version,) = ws.datasets.versions(newest_first=True)
    assert version.split_counts == {"train": 6, "eval": 1, "test": 1, "golden": 2}
    assert version.total == 10 and version.rejections == 2 and version.task_name
    rejected = ws.datasets.rejections(version.id)
    reasons = [r.reason for r in rejected]
    assert reasons[0].startswith("duplicate") and reasons[1].startswith("no label")
    assert all(r.input_excerpt for r in rejected)
    assert sorted(ws.datasets.item_lengths(version.id)) and len(ws.datasets.item_lengths(version.id)) == 10


def test_training_runs_and_their_curve(ws: Any) -> None:
    runs = ws.training.runs(newest_first=True)
    assert [r.status for r in runs] == ["succeeded", "failed"]
    assert runs[0].final_loss == pytest.approx(0.041)  # from final_metrics
    assert runs[1].final_loss == pytest.approx(2.6)  # the last logged loss
    assert runs[0].base_model_name and runs[0].dataset_version_name
    assert ws.training.get(runs[1].id) == runs[1]
    curve = ws.training.curve(runs[0].id)
    assert [p.step for p in curve] == list(range(1, 21))
    assert sum(p.eval_loss is not None for p in curve) == 4


def test_models_and_evaluations(ws: Any) -> None:
    assert len(ws.models.artifacts()) == 3
    gguf = ws.models.artifacts(kind="gguf", promoted_first=True)
    assert [a.quantization for a in gguf] == ["Q4_K_M", "Q8_0"]  # promoted first
    runs = {r.model_label: r for r in ws.evaluation.runs(newest_first=True)}
    assert runs["triage-v1 Q4_K_M"].accuracy == pytest.approx(0.94)
    assert runs["triage-v1 Q8_0"].tokens_per_second is None
    assert runs["triage-v1 Q8_0"].latency_p95_ms is None
    assert runs["triage-v1 Q8_0"].dataset_version_name
    assert ws.evaluation.get(runs["triage-v1 Q8_0"].id) == runs["triage-v1 Q8_0"]


def test_audit_users_and_text_helpers(ws: Any) -> None:
    assert ws.audit.users() == ["alice", "tester"]
    assert excerpt("a\n b   c") == "a b c"
    assert excerpt("x" * 200, 10) == "x" * 9 + "…"
    assert label_text('"refund"') == "refund"
    assert label_text('{"total": 1}') == '{"total": 1}'
    assert label_text("plain") == "plain"
