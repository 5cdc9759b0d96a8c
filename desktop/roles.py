"""The GUI mirrors the engine's roles: buttons a member's role may not use are hidden.

The engine refuses such calls anyway (engine/members.py); hiding them only spares people a refusal.
Buttons are matched by the start of their label, per page, so pages need no role code of their own;
``apply`` runs after every page load, so a button a page showed again is hidden again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.qt import QPushButton, QWidget

if TYPE_CHECKING:
    from engine.workspace import Workspace

EXPERT_BUTTONS = {
    "home": ("Run the demo loop",),
    "documents": ("Import files", "Import folder", "Scan for PII", "Scan all new", "Mark selection",
                  "Redact and clear", "Accept", "Reject", "Undo", "Redo", "Accept all of type"),
    "labelling": ("Accept", "Skip", "Undo", "Redo", "Assign", "Resolve disagreements"),
    "datasets": ("Freeze new version", "Apply"),
    "training": ("Start training", "Cancel run", "Resume", "Add…", "Next iteration"),
    "evaluation": ("Evaluate", "Promote", "Model wrong", "Reference wrong", "Clear verdict", "Undo", "Redo"),
    "console": ("Export",),
}
OPERATOR_BUTTONS = {
    "console": ("Classify", "Extract", "Send", "Run batch", "Turn on", "Turn off", "Answer is right",
                "Save correction", "Dismiss"),
}


def needed_work(page_key: str, label: str) -> str | None:
    for work, table in (("expert", EXPERT_BUTTONS), ("operator", OPERATOR_BUTTONS)):
        if any(label.strip().startswith(prefix) for prefix in table.get(page_key, ())):
            return work
    return None


def apply(page: QWidget, page_key: str, ws: Workspace | None) -> list[str]:
    """Hide what the acting member's role cannot use; returns the labels hidden."""
    if ws is None:
        return []
    hidden = []
    allowed: dict[str, bool] = {}
    for button in page.findChildren(QPushButton):
        work = needed_work(page_key, button.text())
        if work is None:
            continue
        if work not in allowed:
            allowed[work] = ws.membership.can(work)
        if not allowed[work]:
            button.setVisible(False)
            button.setEnabled(False)
            hidden.append(button.text())
    return hidden
