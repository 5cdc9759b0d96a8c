"""Evaluation: every model measured on the same frozen splits, side by side; review, gate, promote, report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import dialogs, sign_dialog
from desktop import formatting as fmt
from desktop.evaluation.comparison import COLUMNS as COMPARISON_COLUMNS
from desktop.evaluation.comparison import SelectedRunDetails, selected_run_details
from desktop.evaluation.dialogs import CostSettingsDialog, EvaluateDialog, OverrideDialog
from desktop.evaluation.plots import ClassBars, ConfusionHeatmap
from desktop.evaluation.review_list import ReviewTab
from desktop.evaluation.run_table import COLUMNS, metrics_report
from desktop.jobs import Job
from desktop.qt import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QShortcut,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.job_progress import JobProgress
from desktop.widgets.page import Page
from desktop.widgets.stat_card import StatCard
from desktop.widgets.table import DataTable
from engine.signatures import signing

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.evaluation.gate import GateResult
    from engine.evaluation.service import EvaluationInfo
    from engine.jobs import JobContext
    from engine.workspace import Workspace

COMPARING = "Comparing with the other runs on this split…"
NO_COMPARISON = "Select a finished run to compare."


class EvaluationPage(Page):
    key = "evaluation"
    empty_hint = "Open a workspace to compare its models."
    title = "Evaluation"
    subtitle = ("Base, fine-tuned and production models on the same frozen test, golden and "
                "out-of-distribution sets.")

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.info: EvaluationInfo | None = None
        self.gate: GateResult | None = None  # the selected run's model's gate, once checked
        self.details_job: Job[SelectedRunDetails] | None = None  # comparison and gate of the selected run
        self._details_key: tuple[Any, ...] | None = None  # what the shown (or coming) comparison rests on
        self.export_job: Job[tuple[Path, Path]] | None = None
        self.override_dialog: OverrideDialog | None = None
        self.evaluate_dialog: EvaluateDialog | None = None
        self.evaluate_button = self._action("Evaluate…", "Ctrl+R", "evaluate a model on a split",
                                            self.ask_evaluate)
        self.promote_button = self._action("Promote…", "Ctrl+P",
                                           "promote the selected run's model (applies the regression gate)",
                                           self.promote_selected)
        self.export_button = self._action("Export report…", "Ctrl+E",
                                          "HTML and PDF report of the runs compared", self.ask_export)
        self.costs_button = self._action("Costs…", "Ctrl+K",
                                         "hardware cost and power, cloud alternative, gate threshold",
                                         self.ask_costs)
        self.costs_dialog: CostSettingsDialog | None = None

        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        cards = QHBoxLayout()
        self.cards = {"runs": StatCard("Evaluation runs", "stored with every prediction"),
                      "best": StatCard("Best quality", "on the selected run's split"),
                      "promoted": StatCard("Promoted model", "what the console serves"),
                      "gate": StatCard("Regression gate", "for the selected run's model")}
        for key, card in self.cards.items():
            card.setMaximumHeight(112)
            if key in ("promoted", "gate"):  # words, not numbers
                card.value_label.setStyleSheet("font-size: 17px; font-weight: 600;")
            cards.addWidget(card)
        layout.addLayout(cards)
        self.jobs = JobProgress()
        layout.addWidget(self.jobs)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        runs_tab = QSplitter(Qt.Orientation.Vertical)
        self.table = DataTable(COLUMNS, "No evaluation runs yet.\nEvaluate a model on a dataset "
                                        "version to compare it here.")
        self.table.row_selected.connect(self._show_run)
        runs_tab.addWidget(self.table)
        lower = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 8, 0, 0)
        self.detail_title = QLabel("Select a run")
        self.detail_title.setObjectName("SectionTitle")
        left_layout.addWidget(self.detail_title)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setObjectName("Mono")
        self.detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.detail.setPlaceholderText("The selected run's metrics appear here.")
        left_layout.addWidget(self.detail, 1)
        left.setMaximumWidth(330)  # the comparison needs the room
        lower.addWidget(left)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 8, 0, 0)
        title = QLabel("Comparison on the same split")
        title.setObjectName("SectionTitle")
        right_layout.addWidget(title)
        self.comparison = DataTable(COMPARISON_COLUMNS, NO_COMPARISON)
        right_layout.addWidget(self.comparison, 1)
        lower.addWidget(right)
        lower.setStretchFactor(0, 2)
        lower.setStretchFactor(1, 3)
        runs_tab.addWidget(lower)
        runs_tab.setStretchFactor(0, 2)
        runs_tab.setStretchFactor(1, 3)
        self.tabs.addTab(runs_tab, "Runs && comparison")

        plots = QWidget()
        plots_layout = QGridLayout(plots)
        self.heatmap = ConfusionHeatmap()
        self.heatmap.cell_clicked.connect(self.show_cell)
        self.bars = ClassBars()
        for col, (text, widget) in enumerate((("Confusion matrix (click a cell for its examples)", self.heatmap),
                                              ("Per class: precision, recall, F1", self.bars))):
            label = QLabel(text)
            label.setObjectName("SectionTitle")
            plots_layout.addWidget(label, 0, col)
            plots_layout.addWidget(widget, 1, col, Qt.AlignmentFlag.AlignTop)
        plots_layout.setRowStretch(1, 1)
        self.tabs.addTab(plots, "Plots")

        self.review = ReviewTab()
        self.review.changed.connect(self.data_changed.emit)
        self.tabs.addTab(self.review, "Review")

    def _action(self, text: str, keys: str, tip: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(f"{keys}: {tip}")
        button.clicked.connect(slot)
        self.header_actions.addWidget(button)
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.activated.connect(slot)
        return button

    # -- reading ---------------------------------------------------------------
    def load(self, ws: Workspace) -> None:
        self.review.ws = ws
        rows = ws.evaluation.runs(newest_first=True)
        self.table.set_rows(rows)
        if self.table.selected_row() is None:
            self.table.select_first()
        self.cards["runs"].set_value(len(rows))
        promoted = ws.evaluation.promoted()
        self.cards["promoted"].value_label.setText(ws.models.artifact(promoted).name if promoted else "none")

    def clear(self) -> None:
        self.table.set_rows([])
        self.comparison.set_rows([])
        self.review.clear()
        self.review.ws = None  # its verdicts can no longer be undone
        self.info = None

    def _show_run(self, row: EvaluationInfo | None) -> None:
        if row is None or self.ws is None:
            self._forget_details()
            self.info = None
            self.detail_title.setText("Select a run")
            self.detail.clear()
            self._set_comparison([], NO_COMPARISON)
            self.heatmap.set_matrix([], {})
            self.bars.set_rows({})
            self.review.clear()
            return
        ws = self.ws
        self.info = info = ws.evaluation.get(row.id)
        full = f"{row.model_label} on {row.dataset_version_name} / {row.split} — {row.status}, {row.prompt_mode}"
        self.detail_title.setText(f"{row.model_label} — {row.split}")
        self.detail_title.setToolTip(full)
        self.detail.setPlainText(metrics_report(row))
        confusion = row.metrics.get("confusion") or {}
        self.heatmap.set_matrix(list(confusion), confusion)
        self.bars.set_rows(row.metrics.get("per_class") or row.metrics.get("per_field") or {})
        version_runs = ws.evaluation.runs(info.dataset_version_id)
        peers = [r for r in version_runs if r.split == info.split and r.status == "succeeded"]
        self.review.show_run(info, [r for r in peers if r.id != info.id])
        # Every finished job refreshes the page: the comparison is computed again only when what it
        # rests on changed (the version's runs, the promoted model, the cost and gate settings).
        key = (info.id, tuple((r.id, r.status) for r in version_runs), ws.evaluation.promoted(),
               tuple(ws.evaluation.settings()))
        if key == self._details_key:
            return  # shown already, or being computed
        self._forget_details()
        self._details_key = key
        succeeded = info.status == "succeeded"
        self._set_comparison([], COMPARING if succeeded else NO_COMPARISON)
        self.cards["best"].value_label.setText("…" if succeeded else fmt.MISSING)
        self._show_gate_pending(info)
        if not succeeded and info.artifact_id is None:
            return
        peer_ids = [r.id for r in peers]
        job = Job(lambda ctx: selected_run_details(ws, info, peer_ids, ctx),
                  f"Comparing {row.model_label} with the runs on {row.split}")
        self.details_job = job
        job.on_success(lambda details: self._show_details(job, details))
        job.on_failure(lambda exc: self._details_failed(job, exc))
        job.run(self.runner)

    def _forget_details(self) -> None:
        """Drop the comparison of the run shown before: a job still computing it is cancelled, and
        its result, should it come, is not shown."""
        if self.details_job is not None:
            self.details_job.cancel()
        self.details_job = None
        self._details_key = None
        self.gate = None

    def _set_comparison(self, rows: list[Any], empty_text: str) -> None:
        self.comparison.empty_text = empty_text
        self.comparison.set_rows(rows)
        self.comparison.viewport().update()

    def _show_details(self, job: Job[SelectedRunDetails], details: SelectedRunDetails) -> None:
        if job is not self.details_job or self.info is None or details.run_id != self.info.id:
            return  # the selection changed meanwhile
        self.details_job = None
        if self.info.status == "succeeded":
            self._set_comparison(details.rows, NO_COMPARISON)
            self.cards["best"].value_label.setText(fmt.number(details.best))
        if details.gate is not None:
            self._show_gate(details.gate)

    def _details_failed(self, job: Job[SelectedRunDetails], exc: BaseException) -> None:
        if job is not self.details_job:
            return
        self.details_job = None
        self._details_key = None  # try again on the next refresh
        self._set_comparison([], f"Could not compare: {exc}")
        dialogs.show_error(self, "Could not compare the runs", str(exc) or type(exc).__name__)

    def _show_gate_pending(self, info: EvaluationInfo) -> None:
        card = self.cards["gate"]
        card.value_label.setStyleSheet("font-size: 17px; font-weight: 600;")
        card.setToolTip("")
        self.promote_button.setEnabled(info.artifact_id is not None)
        if info.artifact_id is None:
            card.value_label.setText(fmt.MISSING)
            card.caption.setText("base-model runs are not promoted")
            return
        card.value_label.setText("…")
        card.caption.setText("checking against the promoted model…")

    def _show_gate(self, gate: GateResult) -> None:
        self.gate = gate
        card = self.cards["gate"]
        card.value_label.setText("green" if gate.passed else "red")
        card.value_label.setStyleSheet(f"font-size: 17px; font-weight: 600; "
                                       f"color: {'#15803d' if gate.passed else '#b91c1c'}")
        first = (gate.reasons or gate.checks or [""])[0]
        diff = gate.test_difference
        if diff is not None and gate.passed:  # the interval the decision rests on
            first = f"test vs promoted: {diff.describe()}"
        card.caption.setText(first if len(first) < 90 else first[:89] + "…")
        card.setToolTip("\n".join(gate.reasons + gate.checks
                                  + [f"decided on the {gate.rule} (setting evaluation.gate.decide_on)"]))

    def show_cell(self, reference: str, predicted: str) -> None:
        """A heatmap cell was clicked: list its examples on the Review tab."""
        self.review.show_cell(reference, predicted)
        self.tabs.setCurrentWidget(self.review)

    # -- evaluate ------------------------------------------------------------------
    def ask_evaluate(self) -> None:
        if self.ws is None or self.jobs.busy:
            return
        self.evaluate_dialog = EvaluateDialog(self.ws, self)
        self.evaluate_dialog.accepted.connect(lambda: self.start_evaluation(*self.evaluate_dialog.choice()))
        self.evaluate_dialog.open()

    def start_evaluation(self, which: str | int, version_id: int, split: str, shots: int = 0,
                         seed: int = 0) -> Job[Any] | None:
        if self.ws is None:
            return None
        ws = self.ws
        try:
            model = ws.evaluation.model(which, version_id)
        except Exception as exc:
            dialogs.show_error(self, "Cannot evaluate", str(exc))
            return None
        title = f"Evaluating {model.label} on {split}"
        job = Job(lambda ctx: ws.evaluation.run(model, version_id, split, shots, seed, ctx), title)
        self.jobs.track(job, title)
        job.on_failure(lambda exc: dialogs.show_error(self, "Evaluation failed", str(exc) or type(exc).__name__))
        job.on_cancelled(lambda: self.show_banner("The evaluation was cancelled; the run is kept as cancelled."))
        job.on_finished(self._evaluation_ended)
        return job.run(self.runner)

    def _evaluation_ended(self, _job: Job[Any]) -> None:
        self.refresh()
        self.data_changed.emit()

    # -- promote -------------------------------------------------------------------
    def promote_selected(self) -> None:
        if self.ws is None or self.info is None or self.info.artifact_id is None:
            self.show_banner("Select a run of an exported model to promote it.", "info")
            return
        artifact_id = self.info.artifact_id
        if self.gate is not None and self.gate.candidate_id == artifact_id:
            self._decide_promotion(artifact_id, self.gate)
            return
        ws = self.ws  # the gate is still being checked: check it (a job) and go on from there
        (Job(lambda ctx: ws.evaluation.gate(artifact_id), "Checking the regression gate")
         .on_success(lambda gate: self._decide_promotion(artifact_id, gate))
         .on_failure(lambda exc: dialogs.show_error(self, "Not promoted", str(exc)))
         .run(self.runner))

    def _decide_promotion(self, artifact_id: int, gate: GateResult) -> None:
        if self.ws is None:
            return
        if gate.passed:
            self._promote(artifact_id, None)
            return
        name = self.ws.models.artifact(artifact_id).name
        self.override_dialog = OverrideDialog(name, gate, self)
        self.override_dialog.accepted.connect(lambda: self._promote(artifact_id, self.override_dialog.text()))
        self.override_dialog.open()

    def _promote(self, artifact_id: int, reason: str | None) -> None:
        assert self.ws is not None
        signature = sign_dialog.ask_signature(self, f"promoting {self.ws.models.artifact(artifact_id).name}"
                                              + (" over a red gate" if reason else ""), self.ws.identity.os_user)
        if signature is None:
            return
        try:
            with signing(signature):
                result = self.ws.evaluation.promote(artifact_id, reason)
        except Exception as exc:
            dialogs.show_error(self, "Not promoted", str(exc))
            return
        name = self.ws.models.artifact(artifact_id).name
        how = "the gate is green" if result.passed else f"override: {reason}"
        self.show_banner(f"{name} is now the promoted model ({how}); recorded in the audit log.", "info")
        self.refresh()
        self.data_changed.emit()

    # -- settings ----------------------------------------------------------------------
    def ask_costs(self) -> None:
        if self.ws is None:
            return
        self.costs_dialog = CostSettingsDialog(self.ws, self)
        self.costs_dialog.accepted.connect(lambda: self.save_costs(self.costs_dialog.values()))
        self.costs_dialog.open()

    def save_costs(self, values: dict[str, str]) -> None:
        if self.ws is None:
            return
        try:
            self.ws.evaluation.set_settings(values)
        except Exception as exc:
            dialogs.show_error(self, "Settings not saved", str(exc))
            return
        self.refresh()
        self.data_changed.emit()

    # -- report ----------------------------------------------------------------------
    def ask_export(self) -> None:
        if self.ws is None or self.info is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export evaluation report", "evaluation-report.html",
                                              "HTML report (*.html)")
        if path:
            self.export_report(Path(path))

    def export_report(self, path: Path) -> Job[tuple[Path, Path]] | None:
        """Write the HTML report of the runs compared with the selected one, and its PDF beside it
        (a job: the report compares every pair of runs again, and drawing the PDF takes a while)."""
        if self.ws is None or self.info is None or (self.export_job is not None and not self.export_job.done):
            return None
        ws = self.ws
        ids = [r.id for r in self.comparison.rows() if r.id is not None] or [self.info.id]
        self.export_button.setEnabled(False)
        self.show_banner(f"Writing the report to {path.with_suffix('.html').name}…", "info")
        job = (Job(lambda ctx: write_report(ws, ids, path, ctx), "Exporting the evaluation report")
               .on_success(lambda out: self.show_banner(f"Report written: {out[0]} and {out[1].name}", "info"))
               .on_failure(self._export_failed)
               .on_finished(lambda _job: self.export_button.setEnabled(True)))
        self.export_job = job
        return job.run(self.runner)

    def _export_failed(self, exc: BaseException) -> None:
        self.show_banner(None)
        dialogs.show_error(self, "Could not export the report", str(exc) or type(exc).__name__)


def write_report(ws: Workspace, run_ids: list[int], path: Path, ctx: JobContext) -> tuple[Path, Path]:
    """The HTML report and its PDF (Qt's text engine draws into a PDF writer, off the GUI thread)."""
    from desktop.report_pdf import html_to_pdf

    html = ws.evaluation.report(run_ids, path.with_suffix(".html"), ctx.sub(0.0, 0.9))
    ctx.step(0.9, "drawing the PDF")
    return html, html_to_pdf(html, path.with_suffix(".pdf"))
