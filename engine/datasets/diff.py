"""What changed between two dataset versions, example by example."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ItemKey:
    example_id: int
    split: str
    content_hash: str


@dataclass(frozen=True)
class SplitMove:
    example_id: int
    from_split: str
    to_split: str


@dataclass
class DatasetDiff:
    a: int  # version ids
    b: int
    added: list[int] = field(default_factory=list)  # example ids only in b
    removed: list[int] = field(default_factory=list)  # example ids only in a
    changed: list[int] = field(default_factory=list)  # in both, input or answer differs
    moved: list[SplitMove] = field(default_factory=list)  # in both, in another split
    unchanged: int = 0

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved)

    def as_dict(self) -> dict[str, object]:
        return {"a": self.a, "b": self.b, "added": self.added, "removed": self.removed, "changed": self.changed,
                "moved": [m.__dict__ for m in self.moved], "unchanged": self.unchanged}


def diff_items(a_id: int, a: Iterable[ItemKey], b_id: int, b: Iterable[ItemKey]) -> DatasetDiff:
    old = {it.example_id: it for it in a}
    new = {it.example_id: it for it in b}
    out = DatasetDiff(a_id, b_id)
    out.added = sorted(set(new) - set(old))
    out.removed = sorted(set(old) - set(new))
    for ex_id in sorted(set(old) & set(new)):
        before, after = old[ex_id], new[ex_id]
        if before.content_hash != after.content_hash:
            out.changed.append(ex_id)
        if before.split != after.split:
            out.moved.append(SplitMove(ex_id, before.split, after.split))
        if before == after:
            out.unchanged += 1
    return out
