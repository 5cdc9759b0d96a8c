"""The shared undo stack (desktop/widgets/undo.py): a step is applied once, undo and redo run
their calls in order, a refused call leaves the stack where it was, a new step drops the redo,
and the Undo / Redo buttons and keys follow the stack."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.qt import QHBoxLayout, QLineEdit, QPushButton, Qt, QWidget
from desktop.widgets.undo import UndoStack, bind_controls
from engine.errors import AirlockError


class Counter:
    """A stored value with a log of the calls that changed it; ``refuse`` makes the next set fail."""

    def __init__(self) -> None:
        self.value = 0
        self.calls: list[int] = []
        self.refuse = False

    def setter(self, value: int) -> Any:
        def call() -> None:
            if self.refuse:
                raise AirlockError(f"refused to set {value}")
            self.value = value
            self.calls.append(value)
        return call


def step(stack: UndoStack, store: Counter, value: int) -> None:
    stack.do(f"set {value}", store.setter(value), store.setter(store.value), value)


def test_a_step_is_applied_once_and_undo_redo_run_the_service_again(qapp: Any) -> None:
    stack, store = UndoStack(), Counter()
    step(stack, store, 1)
    step(stack, store, 2)
    assert store.calls == [1, 2]  # push's own redo did not store it a second time
    assert stack.undoText() == "set 2" and stack.count() == 2
    undone = stack.undo_last()
    assert undone is not None and undone.subject == 2 and store.value == 1
    assert stack.undo_last() is not None and store.value == 0
    assert stack.undo_last() is None  # nothing left
    redone = stack.redo_next()
    assert redone is not None and redone.subject == 1 and store.value == 1
    assert store.calls == [1, 2, 1, 0, 1]
    assert stack.redoText() == "set 2"


def test_a_refused_step_is_not_stacked(qapp: Any) -> None:
    stack, store = UndoStack(), Counter()
    store.refuse = True
    with pytest.raises(AirlockError, match="refused to set 5"):
        step(stack, store, 5)
    assert stack.count() == 0 and store.value == 0


def test_a_refused_undo_or_redo_leaves_the_stack_where_it_was(qapp: Any) -> None:
    stack, store = UndoStack(), Counter()
    step(stack, store, 1)
    step(stack, store, 2)
    store.refuse = True
    with pytest.raises(AirlockError, match="refused to set 1"):
        stack.undo_last()
    assert stack.index() == 2 and store.value == 2 and stack.undoText() == "set 2"
    store.refuse = False
    stack.undo_last()
    assert stack.index() == 1 and store.value == 1
    store.refuse = True
    with pytest.raises(AirlockError, match="refused to set 2"):
        stack.redo_next()
    assert stack.index() == 1 and stack.canRedo() and store.value == 1
    store.refuse = False
    assert stack.redo_next() is not None and store.value == 2
    assert store.calls == [1, 2, 1, 2]  # the refused calls stored nothing and were not repeated


def test_a_new_step_drops_what_could_be_redone(qapp: Any) -> None:
    stack, store = UndoStack(), Counter()
    step(stack, store, 1)
    step(stack, store, 2)
    stack.undo_last()
    assert stack.canRedo()
    step(stack, store, 3)
    assert not stack.canRedo() and stack.redo_next() is None
    assert [stack.text(i) for i in range(stack.count())] == ["set 1", "set 3"]


def test_buttons_and_keys_follow_the_stack(qtbot: Any, styled_app: Any) -> None:
    stack, store = UndoStack(), Counter()
    page = QWidget()
    qtbot.addWidget(page)
    row = QHBoxLayout(page)
    field, undo, redo = QLineEdit(), QPushButton("Undo"), QPushButton("Redo")
    for w in (field, undo, redo):
        row.addWidget(w)
    bind_controls(stack, page, undo, redo, stack.undo_last, stack.redo_next)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    assert not undo.isEnabled() and not redo.isEnabled() and undo.toolTip() == "Nothing to undo"

    step(stack, store, 1)
    step(stack, store, 2)
    assert undo.isEnabled() and not redo.isEnabled()
    assert undo.toolTip() == "Undo set 2 (Ctrl+Z)"
    undo.click()
    assert store.value == 1 and redo.isEnabled() and redo.toolTip() == "Redo set 2 (Ctrl+Shift+Z)"
    redo.click()
    assert store.value == 2 and not redo.isEnabled()

    undo.setFocus()  # the keys work anywhere in the owner (not in the line edit: it has its own undo)
    qtbot.keyClick(undo, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(undo, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.value == 0 and not undo.isEnabled()
    qtbot.keyClick(undo, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert store.value == 1
    qtbot.keyClick(undo, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert store.value == 2 and not redo.isEnabled()
    stack.clear()
    assert not undo.isEnabled() and not redo.isEnabled()
