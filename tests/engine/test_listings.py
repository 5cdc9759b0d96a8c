"""engine.listings: what the screens list, read from a workspace filled through the ORM."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from engine import listings
from engine.store import models as m
from tests.desktop import sample_data


@pytest.fixture
def ws(workspace: Any) -> Any:
    sample_data.fill(workspace)
    return workspace


def by_name(rows: list[Any], name: str) -> Any:
    return next(r for r in rows if r.name == name)


def test_documents_with_their_finding_counts(ws: Any) -> None:
    docs = listings.documents(ws)
    assert docs[0].name == "exports/customer-feedback.csv"  # newest first
    assert {d.name: d.findings for d in docs} == {
        "tickets/2025-02-ticket-4471.txt": 5, "contracts/northwind-acme-agreement.pdf": 6,
        "hr/onboarding-notes-q1.docx": 4, "exports/customer-feedback.csv": 0}


def test_redacted_text_marks_every_placeholder(ws: Any) -> None:
    ticket = by_name(listings.documents(ws), "tickets/2025-02-ticket-4471.txt")
    view = listings.document_text(ws, ticket.id)
    assert view is not None and view.redacted
    marked = [(view.text[s.start:s.end], s.entity_type) for s in view.spans]
    assert marked == [("<PERSON_1>", "PERSON"), ("<EMAIL_ADDRESS_1>", "EMAIL_ADDRESS"),
                      ("<CREDIT_CARD_1>", "CREDIT_CARD"), ("<PHONE_NUMBER_1>", "PHONE_NUMBER"),
                      ("<PERSON_1>", "PERSON")]


def test_original_under_review_marks_the_detected_spans(ws: Any) -> None:
    contract = by_name(listings.documents(ws), "contracts/northwind-acme-agreement.pdf")
    with ws.unit() as s:
        finding = s.scalars(select(m.PiiFinding).where(m.PiiFinding.document_id == contract.id,
                                                       m.PiiFinding.entity_type == "DATE_TIME")).one()
        finding.decision = "rejected"
    view = listings.document_text(ws, contract.id)
    assert view is not None and not view.redacted
    marked = {view.text[s.start:s.end] for s in view.spans}
    assert "Maria Jensen" in marked and "DE89 3704 0044 0532 0130 00" in marked
    assert "12 February 2025" not in marked  # a rejected finding is not PII
    assert listings.document_text(ws, 9999) is None


def test_examples_show_labels_and_disagreement(ws: Any) -> None:
    rows = listings.examples(ws)
    assert len(rows) == len(sample_data.TICKETS) + 2
    crash = next(r for r in rows if r.input_excerpt.startswith("The app crashes"))
    assert crash.labels == ("complaint", "question") and not crash.agreed and crash.annotators == 2
    same = next(r for r in rows if r.input_excerpt.startswith("Wrong size"))
    assert same.labels == ("refund",) and same.agreed and same.annotators == 2
    assert next(r for r in rows if r.input_excerpt.startswith("Ich")).is_ood
    triage = next(t for t in listings.tasks(ws) if t.kind == "classification")
    assert len(listings.examples(ws, task_id=triage.id)) == len(sample_data.TICKETS)
    assert len(listings.examples(ws, limit=3)) == 3
    detail = listings.example_detail(ws, crash.id)
    assert detail is not None and [lb.annotator for lb in detail.labels] == ["tester", "alice"]


def test_dataset_versions_split_counts_and_rejections(ws: Any) -> None:
    (version,) = listings.dataset_versions(ws)
    assert version.split_counts == {"train": 6, "eval": 1, "test": 1, "golden": 2}
    assert version.total == 10 and version.rejections == 2
    reasons = [r.reason for r in listings.rejections(ws, version.id)]
    assert reasons[0].startswith("duplicate") and reasons[1].startswith("no label")


def test_split_counts_fall_back_to_the_items(ws: Any) -> None:
    with ws.unit() as s:
        for v in s.scalars(select(m.DatasetVersion)):
            v.stats = json.dumps({"balance": {}})
    (version,) = listings.dataset_versions(ws)
    assert version.split_counts == {"train": 6, "eval": 1, "test": 1, "golden": 2}


def test_training_runs_and_their_curve(ws: Any) -> None:
    runs = listings.training_runs(ws)
    assert [r.status for r in runs] == ["succeeded", "failed"]
    assert runs[0].final_loss == pytest.approx(0.041)  # from final_metrics
    assert runs[1].final_loss == pytest.approx(2.6)  # the last logged loss
    curve = listings.training_curve(ws, runs[0].id)
    assert [p.step for p in curve] == list(range(1, 21))
    assert sum(p.eval_loss is not None for p in curve) == 4


def test_models_and_evaluations(ws: Any) -> None:
    assert len(listings.model_artifacts(ws)) == 3
    gguf = listings.model_artifacts(ws, kind="gguf")
    assert [a.quantization for a in gguf] == ["Q4_K_M", "Q8_0"]  # promoted first
    runs = {r.model_label: r for r in listings.evaluation_runs(ws)}
    assert runs["triage-v1 Q4_K_M"].accuracy == pytest.approx(0.94)
    assert runs["triage-v1 Q8_0"].tokens_per_second is None
    assert runs["triage-v1 Q8_0"].latency_p95_ms is None


def test_audit_users_and_text_helpers(ws: Any) -> None:
    assert listings.audit_users(ws) == ["alice", "tester"]
    assert listings.excerpt("a\n b   c") == "a b c"
    assert listings.excerpt("x" * 200, 10) == "x" * 9 + "…"
    assert listings.label_text('"refund"') == "refund"
    assert listings.label_text('{"total": 1}') == '{"total": 1}'
    assert listings.label_text("plain") == "plain"
    assert listings.split_counts_from_stats({"counts": {"train": {"count": 3}, "test": 1}}) == {
        "train": 3, "test": 1}
