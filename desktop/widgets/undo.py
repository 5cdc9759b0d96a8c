"""Undo and redo over the engine's services, on Qt's QUndoStack.

A page never changes stored state itself: each step is a pair of calls to an engine service
(which stores the change and writes its audit event), one that makes the change and one that
puts the earlier state back. ``UndoStack.do`` makes the change first, so an engine refusal
raises there and nothing is stacked; the command it then pushes skips the first redo that
``QUndoStack.push`` runs, so the change is never stored twice. Undo and redo run the service
again (and so are audited like any decision); when the service refuses, the stack stays where
it was and the error is raised to the page. ``bind_controls`` wires a stack to an Undo / Redo
button pair and the platform's undo and redo keys (Ctrl+Z; Ctrl+Shift+Z and Ctrl+Y).
"""

from __future__ import annotations

from collections.abc import Callable

from desktop.qt import QKeySequence, QPushButton, QShortcut, Qt, QUndoCommand, QUndoStack, QWidget, qt_object_alive

Call = Callable[[], object]


class EngineCommand(QUndoCommand):
    """One step: ``apply`` makes the change through a service, ``revert`` puts the earlier state
    back; ``subject`` is what the step was about (an example, a finding, a prediction id), for
    the page to show after an undo or redo."""

    def __init__(self, text: str, apply: Call, revert: Call, subject: object = None) -> None:
        super().__init__(text)
        self.apply, self.revert, self.subject = apply, revert, subject
        self.error: Exception | None = None
        self._skip = True  # the change is already stored when the command is pushed

    def redo(self) -> None:
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    def _run(self, call: Call) -> None:
        if self._skip:
            self._skip = False
            return
        try:
            call()
        except Exception as exc:  # raised again by UndoStack once the stack is put back
            self.error = exc


class UndoStack(QUndoStack):
    def do(self, text: str, apply: Call, revert: Call, subject: object = None) -> EngineCommand:
        """Make the change (``apply``; what it raises comes through and nothing is stacked),
        then stack it. A new step drops whatever could have been redone."""
        apply()
        command = EngineCommand(text, apply, revert, subject)
        self.push(command)
        return command

    def top(self) -> EngineCommand | None:
        """The step an undo would take back."""
        command = self.command(self.index() - 1) if self.canUndo() else None
        return command if isinstance(command, EngineCommand) else None

    def undo_last(self) -> EngineCommand | None:
        """Take back the newest step; returns it, or None when there is nothing to undo. When the
        service refuses, the stack is left as it was and its error is raised."""
        command = self.top()
        if command is None:
            return None
        self.undo()
        self._put_back_if_failed(command, self.redo)
        return command

    def redo_next(self) -> EngineCommand | None:
        """Make the step undone last again; returns it, or None when there is nothing to redo."""
        command = self.command(self.index()) if self.canRedo() else None
        if not isinstance(command, EngineCommand):
            return None
        self.redo()
        self._put_back_if_failed(command, self.undo)
        return command

    @staticmethod
    def _put_back_if_failed(command: EngineCommand, move_back: Callable[[], None]) -> None:
        error, command.error = command.error, None
        if error is not None:
            command._skip = True  # nothing changed: only the stack's place moves back
            move_back()
            raise error


def bind_controls(stack: QUndoStack, owner: QWidget, undo_button: QPushButton, redo_button: QPushButton,
                  on_undo: Callable[[], object], on_redo: Callable[[], object],
                  context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut) -> list[QShortcut]:
    """The buttons and the platform's undo / redo keys (shortcuts on ``owner`` in ``context``)
    call ``on_undo`` / ``on_redo``; the buttons are enabled while there is something to undo or
    redo, and their tooltips name the step (the stack's undoText / redoText)."""
    shortcuts = []
    for standard, slot in ((QKeySequence.StandardKey.Undo, on_undo), (QKeySequence.StandardKey.Redo, on_redo)):
        shortcut = QShortcut(standard, owner)
        shortcut.setContext(context)
        shortcut.activated.connect(lambda s=slot: s())
        shortcuts.append(shortcut)
    undo_button.clicked.connect(lambda _c=False: on_undo())
    redo_button.clicked.connect(lambda _c=False: on_redo())
    undo_keys, redo_keys = (key_text(k) for k in (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo))

    def refresh() -> None:
        if not all(qt_object_alive(o) for o in (stack, undo_button, redo_button)):
            return  # the page is being destroyed (a stack clears itself then)
        undo_button.setEnabled(stack.canUndo())
        redo_button.setEnabled(stack.canRedo())
        undo_button.setToolTip(f"Undo {stack.undoText()} ({undo_keys})" if stack.canUndo() else "Nothing to undo")
        redo_button.setToolTip(f"Redo {stack.redoText()} ({redo_keys})" if stack.canRedo() else "Nothing to redo")

    stack.indexChanged.connect(lambda _i: refresh())
    stack.canUndoChanged.connect(lambda _b: refresh())
    stack.canRedoChanged.connect(lambda _b: refresh())
    refresh()
    return shortcuts


def key_text(standard: QKeySequence.StandardKey) -> str:
    """The platform's key for a standard action, as shown on a button: "Ctrl+Z", "Ctrl+Shift+Z"."""
    bindings = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in QKeySequence.keyBindings(standard)]
    ctrl = [k for k in bindings if k.startswith("Ctrl+")]
    preferred = "Ctrl+Shift+Z" if standard == QKeySequence.StandardKey.Redo and "Ctrl+Shift+Z" in bindings else None
    return preferred or (ctrl[0] if ctrl else bindings[0] if bindings else "")
