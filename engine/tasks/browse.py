"""Paged, filtered reading of a task's examples, for a list that stays smooth at 100,000 rows.

``count(store, flt)`` says how many examples a filter matches; ``page(store, flt, offset, limit)``
returns one page of small ``BrowseRow``s in example-id order. Each is one SQL statement on
the indexes there are (examples by task id, by task and flagged / golden / OOD; labels by
example id); label-based filters are one pass over the labels grouped by example, never a
load of every row. ``after_id`` gives
keyset paging for a list that loads page after page (cheaper than a deep OFFSET). Nothing
here writes. Reached through ``ws.tasks`` (``count_examples``, ``example_page`` ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, exists, func, select, true

from engine.store.models import Assignment, Example, Label
from engine.tasks.agreement import RESOLUTION_PREFIX, is_resolution
from engine.tasks.display import excerpt, label_text

if TYPE_CHECKING:
    from engine.store.workspace_store import WorkspaceStore

FILTERS = ("all", "unlabelled", "mine", "assigned", "disagreements", "flagged", "golden", "ood", "label")
EXCERPT_CHARS = 140


@dataclass(frozen=True)
class ExampleFilter:
    task_id: int
    kind: str = "all"  # one of FILTERS
    label: str | None = None  # for kind == "label"
    search: str = ""  # a substring of the input (case-insensitive for ASCII)
    annotator: str = ""  # who "mine" means

    def with_(self, **changes: Any) -> ExampleFilter:
        return replace(self, **changes)


@dataclass(frozen=True)
class BrowseRow:
    id: int
    excerpt: str
    final_label: str | None  # the value every annotator gave (or the resolution); None if none/disputed
    n_labels: int
    my_label: str | None
    flagged: bool
    golden: bool
    ood: bool
    disagreement: bool
    labels: tuple[str, ...] = ()  # the distinct values given, in the order first given (stored form)

    @property
    def marks(self) -> str:
        return " ".join(sym for sym, on in (("★", self.golden), ("⚑", self.flagged), ("◇", self.ood)) if on)


@dataclass(frozen=True)
class LabelRow:
    annotator: str
    value: str  # as a person reads it
    created_at: datetime


@dataclass(frozen=True)
class ExampleDetail:
    id: int
    input_text: str
    note: str | None
    labels: tuple[LabelRow, ...]


def _is_resolution(label: Any) -> ColumnElement[bool]:
    return label.annotator.startswith(RESOLUTION_PREFIX, autoescape=True)  # type: ignore[no-any-return]


def _disagrees() -> ColumnElement[bool]:
    """Two opinions differ and nobody resolved it (resolutions are not opinions). One pass over the
    labels grouped by example (the labels are far fewer than the examples they could be probed from)."""
    opinion = ~_is_resolution(Label)
    differing = (select(Label.example_id).where(opinion).group_by(Label.example_id)
                 .having(func.count(func.distinct(Label.value)) > 1))
    resolved = select(Label.example_id).where(_is_resolution(Label))
    return Example.id.in_(differing) & Example.id.not_in(resolved)


def _has_label_by(annotator: str) -> ColumnElement[bool]:
    return Example.id.in_(select(Label.example_id).where(Label.annotator == annotator))


def _conditions(flt: ExampleFilter) -> list[ColumnElement[bool]]:
    if flt.kind not in FILTERS:
        raise ValueError(f"unknown filter {flt.kind!r}; choose one of {', '.join(FILTERS)}")
    where: list[ColumnElement[bool]] = [Example.task_id == flt.task_id]
    kind = flt.kind
    if kind == "unlabelled":
        where.append(~exists(select(Label.id).where(Label.example_id == Example.id)))
    elif kind == "mine":
        where.append(_has_label_by(flt.annotator))
    elif kind == "assigned":
        where.append(Example.id.in_(select(Assignment.example_id).where(Assignment.annotator == flt.annotator)))
    elif kind == "disagreements":
        where.append(_disagrees())
    elif kind == "flagged":
        where.append(Example.flagged == true())  # `= 1`: both columns of its index
    elif kind == "golden":
        where.append(Example.is_golden == true())  # `= 1`: both columns of its index
    elif kind == "ood":
        where.append(Example.is_ood == true())  # `= 1`: both columns of its index
    elif kind == "label" and flt.label is not None:
        where.append(Example.id.in_(select(Label.example_id).where(Label.value == flt.label)))
    text = flt.search.strip()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(Example.input_text.like(f"%{escaped}%", escape="\\"))
    return where


def count(store: WorkspaceStore, flt: ExampleFilter) -> int:
    stmt = select(func.count(Example.id)).where(*_conditions(flt))
    with store.reader() as s:
        return int(s.scalar(stmt) or 0)


def page(store: WorkspaceStore, flt: ExampleFilter, offset: int = 0, limit: int = 200,
         after_id: int | None = None) -> list[BrowseRow]:
    """One page in example-id order: rows ``offset .. offset+limit`` of the filter, or the
    ``limit`` rows after example ``after_id`` (then ``offset`` is ignored)."""
    where = _conditions(flt)
    if after_id is not None:
        where.append(Example.id > after_id)
        offset = 0
    # substr keeps a long document from being read whole just to show one line of it
    stmt = (select(Example.id, func.substr(Example.input_text, 1, EXCERPT_CHARS * 3), Example.flagged,
                   Example.is_golden, Example.is_ood)
            .where(*where).order_by(Example.id).offset(offset).limit(limit))
    with store.reader() as s:
        heads = s.execute(stmt).all()
        return _rows(s, heads, flt.annotator)


def rows_by_id(store: WorkspaceStore, example_ids: list[int], annotator: str) -> list[BrowseRow]:
    """The current state of these examples (after a label or mark changed), in the order given."""
    if not example_ids:
        return []
    stmt = select(Example.id, func.substr(Example.input_text, 1, EXCERPT_CHARS * 3), Example.flagged,
                  Example.is_golden, Example.is_ood).where(Example.id.in_(example_ids))
    with store.reader() as s:
        found = {r[0]: r for r in s.execute(stmt).all()}
        rows = {r.id: r for r in _rows(s, [found[i] for i in example_ids if i in found], annotator)}
    return [rows[i] for i in example_ids if i in rows]


def _rows(s: Any, heads: Sequence[Any], annotator: str) -> list[BrowseRow]:
    ids = [h[0] for h in heads]
    given: dict[int, list[tuple[str, str]]] = {}
    if ids:
        label_stmt = (select(Label.example_id, Label.annotator, Label.value)
                      .where(Label.example_id.in_(ids)).order_by(Label.example_id, Label.id))
        for example_id, who, value in s.execute(label_stmt):
            given.setdefault(example_id, []).append((who, value))
    result: list[BrowseRow] = []
    for example_id, head, flagged, golden, ood in heads:
        labels = given.get(example_id, [])
        opinions = [v for who, v in labels if not is_resolution(who)]
        resolved = next((v for who, v in reversed(labels) if is_resolution(who)), None)
        distinct = tuple(dict.fromkeys(opinions))
        final = resolved if resolved is not None else (distinct[0] if len(distinct) == 1 else None)
        mine = next((v for who, v in labels if who == annotator), None)
        result.append(BrowseRow(
            example_id, excerpt(head, EXCERPT_CHARS), final, len(opinions), mine, bool(flagged),
            bool(golden), bool(ood), len(distinct) > 1 and resolved is None, distinct))
    return result


def position(store: WorkspaceStore, flt: ExampleFilter, example_id: int) -> int:
    """Where ``example_id`` sits in the filter's order (how many matching rows come before it)."""
    stmt = select(func.count(Example.id)).where(*_conditions(flt), Example.id < example_id)
    with store.reader() as s:
        return int(s.scalar(stmt) or 0)


def label_values(store: WorkspaceStore, task_id: int) -> list[str]:
    """Every distinct value given for the task (for the "by label" filter of a non-classification task)."""
    stmt = (select(Label.value).join(Example, Example.id == Label.example_id)
            .where(Example.task_id == task_id).distinct().order_by(Label.value).limit(200))
    with store.reader() as s:
        return list(s.scalars(stmt))


def detail(store: WorkspaceStore, example_id: int) -> ExampleDetail | None:
    """One example's whole input, its note and every label given, in order (None: no such example)."""
    with store.reader() as s:
        example = s.get(Example, example_id)
        if example is None:
            return None
        given = s.scalars(select(Label).where(Label.example_id == example_id).order_by(Label.id))
        labels = tuple(LabelRow(lb.annotator, label_text(lb.value), lb.created_at) for lb in given)
        return ExampleDetail(example.id, example.input_text, example.note, labels)
