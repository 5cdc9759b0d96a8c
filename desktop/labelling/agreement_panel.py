"""How consistently annotators label: percent agreement and Cohen's kappa per pair and per label,
measured against the 90% bar; double-labelling assignment; the way into the resolution queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import dialogs
from desktop import formatting as fmt
from desktop.qt import (
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.widgets.bars import Bar, BarChart

if TYPE_CHECKING:
    from engine.tasks.agreement import AgreementReport
    from engine.workspace import Workspace

OK_COLOR, LOW_COLOR = "#16a34a", "#d97706"
VERDICT_STYLE = """
#Verdict { border-radius: 6px; padding: 4px 10px; font-weight: 600; }
#Verdict[state="ok"] { background: #ecfdf5; color: #065f46; }
#Verdict[state="low"] { background: #fef3c7; color: #92400e; }
#Verdict[state="none"] { background: #f3f4f6; color: #374151; }
#BigNumber { font-size: 18pt; font-weight: 700; color: #111827; }
"""


def agreement_bar(name: str, n: int, fraction: float, kappa: float, bar: float) -> Bar:
    return Bar(name, fraction, f"{fraction * 100:.1f}%  κ {kappa:.2f}  ({n:,})",
               OK_COLOR if fraction >= bar else LOW_COLOR)


class AgreementPanel(QScrollArea):
    open_queue = Signal()
    assigned = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        inner = QFrame()
        inner.setObjectName("Card")
        inner.setStyleSheet(VERDICT_STYLE)
        self.setWidget(inner)
        box = QVBoxLayout(inner)
        box.setContentsMargins(16, 12, 16, 12)
        box.setSpacing(10)
        self.ws: Workspace | None = None
        self.task_id: int | None = None

        top = QHBoxLayout()
        self.overall = QLabel("—")
        self.overall.setObjectName("BigNumber")
        top.addWidget(self.overall)
        self.kappa = QLabel()
        self.kappa.setObjectName("Muted")
        top.addWidget(self.kappa, 1)
        self.verdict = QLabel()
        self.verdict.setObjectName("Verdict")
        top.addWidget(self.verdict)
        box.addLayout(top)
        about = QLabel("Share of double-labelled examples where two annotators gave the same answer, and "
                       "Cohen's κ (agreement corrected for chance). 90% is the usual bar for labels "
                       "consistent enough to learn from.")
        about.setObjectName("Muted")
        about.setWordWrap(True)
        box.addWidget(about)

        box.addWidget(_title("Per annotator pair"))
        self.pairs = BarChart("No example has answers from two annotators yet.")
        box.addWidget(self.pairs)
        box.addWidget(_title("Per label (that label or not)"))
        self.labels = BarChart("No example has answers from two annotators yet.")
        box.addWidget(self.labels)

        queue = QHBoxLayout()
        self.disagreements = QLabel()
        queue.addWidget(self.disagreements, 1)
        self.queue_button = QPushButton("Resolve disagreements…")
        self.queue_button.setProperty("accent", True)
        self.queue_button.clicked.connect(self.open_queue.emit)
        queue.addWidget(self.queue_button)
        box.addLayout(queue)

        box.addWidget(_title("Double labelling"))
        assign = QHBoxLayout()
        assign.addWidget(QLabel("Give"))
        self.share = QDoubleSpinBox()
        self.share.setRange(0.0, 100.0)
        self.share.setDecimals(0)
        self.share.setSuffix(" %")
        self.share.setValue(10)
        assign.addWidget(self.share)
        assign.addWidget(QLabel("of the examples to two of"))
        self.annotators = QLineEdit()
        self.annotators.setPlaceholderText("annotators, comma-separated (e.g. alice, bob)")
        assign.addWidget(self.annotators, 1)
        assign.addWidget(QLabel("seed"))
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        assign.addWidget(self.seed)
        self.assign_button = QPushButton("Assign")
        self.assign_button.clicked.connect(self.assign)
        assign.addWidget(self.assign_button)
        box.addLayout(assign)
        self.assign_note = QLabel()
        self.assign_note.setObjectName("Muted")
        box.addWidget(self.assign_note)
        box.addStretch(1)

    def load(self, ws: Workspace, task_id: int) -> None:
        self.ws, self.task_id = ws, task_id
        report = ws.tasks.agreement(task_id)
        self.show_report(report)
        open_count = len(ws.tasks.disagreements(task_id))
        self.disagreements.setText(f"{fmt.count(open_count, 'unresolved disagreement')}")
        self.queue_button.setEnabled(open_count > 0)
        if not self.annotators.text():
            given = {p.annotator_a for p in report.pairs} | {p.annotator_b for p in report.pairs}
            people = sorted({who for who, _role in ws.members()} | {ws.identity.os_user} | given)
            self.annotators.setText(", ".join(people))

    def show_report(self, report: AgreementReport) -> None:
        from engine.tasks.display import label_text

        if report.percent_agreement is None:
            self.overall.setText("—")
            self.kappa.setText("nothing double-labelled yet")
            self._verdict("none", "no double labels yet")
        else:
            self.overall.setText(f"{report.percent_agreement * 100:.1f}%")
            self.kappa.setText(f"κ {report.cohen_kappa or 0:.2f} · "
                               f"{fmt.count(report.n_double_labelled, 'double-labelled example')}")
            ok = report.meets_bar
            self._verdict("ok" if ok else "low",
                          f"{'meets' if ok else 'below'} the {report.bar * 100:.0f}% bar")
        bar_text = f"{report.bar * 100:.0f}% bar"
        self.pairs.set_bars([agreement_bar(f"{p.annotator_a} × {p.annotator_b}", p.n_items, p.percent_agreement,
                                           p.cohen_kappa, report.bar) for p in report.pairs],
                            report.bar if report.pairs else None, bar_text)
        self.labels.set_bars([agreement_bar(label_text(lb.label), lb.n_items, lb.percent_agreement,
                                            lb.cohen_kappa, report.bar) for lb in report.labels],
                             report.bar if report.labels else None, bar_text)

    def _verdict(self, state: str, text: str) -> None:
        self.verdict.setText(text)
        self.verdict.setProperty("state", state)
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)

    def assign(self) -> None:
        if self.ws is None or self.task_id is None:
            return
        people = [p.strip() for p in self.annotators.text().split(",") if p.strip()]
        try:
            n = self.ws.tasks.assign_double(self.task_id, self.share.value() / 100, people, self.seed.value())
        except Exception as exc:  # an AirlockError explains itself; show it, keep the form
            dialogs.show_error(self, "Cannot assign double labelling", str(exc))
            return
        self.assign_note.setText(f"{fmt.count(n, 'example')} given to two annotators each "
                                 f"(pairs rotate through {', '.join(people)}).")
        self.assigned.emit()


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("SectionTitle")
    return label
