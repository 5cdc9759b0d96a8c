"""Labelling: a task's examples in a lazy list on the left, one example at a time on the right.

Keyboard first: 1–9 pick a label, Enter accepts and moves on, J/K or the arrows move,
S skips, F/G/O toggle flagged/golden/out-of-distribution, N writes a note, Ctrl+Z undoes
the last label, mark or note and Ctrl+Shift+Z (or Ctrl+Y) redoes it. The list reads a page at a
time (engine.tasks.browse), so it stays smooth at 100,000 examples. The Agreement tab measures
annotators against the 90% bar; the Disagreements filter is the resolution queue, where Enter
stores the final label. The header's New task…, Add from documents… (pieces previewed first) and
Import examples… are ``desktop.labelling.add_examples``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import dialogs
from desktop import formatting as fmt
from desktop.labelling.actions import LabellingActions
from desktop.labelling.add_examples import ExampleAdder
from desktop.labelling.agreement_panel import AgreementPanel
from desktop.labelling.example_panel import ExamplePanel
from desktop.labelling.example_table import ExampleTable
from desktop.labelling.list_model import FILTER_NAMES, ExampleListModel
from desktop.qt import (
    QAbstractSpinBox,
    QComboBox,
    QHBoxLayout,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QModelIndex,
    QShortcut,
    QSplitter,
    Qt,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.page import Page
from desktop.widgets.undo import UndoStack, bind_controls

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.tasks.browse import ExampleDetail, ExampleFilter
    from engine.tasks.spec import TaskInfo
    from engine.workspace import Workspace

SEARCH_DELAY_MS = 250


class LabellingPage(Page):
    key = "labelling"
    shows = frozenset({"tasks", "examples", "documents"})
    empty_hint = "Open a workspace to label examples for its tasks."
    title = "Labelling"
    subtitle = "One example at a time, keyboard first. Amber labels are where annotators disagree."

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.task: TaskInfo | None = None
        self.edits: LabellingActions | None = None
        self.undo_stack = UndoStack(self)  # this workspace's steps, across its tasks
        self._prefetched: dict[int, ExampleDetail | None] = {}
        self._stale: set[int] = set()  # stored rows the list re-reads right after the next one is shown
        self.task_picker = QComboBox()
        self.task_picker.setMinimumWidth(260)
        self.task_picker.currentIndexChanged.connect(lambda _i: self._task_changed())
        self.header_actions.addWidget(self.task_picker)
        self.adder = ExampleAdder(self)
        self.adder.add_buttons(self.header_actions)

        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_list())
        self.tabs = QTabWidget()
        self.panel = ExamplePanel()
        self.agreement = AgreementPanel()
        self.tabs.addTab(self.panel, "Label")
        self.tabs.addTab(self.agreement, "Agreement")
        self.tabs.currentChanged.connect(self._tab_changed)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        splitter.setSizes([480, 560])
        layout.addWidget(splitter, 1)

        for editor in self.panel.editors.values():
            editor.changed.connect(self._editor_changed)
        self.panel.accept_button.clicked.connect(self.accept)
        self.panel.skip_button.clicked.connect(self.skip)
        self.panel.note_edit.editingFinished.connect(self.save_note)
        for name, button in self.panel.mark_buttons.items():
            button.clicked.connect(lambda _c=False, n=name: self.toggle_mark(n))
        self.agreement.open_queue.connect(self.open_queue)
        self.agreement.assigned.connect(self.reload_list)
        self._build_shortcuts()

    # -- building ---------------------------------------------------------------------
    def _build_list(self) -> QWidget:
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        row = QHBoxLayout()
        self.filter_box = QComboBox()
        for kind, name in FILTER_NAMES.items():
            self.filter_box.addItem(name, kind)
        self.filter_box.currentIndexChanged.connect(lambda _i: self._filter_changed())
        row.addWidget(self.filter_box)
        self.label_box = QComboBox()
        self.label_box.setMinimumWidth(120)
        self.label_box.currentIndexChanged.connect(lambda _i: self.reload_list())
        self.label_box.hide()
        row.addWidget(self.label_box)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the inputs…")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload_list)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        row.addWidget(self.search, 1)
        box.addLayout(row)
        self.count_label = QLabel()
        self.count_label.setObjectName("Muted")
        box.addWidget(self.count_label)

        self.model = ExampleListModel(self)
        self.table = ExampleTable(self.model)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        box.addWidget(self.table, 1)
        return left

    def _build_shortcuts(self) -> None:
        self.shortcuts: dict[str, QShortcut] = {}

        def bind(name: str, keys: list[str], slot: object) -> None:
            for i, key in enumerate(keys):
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
                self.shortcuts[f"{name}{i}"] = shortcut

        for n in range(1, 10):
            bind(f"pick{n}", [str(n)], lambda n=n: self.pick(n))
        bind("accept", ["Return", "Enter"], self.accept_plain)
        bind("accept_any", ["Ctrl+Return", "Ctrl+Enter"], self.accept)
        bind("next", ["J"], self.next)
        bind("previous", ["K"], self.previous)
        bind("skip", ["S"], self.skip)
        bind("flag", ["F"], lambda: self.toggle_mark("flagged"))
        bind("golden", ["G"], lambda: self.toggle_mark("golden"))
        bind("ood", ["O"], lambda: self.toggle_mark("ood"))
        bind("note", ["N"], self.write_note)
        for i, shortcut in enumerate(bind_controls(self.undo_stack, self, self.panel.undo_button,
                                                   self.panel.redo_button, self.undo, self.redo)):
            self.shortcuts[("undo", "redo")[i]] = shortcut

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Up/Down reach here when the widget with focus has no use for them (not a spin box
        or a text editor): they move through the list like K/J."""
        if event.key() == Qt.Key.Key_Down:
            self.next()
        elif event.key() == Qt.Key.Key_Up:
            self.previous()
        else:
            super().keyPressEvent(event)

    # -- loading -----------------------------------------------------------------------
    def load(self, ws: Workspace) -> None:
        tasks = ws.tasks.all()
        chosen = self.task_picker.currentData()
        self.task_picker.blockSignals(True)
        self.task_picker.clear()
        for task in tasks:
            self.task_picker.addItem(f"{task.name}  ({task.kind})", task.id)
        self.task_picker.setCurrentIndex(max(0, self.task_picker.findData(chosen)))
        self.task_picker.blockSignals(False)
        self.task_picker.setVisible(len(tasks) > 1)
        if self.edits is None or self.edits.ws is not ws:
            self.undo_stack.clear()
            self.edits = LabellingActions(ws, self.undo_stack)
        same_task = chosen == self.task_picker.currentData()
        # a refresh (any finished job re-reads the page) must not throw away an answer being typed
        draft = (self.current_example_id(), self.panel.editor.value()) if same_task else (None, None)
        self._task_changed(keep_place=same_task)
        if draft[0] is not None and draft[0] == self.current_example_id() and draft[1]:
            self.panel.editor.set_value(draft[1])

    def select_task(self, task_id: int) -> None:
        """Show ``task_id`` (a task just created appears in the picker first)."""
        if self.ws is not None:
            self.load(self.ws)
        self.task_picker.setCurrentIndex(self.task_picker.findData(task_id))

    def clear(self) -> None:
        self.task, self.edits = None, None
        self.undo_stack.clear()
        self.task_picker.clear()
        self.model.set_filter(None, None)
        self.count_label.clear()
        self.panel.show_example(None, None, "", {}, False)

    def _task_changed(self, keep_place: bool = False) -> None:
        ws = self.ws
        task_id = self.task_picker.currentData()
        if ws is None or task_id is None:
            self.task = None
            self.adder.task_chosen(False)
            self.model.set_filter(None, None)
            self.count_label.setText("No tasks yet: press New task… (Ctrl+Shift+N), then add examples from "
                                     "documents or import a file.")
            self.panel.show_example(None, None, "", {}, False)
            return
        self.task = ws.tasks.get(task_id)
        self.adder.task_chosen(True)
        self.panel.set_task(self.task)
        self._fill_label_box()
        self.reload_list(keep_place=keep_place)
        if self.tabs.currentWidget() is self.agreement:
            self.agreement.load(ws, task_id)

    def _fill_label_box(self) -> None:

        self.label_box.blockSignals(True)
        self.label_box.clear()
        if self.task is not None and self.ws is not None:
            values = list(self.task.labels) or self.ws.tasks.label_values(self.task.id)
            for value in values:
                self.label_box.addItem(fmt_label(value), value)
        self.label_box.blockSignals(False)

    def current_filter(self) -> ExampleFilter | None:
        from engine.tasks.browse import ExampleFilter

        if self.task is None or self.ws is None:
            return None
        kind = self.filter_box.currentData()
        return ExampleFilter(self.task.id, kind, self.label_box.currentData() if kind == "label" else None,
                             self.search.text(), self.ws.identity.os_user)

    def reload_list(self, keep_place: bool = False) -> None:
        previous = self.current_example_id() if keep_place else None
        self._prefetched, self._stale = {}, set()
        flt = self.current_filter()
        self.model.set_filter(self.ws if flt else None, flt)
        self._update_count()
        target = self.model.row_of(previous) if previous is not None else None
        if target is None and previous is not None and flt is not None and self.ws is not None:
            # deeper than the first page, or no longer matching the filter: the same place in the
            # list (the rows before it are loaded; what now sits there is shown)

            place = self.ws.tasks.example_position(flt, previous)
            target = place if self.model.ensure_loaded(place) else max(0, self.model.rowCount() - 1)
        self.go(target if target is not None else 0)
        if self.model.rowCount() == 0:
            self._show_current()

    def _update_count(self) -> None:
        if self.task is None:
            return
        what = self.filter_box.currentText().lower()
        if self.filter_box.currentData() == "label":
            what = f"labelled {self.label_box.currentText()}"
        searched = f" matching “{self.search.text().strip()}”" if self.search.text().strip() else ""
        self.count_label.setText(f"{fmt.count(self.model.total, 'example')} · {what}{searched}")

    def _filter_changed(self) -> None:
        self.label_box.setVisible(self.filter_box.currentData() == "label")
        self.reload_list()

    def _search_now(self) -> None:
        self._search_timer.stop()
        self.reload_list()

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.agreement and self.ws is not None and self.task is not None:
            try:
                self.agreement.load(self.ws, self.task.id)
            except Exception as exc:  # reading must not take the page down
                self.show_banner(f"Could not measure agreement: {exc}", "error")

    def open_queue(self) -> None:
        """The resolution queue: the Disagreements filter, on the Label tab."""
        self.tabs.setCurrentWidget(self.panel)
        self.filter_box.setCurrentIndex(self.filter_box.findData("disagreements"))
        self.table.setFocus()

    # -- moving ------------------------------------------------------------------------
    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def current_example_id(self) -> int | None:
        row = self.current_row()
        return self.model.row(row).id if 0 <= row < self.model.rowCount() else None

    def go(self, row: int) -> bool:
        if self.panel.note_edit.isModified():  # leaving an example keeps the note typed for it
            self.save_note()
        if not self.model.ensure_loaded(row):
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, self.table.selectionModel().SelectionFlag.ClearAndSelect
            | self.table.selectionModel().SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def next(self) -> None:
        self.go(self.current_row() + 1)

    def previous(self) -> None:
        if self.current_row() > 0:
            self.go(self.current_row() - 1)

    def skip(self) -> None:
        self.next()

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_current()

    def resolving(self) -> bool:
        return bool(self.filter_box.currentData() == "disagreements")

    def _show_current(self) -> None:
        row_no = self.current_row()
        if self.ws is None or not 0 <= row_no < self.model.rowCount():
            self.panel.show_example(None, None, "nothing matches this filter" if self.task else "", {}, False)
            self._editor_changed()
            return
        if self.model.row(row_no).id in self._stale:
            self.flush_stale()
        row = self.model.row(row_no)
        detail = self._prefetched.pop(row.id, None) or self.ws.tasks.example_detail(row.id)
        resolving = self.resolving() and row.disagreement
        value = None if resolving else (row.my_label if row.my_label is not None else row.final_label)
        position = f"{row_no + 1:,} of {self.model.total:,}"
        self.panel.show_example(detail, value, position,
                                {"golden": row.golden, "flagged": row.flagged, "ood": row.ood}, resolving)
        QTimer.singleShot(0, self, self._prefetch_next)

    def _prefetch_next(self) -> None:
        """Read the next example while the user looks at this one, so Enter shows it at once."""
        following = self.current_row() + 1
        if self.ws is None or not 0 < following < self.model.rowCount():
            return
        example_id = self.model.row(following).id
        if example_id not in self._prefetched:
            self._prefetched = {example_id: self.ws.tasks.example_detail(example_id)}

    def _refresh_rows(self, example_ids: list[int]) -> None:
        for example_id in example_ids:
            self._prefetched.pop(example_id, None)
            self._stale.discard(example_id)
        self.model.refresh(example_ids)

    def flush_stale(self) -> None:
        if self._stale:
            self._refresh_rows(sorted(self._stale))

    def _editor_changed(self) -> None:
        if self.current_example_id() is None:
            self.panel.show_problems(["no example selected"])
        else:
            self.panel.show_problems(self.panel.editor.problems())

    # -- acting ------------------------------------------------------------------------
    def pick(self, n: int) -> None:
        if self.task is not None and self.task.kind == "classification" and self.current_example_id():
            self.panel.editors["classification"].pick(n)  # type: ignore[attr-defined]

    def accept_plain(self) -> None:
        """Enter: accepts, except in the generation editor (a new line), the note (saves it), the
        search box (searches now) and the other fields outside the answer editor (nothing)."""
        focus = self.focusWidget()
        if focus is self.panel.note_edit:
            self.save_note()
            self.table.setFocus()
        elif focus is self.search:
            self._search_now()
            self.table.setFocus()
        elif isinstance(focus, QLineEdit | QAbstractSpinBox) and not self.panel.editor.isAncestorOf(focus):
            return
        elif self.panel.editor.plain_enter_accepts:
            self.accept()
        elif self.panel.editor.isAncestorOf(self.focusWidget()):
            self.panel.editors["generation"].text.insertPlainText("\n")  # type: ignore[attr-defined]

    def accept(self) -> None:
        row_no, example_id = self.current_row(), self.current_example_id()
        if self.edits is None or example_id is None or self.tabs.currentWidget() is not self.panel:
            return
        self.flush_stale()
        problems = self.panel.editor.problems()
        value = self.panel.editor.value()
        if problems or value is None:
            self.panel.show_problems(problems or ["no answer yet"])
            return
        row = self.model.row(row_no)
        try:
            if self.resolving() and row.disagreement:
                self.edits.resolve(example_id, value)
            else:
                self.edits.label(example_id, value, row.my_label)
        except Exception as exc:  # an engine refusal (AirlockError) says what is wrong
            dialogs.show_error(self, "The label was not stored", str(exc))
            return
        self._prefetched.pop(example_id, None)
        if not self.go(row_no + 1):
            self._refresh_rows([example_id])
            self._show_current()
        else:  # the next example is on screen first; the stored row is re-read right after
            self._stale.add(example_id)
            QTimer.singleShot(0, self, self.flush_stale)
        if self.task is not None and self.task.kind != "classification":
            self.panel.editor.focus_answer()

    def toggle_mark(self, name: str) -> None:
        row_no, example_id = self.current_row(), self.current_example_id()
        if self.edits is None or example_id is None:
            return
        self.flush_stale()
        row = self.model.row(row_no)
        on = not {"flagged": row.flagged, "golden": row.golden, "ood": row.ood}[name]
        try:
            self.edits.mark(example_id, name, on)
        except Exception as exc:
            dialogs.show_error(self, "The mark was not stored", str(exc))
            return
        self._refresh_rows([example_id])
        fresh = self.model.row(row_no)
        self.panel.set_marks({"golden": fresh.golden, "flagged": fresh.flagged, "ood": fresh.ood})

    def write_note(self) -> None:
        if self.current_example_id() is not None:
            self.panel.note_edit.setFocus()
            self.panel.note_edit.selectAll()

    def save_note(self) -> None:
        example_id = self.current_example_id()
        if self.edits is None or self.ws is None or example_id is None:
            return
        detail = self.ws.tasks.example_detail(example_id)
        text = self.panel.note_edit.text().strip()
        previous = detail.note if detail else None
        self.panel.note_edit.setModified(False)
        if text == (previous or ""):
            return
        try:
            self.edits.note(example_id, text, previous)
        except Exception as exc:
            dialogs.show_error(self, "The note was not stored", str(exc))
        self._prefetched.pop(example_id, None)

    def undo(self) -> None:
        self._step(back=True)

    def redo(self) -> None:
        self._step(back=False)

    def _step(self, back: bool) -> None:
        """Undo (or redo) the newest step through the engine, then show the example it was about."""
        if self.edits is None:
            return
        self.flush_stale()
        try:
            step = self.edits.undo() if back else self.edits.redo()
        except Exception as exc:
            dialogs.show_error(self, "Could not undo" if back else "Could not redo", str(exc))
            return
        if step is None:
            self.show_banner("Nothing to undo." if back else "Nothing to redo.")
            QTimer.singleShot(2000, self, lambda: self.show_banner(None))
            return
        example_id = int(step.subject)  # type: ignore[call-overload]
        self._refresh_rows([example_id])
        row = self.model.row_of(example_id)
        if row is not None and row != self.current_row():
            self.go(row)
        else:
            self._show_current()

def fmt_label(value: str) -> str:
    from engine.tasks.display import excerpt, label_text

    return excerpt(label_text(value), 40)
