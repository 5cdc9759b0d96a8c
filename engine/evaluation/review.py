"""Reviewing stored predictions: which errors are the model's, which are the reference's.

"reference wrong" flags the example for labelling with the reviewer's note, so the
next dataset version carries the correction; clearing the verdict takes the flag
back (unless someone edited the note since). Lists never re-run a model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import aliased

from engine.clock import now
from engine.errors import AirlockError
from engine.store.models import DatasetItem, EvaluationRun, Example, Prediction

if TYPE_CHECKING:
    from engine.evaluation.service import EvaluationService

MODEL_WRONG = "model wrong"
REFERENCE_WRONG = "reference wrong"
VERDICTS = (MODEL_WRONG, REFERENCE_WRONG)


class PredictionRow(NamedTuple):
    """One prediction as the review list shows it (a named tuple: ten thousand are built at once)."""

    id: int
    run_id: int
    item_id: int
    example_id: int
    input_text: str
    reference: str
    output: str
    correct: bool | None
    score: float | None
    confidence: float | None
    latency_ms: float
    review: str | None
    review_note: str | None
    other_output: str | None = None
    other_correct: bool | None = None


def predictions(ev: EvaluationService, run_id: int, errors_only: bool = False, other_run_id: int | None = None,
                disagreements_only: bool = False, cell: tuple[str, str] | None = None) -> list[PredictionRow]:
    """A run's predictions in item order. ``cell`` = (reference, output) is one confusion-matrix cell;
    ``other_run_id`` adds that run's answer on the same item (``disagreements_only``: where they differ)."""
    other = aliased(Prediction)
    p = Prediction
    stmt = (select(p.id, p.evaluation_run_id, p.dataset_item_id, DatasetItem.example_id, DatasetItem.input_text,
                   p.reference, p.output, p.correct, p.score, p.confidence, p.latency_ms, p.review, p.review_note,
                   other.output, other.correct)
            .join(DatasetItem, DatasetItem.id == p.dataset_item_id)
            .outerjoin(other, (other.dataset_item_id == p.dataset_item_id)
                       & (other.evaluation_run_id == (other_run_id if other_run_id is not None else -1)))
            .where(p.evaluation_run_id == run_id).order_by(p.dataset_item_id))
    if errors_only:
        stmt = stmt.where(Prediction.correct.is_not(True))
    if cell is not None:
        stmt = stmt.where(Prediction.reference == cell[0], Prediction.output == cell[1])
    if disagreements_only:
        if other_run_id is None:
            raise AirlockError("disagreements need a second evaluation run")
        stmt = stmt.where(other.output.is_not(None), other.output != Prediction.output)
    with ev.store.reader() as s:
        if s.get(EvaluationRun, run_id) is None:
            raise AirlockError(f"no evaluation run with id {run_id}")
        # Core rows (no ORM loading layer) straight into named tuples: the review list opens 10,000 at once
        return [PredictionRow._make(row) for row in s.connection().execute(stmt)]


def _flag_note(run_id: int, reference: str, note: str) -> str:
    return f"Evaluation run {run_id}: the reference {reference!r} looks wrong. {note}".strip()


def review(ev: EvaluationService, prediction_id: int, verdict: str | None, note: str = "") -> None:
    """Record (or, with ``verdict=None``, clear) the reviewer's verdict on one prediction."""
    ev.membership.require("expert", "reviewing predictions")
    if verdict is not None and verdict not in VERDICTS:
        raise AirlockError(f"unknown verdict {verdict!r}; choose one of {', '.join(VERDICTS)}")
    note = note.strip()
    if verdict == REFERENCE_WRONG and not note:
        raise AirlockError("say what is wrong with the reference: the note goes back to labelling")
    with ev.store.unit() as s:
        p = s.get(Prediction, prediction_id)
        if p is None:
            raise AirlockError(f"no prediction with id {prediction_id}")
        example = s.get_one(Example, s.get_one(DatasetItem, p.dataset_item_id).example_id)
        previous, previous_note = p.review, p.review_note
        ours = example.note == _flag_note(p.evaluation_run_id, p.reference, previous_note or "")
        if previous == REFERENCE_WRONG and verdict != REFERENCE_WRONG and ours:
            example.flagged, example.note = False, None
            ev.store.audit.record(s, "example.unflagged", f"example:{example.id}",
                            {"prediction": p.id, "evaluation_run": p.evaluation_run_id})
        p.review, p.review_note = verdict, (note or None) if verdict else None
        p.reviewed_by, p.reviewed_at = (ev.store.identity.os_user, now()) if verdict else (None, None)
        if verdict == REFERENCE_WRONG:
            example.flagged = True
            example.note = _flag_note(p.evaluation_run_id, p.reference, note)
            ev.store.audit.record(s, "example.flagged", f"example:{example.id}",
                            {"prediction": p.id, "evaluation_run": p.evaluation_run_id, "note": note})
        ev.store.audit.record(s, "evaluation.reviewed", f"prediction:{p.id}",
                        {"evaluation_run": p.evaluation_run_id, "verdict": verdict, "note": note or None,
                         "previous": previous})
