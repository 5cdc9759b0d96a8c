"""What the labeller does to an example, each step undoable with Ctrl+Z.

Every action goes through the engine's task service (which writes the audit event);
the undo stack keeps, per action, how to put the previous state back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.workspace import Workspace

MARK_NAMES = {"flagged": "flag", "golden": "golden", "ood": "out-of-distribution"}


@dataclass(frozen=True)
class Step:
    example_id: int
    description: str
    undo: Callable[[], None]


class LabellingActions:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.history: list[Step] = []

    def label(self, example_id: int, value: str, previous: str | None) -> None:
        """Store the current user's answer; undo puts back ``previous`` (or removes it)."""
        tasks = self.ws.tasks
        tasks.set_label(example_id, value)
        if previous is None:
            undo: Callable[[], None] = lambda: tasks.remove_label(example_id)  # noqa: E731
        else:
            undo = lambda: tasks.set_label(example_id, previous)  # noqa: E731
        self.history.append(Step(example_id, f"label #{example_id}", undo))

    def resolve(self, example_id: int, value: str) -> None:
        """The final answer where annotators disagreed; undo takes the resolution back."""
        from engine.tasks.agreement import RESOLUTION_PREFIX

        tasks = self.ws.tasks
        tasks.resolve(example_id, value)
        who = f"{RESOLUTION_PREFIX}{self.ws.identity.os_user}"
        self.history.append(Step(example_id, f"resolution of #{example_id}",
                                 lambda: tasks.remove_label(example_id, annotator=who)))

    def mark(self, example_id: int, name: str, on: bool) -> None:
        """Set one mark (flagged / golden / ood); undo sets it back."""
        tasks = self.ws.tasks
        marks: dict[str, Any] = {name: on}
        undo_marks: dict[str, Any] = {name: not on}
        tasks.set_marks(example_id, **marks)
        self.history.append(Step(example_id, f"{MARK_NAMES[name]} on #{example_id}",
                                 lambda: tasks.set_marks(example_id, **undo_marks)))

    def note(self, example_id: int, text: str, previous: str | None) -> None:
        """A note for reviewers ("" clears it); undo puts the previous one back."""
        tasks = self.ws.tasks
        tasks.set_marks(example_id, note=text)
        self.history.append(Step(example_id, f"note on #{example_id}",
                                 lambda: tasks.set_marks(example_id, note=previous or "")))

    def undo(self) -> Step | None:
        """Undo the newest action; returns it (so the page can show that example) or None."""
        if not self.history:
            return None
        step = self.history.pop()
        step.undo()
        return step
