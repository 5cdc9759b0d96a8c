"""Imported examples reviewed for PII like documents, before anything about them is changed.

An example import (``engine.tasks.example_import``) stores a row in which the detector found personal
data as a *staged* example: its original input and answer, and one finding per detected span with its
field ("input" or "answer"), offsets and type, all pending. Rows without findings become examples at
once (nothing would change). The reviewer accepts or rejects each finding (or all of one type), adds
spans the detector missed, and finishes the review: the accepted spans are redacted (input and answer
together, so a name gets the same placeholder in both; a placeholder in the answer is always one the
input has when the value is the same), the rows become examples, and the staged originals are deleted
with SQLite's secure delete. Until then a dataset version of the task cannot be frozen.

Audit details carry counts, types and offsets, never a value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from engine.clock import now
from engine.errors import NotReady
from engine.privacy.errors import InvalidDecision, InvalidSpan, RecordNotFound
from engine.privacy.findings import ACCEPTED, DECISIONS, DETECTOR, MANUAL, PENDING, REJECTED
from engine.privacy.spans import Span, entity_type_for
from engine.store.models import ExampleImportReview, StagedExample, StagedFinding

if TYPE_CHECKING:
    from engine.members import MembershipService
    from engine.privacy.service import PrivacyService
    from engine.store.workspace_store import WorkspaceStore
    from engine.tasks.example_import import ImportReport
    from engine.tasks.service import TaskService

INPUT = "input"
ANSWER = "answer"
FIELDS = (INPUT, ANSWER)


@dataclass(frozen=True)
class StagedFindingInfo:
    id: int
    staged_id: int
    field: str
    entity_type: str
    start: int
    end: int
    score: float
    source: str
    decision: str


@dataclass(frozen=True)
class StagedExampleInfo:
    """A row under review, with its original texts (shown to the reviewer only) and findings."""

    id: int
    line: int
    input_text: str
    answer: str | None
    label: str | None
    findings: tuple[StagedFindingInfo, ...]


@dataclass(frozen=True)
class ReviewSummary:
    """What an import holds back for review: shown before anything else."""

    review_id: int
    task_id: int
    file_name: str
    rows: int
    pending: int
    by_type: dict[str, int] = field(default_factory=dict)
    decided: dict[str, int] = field(default_factory=dict)


def _info(f: StagedFinding) -> StagedFindingInfo:
    return StagedFindingInfo(f.id, f.staged_id, f.field, f.entity_type, f.start, f.end, f.score, f.source,
                             f.decision)


def stage(store: WorkspaceStore, s: Session, task_id: int, file_name: str, file_sha: str, fmt: str,
          rows: list[tuple[int, str, str | None, str | None, list[tuple[str, Span]]]]) -> int:
    """Store rows with findings for review inside the import's transaction; returns the review id.
    Each row: (line, input, free answer, classification label, [(field, span)])."""
    review = ExampleImportReview(task_id=task_id, file_name=file_name, file_sha256=file_sha, format=fmt,
                                 created_by=store.identity.os_user, created_at=now())
    s.add(review)
    s.flush()
    for line, input_text, answer, label, spans in rows:
        staged = StagedExample(review_id=review.id, line=line, input_text=input_text, answer=answer, label=label)
        s.add(staged)
        s.flush()
        s.add_all(StagedFinding(staged_id=staged.id, field=where, entity_type=sp.entity_type, start=sp.start,
                                end=sp.end, score=sp.score, source=DETECTOR, decision=PENDING)
                  for where, sp in spans)
    s.flush()
    counts = Counter(sp.entity_type for *_, spans in rows for _, sp in spans)
    store.audit.record(s, "examples.review_opened", f"example_review:{review.id}",
                    {"task_id": task_id, "file": file_name, "rows": len(rows),
                     "findings": dict(sorted(counts.items()))})
    return review.id


class ExampleReviews:
    """``Workspace.tasks.example_reviews``: read, decide and finish example import reviews."""

    def __init__(self, store: WorkspaceStore, membership: MembershipService, privacy: PrivacyService,
                 tasks: TaskService) -> None:
        self.store = store
        self.membership = membership
        self.privacy = privacy
        self.tasks = tasks

    def open_reviews(self, task_id: int | None = None) -> list[ReviewSummary]:
        with self.store.reader() as s:
            stmt = select(ExampleImportReview.id).order_by(ExampleImportReview.id)
            if task_id is not None:
                stmt = stmt.where(ExampleImportReview.task_id == task_id)
            return [self._summary(s, rid) for rid in s.scalars(stmt)]

    def summary(self, review_id: int) -> ReviewSummary:
        with self.store.reader() as s:
            return self._summary(s, review_id)

    def items(self, review_id: int) -> list[StagedExampleInfo]:
        """The rows under review with their original texts: for the reviewer's eyes (expert role)."""
        self.membership.require("expert", "reviewing imported examples")
        with self.store.reader() as s:
            self._review(s, review_id)
            out = []
            for st in s.scalars(select(StagedExample).where(StagedExample.review_id == review_id)
                                .order_by(StagedExample.line)):
                rows = s.scalars(select(StagedFinding).where(StagedFinding.staged_id == st.id)
                                 .order_by(StagedFinding.field.desc(), StagedFinding.start))
                out.append(StagedExampleInfo(st.id, st.line, st.input_text, st.answer, st.label,
                                             tuple(_info(f) for f in rows)))
            return out

    def decide(self, finding_ids: list[int], decision: str) -> int:
        """Accept or reject findings; returns how many changed."""
        if decision not in DECISIONS:
            raise InvalidDecision(f"a finding is either {ACCEPTED!r} or {REJECTED!r}, not {decision!r}")
        self.membership.require("expert", "reviewing imported examples")
        with self.store.unit() as s:
            changed: Counter[str] = Counter()
            found = [self._finding(s, fid) for fid in finding_ids]
            for f in found:
                if f.decision != decision:
                    f.decision, f.decided_by, f.decided_at = decision, self.store.identity.os_user, now()
                    changed[f.entity_type] += 1
            self.store.audit.record(s, "examples.review_decided", self._subject(s, found),
                                 {"decision": decision, "findings": len(finding_ids), "changed": dict(changed)})
            return sum(changed.values())

    def decide_type(self, review_id: int, entity_type: str, decision: str) -> int:
        """Accept or reject every pending finding of one type in the review (bulk by type)."""
        with self.store.reader() as s:
            self._review(s, review_id)
            ids = list(s.scalars(select(StagedFinding.id).join(StagedExample).where(
                StagedExample.review_id == review_id, StagedFinding.entity_type == entity_type,
                StagedFinding.decision == PENDING)))
        return self.decide(ids, decision) if ids else 0

    def reopen(self, finding_ids: list[int]) -> int:
        """Put findings back to pending (an undo of a decision); returns how many changed."""
        self.membership.require("expert", "reviewing imported examples")
        with self.store.unit() as s:
            found = [self._finding(s, fid) for fid in finding_ids]
            changed = [f for f in found if f.decision != PENDING]
            for f in changed:
                f.decision, f.decided_by, f.decided_at = PENDING, None, None
            self.store.audit.record(s, "examples.review_reopened", self._subject(s, found),
                                    {"findings": len(finding_ids), "changed": len(changed)})
            return len(changed)

    def remove_span(self, finding_id: int) -> None:
        """Take back a span the reviewer marked (an undo of ``add_span``); detector findings stay."""
        self.membership.require("expert", "reviewing imported examples")
        with self.store.unit() as s:
            f = self._finding(s, finding_id)
            if f.source != MANUAL:
                raise InvalidDecision(f"finding {finding_id} was found by the detector: reject it instead")
            subject = self._subject(s, [f])
            s.delete(f)
            self.store.audit.record(s, "examples.review_span_removed", subject,
                                    {"field": f.field, "entity_type": f.entity_type, "start": f.start,
                                     "end": f.end})

    @staticmethod
    def _finding(s: Session, finding_id: int) -> StagedFinding:
        f = s.get(StagedFinding, finding_id)
        if f is None:
            raise RecordNotFound(f"there is no finding {finding_id} in an open example review")
        return f

    @staticmethod
    def _subject(s: Session, findings: list[StagedFinding]) -> str:
        reviews = {s.get(StagedExample, f.staged_id).review_id for f in findings}  # type: ignore[union-attr]
        return ",".join(f"example_review:{r}" for r in sorted(reviews))

    def add_span(self, staged_id: int, where: str, start: int, end: int, entity_type: str) -> int:
        """Mark a span the detector missed (accepted at once); returns the finding's id."""
        self.membership.require("expert", "reviewing imported examples")
        entity = entity_type_for(entity_type)
        if not entity or where not in FIELDS:
            raise InvalidSpan(f"a span needs an entity type (e.g. PERSON) and a field ({' or '.join(FIELDS)})")
        with self.store.unit() as s:
            st = s.get(StagedExample, staged_id)
            if st is None:
                raise RecordNotFound(f"there is no row {staged_id} under review")
            value = st.input_text if where == INPUT else (st.answer or "")
            if not 0 <= start < end <= len(value) or not value[start:end].strip():
                raise InvalidSpan(f"span {start}-{end} does not fit the {where} of row {st.line} "
                                  f"({len(value)} characters)")
            f = StagedFinding(staged_id=staged_id, field=where, entity_type=entity, start=start, end=end,
                              score=1.0, source=MANUAL, decision=ACCEPTED, decided_by=self.store.identity.os_user,
                              decided_at=now())
            s.add(f)
            s.flush()
            self.store.audit.record(s, "examples.review_span_added", f"example_review:{st.review_id}",
                                 {"row": st.line, "field": where, "entity_type": entity, "start": start, "end": end})
            return f.id

    def finish(self, review_id: int) -> ImportReport:
        """Redact every row with its accepted findings, store the rows as examples, delete the originals.
        Refused while any finding is pending. Returns what was created and which rows were rejected."""
        self.membership.require("expert", "reviewing imported examples")
        from engine.tasks.example_import import echoes, finish_review

        with self.store.unit() as s:
            s.execute(text("PRAGMA secure_delete=ON"))
            review = self._review(s, review_id)
            pending = s.scalar(select(func.count(StagedFinding.id)).join(StagedExample).where(
                StagedExample.review_id == review_id, StagedFinding.decision == PENDING)) or 0
            if pending:
                raise NotReady(f"example review {review_id} still has {pending} finding(s) awaiting a decision; "
                               "accept or reject them first")
            rows = []
            for st in s.scalars(select(StagedExample).where(StagedExample.review_id == review_id)
                                .order_by(StagedExample.line)):
                decided = list(s.scalars(select(StagedFinding).where(StagedFinding.staged_id == st.id)))
                spans = [(f.field, Span(f.entity_type, f.start, f.end, f.score, f.source))
                         for f in decided if f.decision == ACCEPTED]
                if st.answer:  # a value the reviewer accepted (or marked) in the input, repeated in the answer
                    spans += echoes(st.input_text, st.answer, spans,
                                    [Span(f.entity_type, f.start, f.end, f.score, f.source)
                                     for f in decided if f.field == ANSWER])
                rows.append((st.line, st.input_text, st.answer, st.label, spans))
            created = finish_review(self.tasks, s, review, rows)
            s.delete(review)
        self.privacy.forget_freed_pages()
        return created

    def _summary(self, s: Session, review_id: int) -> ReviewSummary:
        review = self._review(s, review_id)
        rows = s.scalar(select(func.count(StagedExample.id)).where(StagedExample.review_id == review_id)) or 0
        findings = list(s.execute(select(StagedFinding.entity_type, StagedFinding.decision).join(StagedExample)
                                  .where(StagedExample.review_id == review_id)))
        return ReviewSummary(review.id, review.task_id, review.file_name, rows,
                             sum(1 for _, d in findings if d == PENDING),
                             dict(sorted(Counter(t for t, _ in findings).items())),
                             dict(sorted(Counter(d for _, d in findings).items())))

    @staticmethod
    def _review(s: Session, review_id: int) -> ExampleImportReview:
        review = s.get(ExampleImportReview, review_id)
        if review is None:
            raise RecordNotFound(f"there is no open example review {review_id} (finished reviews are gone)")
        return review
