"""The task choice shared by the console's modes: the model's own task first, then the workspace's tasks
of the kinds a mode can answer; the previous choice is kept across reloads."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.qt import QComboBox
    from engine.workspace import Workspace


def fill_tasks(combo: QComboBox, ws: Workspace, kinds: tuple[str, ...], own_task: bool = True) -> None:
    chosen = combo.currentData()
    combo.clear()
    if own_task:
        combo.addItem("the model's own task", None)
    for t in ws.tasks.all():
        if t.kind in kinds:
            combo.addItem(t.name if len(kinds) == 1 else f"{t.name} ({t.kind})", t.id)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
