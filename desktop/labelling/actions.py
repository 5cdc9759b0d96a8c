"""What the labeller does to an example, each step undoable (Ctrl+Z) and redoable (Ctrl+Shift+Z).

Every action, its undo and its redo go through the engine's task service (which writes the
audit event); the steps sit on the page's ``UndoStack``, each with the example it was about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.widgets.undo import EngineCommand, UndoStack

if TYPE_CHECKING:
    from engine.workspace import Workspace

MARK_NAMES = {"flagged": "flag", "golden": "golden", "ood": "out-of-distribution"}


class LabellingActions:
    def __init__(self, ws: Workspace, stack: UndoStack) -> None:
        self.ws = ws
        self.stack = stack

    def label(self, example_id: int, value: str, previous: str | None) -> None:
        """Store the current user's answer; undo puts back ``previous`` (or removes it)."""
        tasks = self.ws.tasks
        self.stack.do(f"label #{example_id}", lambda: tasks.set_label(example_id, value),
                      (lambda: tasks.remove_label(example_id)) if previous is None
                      else (lambda: tasks.set_label(example_id, previous)), example_id)

    def resolve(self, example_id: int, value: str) -> None:
        """The final answer where annotators disagreed; undo takes the resolution back."""
        from engine.tasks.agreement import RESOLUTION_PREFIX

        tasks = self.ws.tasks
        who = f"{RESOLUTION_PREFIX}{self.ws.identity.os_user}"
        self.stack.do(f"resolution of #{example_id}", lambda: tasks.resolve(example_id, value),
                      lambda: tasks.remove_label(example_id, annotator=who), example_id)

    def mark(self, example_id: int, name: str, on: bool) -> None:
        """Set one mark (flagged / golden / ood); undo sets it back."""
        tasks = self.ws.tasks
        marks: dict[str, Any] = {name: on}
        undo_marks: dict[str, Any] = {name: not on}
        self.stack.do(f"{MARK_NAMES[name]} on #{example_id}", lambda: tasks.set_marks(example_id, **marks),
                      lambda: tasks.set_marks(example_id, **undo_marks), example_id)

    def note(self, example_id: int, text: str, previous: str | None) -> None:
        """A note for reviewers ("" clears it); undo puts the previous one back."""
        tasks = self.ws.tasks
        self.stack.do(f"note on #{example_id}", lambda: tasks.set_marks(example_id, note=text),
                      lambda: tasks.set_marks(example_id, note=previous or ""), example_id)

    def undo(self) -> EngineCommand | None:
        """Undo the newest action; returns it (its ``subject`` is the example, for the page to
        show) or None when there is nothing to undo."""
        return self.stack.undo_last()

    def redo(self) -> EngineCommand | None:
        """Make the action undone last again; returns it, or None when there is nothing to redo."""
        return self.stack.redo_next()
