"""Freeze a new version: which task, its name, the seed and how the examples are split."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from engine.datasets.freeze import SplitPlan
    from engine.tasks.spec import TaskInfo


@dataclass(frozen=True)
class FreezeRequest:
    task_id: int
    name: str
    plan: SplitPlan


def _percent(value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.0, 90.0)
    box.setDecimals(0)
    box.setSuffix(" %")
    box.setValue(value)
    return box


class FreezeDialog(QDialog):
    def __init__(self, tasks: list[TaskInfo], taken_names: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Freeze a dataset version")
        self.setMinimumWidth(460)
        self.taken = taken_names
        box = QVBoxLayout(self)
        about = QLabel("Freezing validates every labelled example, drops duplicates, keeps near-duplicates "
                       "in one split and splits train / eval / test stratified by label. The version is "
                       "immutable and identified by its content hash.")
        about.setWordWrap(True)
        about.setObjectName("Muted")
        box.addWidget(about)
        form = QFormLayout()
        self.task = QComboBox()
        for task in tasks:
            self.task.addItem(f"{task.name}  ({task.kind})", task.id)
        self.task.currentIndexChanged.connect(lambda _i: self._suggest_name())
        form.addRow("Task", self.task)
        self.name = QLineEdit()
        self.name.textChanged.connect(lambda _t: self._check())
        form.addRow("Name", self.name)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(13)
        form.addRow("Seed", self.seed)
        self.eval_share = _percent(10)
        self.test_share = _percent(20)
        self.train_share = QLabel()
        for spin in (self.eval_share, self.test_share):
            spin.valueChanged.connect(lambda _v: self._check())
        form.addRow("Eval share", self.eval_share)
        form.addRow("Test share", self.test_share)
        form.addRow("Train share", self.train_share)
        self.near_dup = QDoubleSpinBox()
        self.near_dup.setRange(0.5, 1.0)
        self.near_dup.setSingleStep(0.05)
        self.near_dup.setValue(0.9)
        self.near_dup.setToolTip("Word 3-gram Jaccard similarity above which two inputs count as near-duplicates")
        form.addRow("Near-duplicate at", self.near_dup)
        self.min_answer, self.max_answer = QSpinBox(), QSpinBox()
        for chars, value in ((self.min_answer, 1), (self.max_answer, 20000)):
            chars.setRange(1, 1_000_000)
            chars.setValue(value)
            chars.setSuffix(" characters")
            chars.valueChanged.connect(lambda _v: self._check())
        self.min_answer.setToolTip("Shorter answers are rejected, with the reason logged")
        self.max_answer.setToolTip("Longer answers are rejected, with the reason logged")
        form.addRow("Shortest answer", self.min_answer)
        form.addRow("Longest answer", self.max_answer)
        box.addLayout(form)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b91c1c;")
        box.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Freeze")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        box.addWidget(self.buttons)
        self._suggest_name()

    def _suggest_name(self) -> None:
        base = self.task.currentText().split("  (")[0].strip().replace(" ", "-").lower() or "dataset"
        n = 1
        while f"{base}-v{n}" in self.taken:
            n += 1
        self.name.setText(f"{base}-v{n}")

    def _check(self) -> bool:
        train = 100 - self.eval_share.value() - self.test_share.value()
        self.train_share.setText(f"{train:.0f} %")
        problem = ""
        if not self.name.text().strip():
            problem = "Give the version a name."
        elif self.task.currentData() is None:
            problem = "Create a task with labelled examples first."
        elif train < 10:
            problem = "Leave at least 10 % of the examples for training."
        elif self.min_answer.value() > self.max_answer.value():
            problem = "The shortest answer cannot be longer than the longest."
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)
        return not problem

    def request(self) -> FreezeRequest:
        from engine.datasets.freeze import SplitPlan

        plan = SplitPlan(seed=self.seed.value(), eval_fraction=self.eval_share.value() / 100,
                         test_fraction=self.test_share.value() / 100,
                         min_answer_chars=self.min_answer.value(), max_answer_chars=self.max_answer.value(),
                         near_duplicate_threshold=round(self.near_dup.value(), 2))
        return FreezeRequest(int(self.task.currentData()), self.name.text().strip(), plan)
