"""Example imports reviewed like documents (issue 17): findings stored with offsets, decided one by one or
by type, missed spans added, originals kept only until the review ends, no freeze before it ends."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from engine.cli import main
from engine.errors import NotReady
from engine.store.models import Example, Label
from tests.signed import SIGNED

SCHEMA = {"type": "object", "properties": {"first_name": {"type": "string"}, "last_name": {"type": "string"},
                                           "date": {"type": "string"}, "people": {"type": "string"}},
          "required": ["first_name", "last_name", "date", "people"]}


def booking_task(ws: Any) -> Any:
    return ws.tasks.create("bookings", "extraction", {"schema": SCHEMA}, "Extract the booking.", "{input}")


def write_rows(path: Path, rows: list[tuple[str, dict[str, str]]]) -> Path:
    path.write_text("".join(json.dumps({"prompt": p, "completion": json.dumps(a)}) + "\n" for p, a in rows))
    return path


ROWS = [
    ("Table for 3 on 14 March at 10:30 am, under the name Quigley. My name is Ottilie Quigley.",
     {"first_name": "Ottilie", "last_name": "Quigley", "date": "14 March", "people": "3"}),
    ("The 3 of us want to come back after 2 weeks. Can we have the window table?",
     {"first_name": "", "last_name": "", "date": "", "people": "3"}),
    ("How can I change my PIN?", {"first_name": "", "last_name": "", "date": "", "people": ""}),
]


def stored(ws: Any, task_id: int) -> list[tuple[str, str | None]]:
    with ws.reader() as s:
        out = []
        for ex in s.query(Example).filter(Example.task_id == task_id).order_by(Example.id):
            label = s.query(Label).filter(Label.example_id == ex.id).first()
            out.append((ex.input_text, label.value if label else None))
        return out


def test_rows_with_findings_wait_for_review_then_become_redacted_examples(workspace: Any, tmp_path: Path) -> None:
    task = booking_task(workspace)
    report = workspace.tasks.import_examples(task.id, write_rows(tmp_path / "b.jsonl", ROWS))
    # ordinary rows go straight in, untouched ("The 3 of us", "after 2 weeks" and "PIN" are not personal data)
    assert [t for t, _ in stored(workspace, task.id)] == [ROWS[1][0], ROWS[2][0]]
    assert report.held_for_review == 1 and report.findings_by_type.get("PERSON", 0) >= 1
    reviews = workspace.tasks.example_reviews
    summary = reviews.summary(report.review_id)
    assert summary.rows == 1 and summary.pending == sum(summary.by_type.values())
    [item] = reviews.items(report.review_id)
    assert item.input_text == ROWS[0][0]  # the original, shown to the reviewer
    values = {(f.field, f.entity_type, (item.input_text if f.field == "input" else item.answer or "")[f.start:f.end])
              for f in item.findings}
    assert ("input", "PERSON", "Ottilie Quigley") in values and ("answer", "PERSON", "Ottilie") in values
    with pytest.raises(NotReady, match="under PII review"):
        workspace.datasets.freeze(task.id, "v1", signature=SIGNED)
    with pytest.raises(NotReady, match="awaiting a decision"):
        reviews.finish(report.review_id)
    # reject every date finding, accept the rest by type, and mark a value the detector missed
    for entity in summary.by_type:
        reviews.decide_type(report.review_id, entity, "rejected" if entity == "DATE_TIME" else "accepted")
    start = item.input_text.index("10:30 am")
    reviews.add_span(item.id, "input", start, start + len("10:30 am"), "BOOKING_TIME")
    finished = reviews.finish(report.review_id)
    assert len(finished.created) == 1 and finished.redacted_rows == 1
    text, answer = stored(workspace, task.id)[-1]
    assert "Quigley" not in text + str(answer) and "Ottilie" not in text + str(answer)
    assert "14 March" in text and "<BOOKING_TIME_1>" in text  # rejected stays, added span is redacted
    for placeholder in {p for p in json.loads(str(answer)).values() if p.startswith("<")}:
        assert placeholder in text  # the answer only names placeholders the input has
    assert reviews.open_reviews(task.id) == []
    raw = sqlite3.connect(workspace.db_path).execute("select count(*) from staged_examples").fetchone()[0]
    assert raw == 0  # the originals are gone
    actions = workspace.audit.actions()
    assert {"examples.review_opened", "examples.review_decided", "examples.review_span_added",
            "examples.review_finished"} <= set(actions)
    assert "Quigley" not in json.dumps([e.details for e in workspace.audit.entries()])


def test_cli_shows_the_summary_first_and_reviews_by_type(workspace: Any, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    task = booking_task(workspace)
    path = write_rows(tmp_path / "b.jsonl", ROWS[:1])
    ws_arg = ["--workspace", str(workspace.root)]
    assert main(["examples", "import", *ws_arg, str(path), "--task", str(task.id)]) == 0
    out = capsys.readouterr().out
    assert "held for review" in out and "PERSON" in out
    review_id = workspace.tasks.example_reviews.open_reviews(task.id)[0].review_id
    assert main(["examples", "review", *ws_arg, str(review_id)]) == 0
    out = capsys.readouterr().out
    assert "pending" in out and "Ottilie Quigley" in out
    assert main(["examples", "review", *ws_arg, str(review_id), "--accept-type", "PERSON",
                 "--reject-type", "DATE_TIME", "--accept-type", "PHONE_NUMBER"]) == 0
    pending = workspace.tasks.example_reviews.summary(review_id).pending
    if pending:
        ids = [f.id for i in workspace.tasks.example_reviews.items(review_id) for f in i.findings
               if f.decision == "pending"]
        assert main(["examples", "review", *ws_arg, str(review_id), "--accept", *map(str, ids)]) == 0
    assert main(["examples", "review", *ws_arg, str(review_id), "--finish"]) == 0
    assert "Quigley" not in stored(workspace, task.id)[0][0]
