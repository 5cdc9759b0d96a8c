"""Evaluation: every model measured on the same frozen splits, side by side; review, gate, promote, report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import dialogs
from desktop import formatting as fmt
from desktop.changes import Changes
from desktop.evaluation.comparison import SelectedRunDetails, selected_run_details
from desktop.evaluation.dialogs import CostSettingsDialog, EvaluateDialog, OverrideDialog
from desktop.evaluation.plots import PlotsTab
from desktop.evaluation.promotion import Promoter, show_gate, show_gate_pending
from desktop.evaluation.report_export import ReportExporter
from desktop.evaluation.review_list import ReviewTab
from desktop.evaluation.run_table import metrics_report
from desktop.evaluation.runs_tab import COMPARING, NO_COMPARISON, RunsTab
from desktop.jobs import Job
from desktop.qt import (
    QHBoxLayout,
    QKeySequence,
    QPushButton,
    QShortcut,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.job_progress import JobProgress
from desktop.widgets.page import Page
from desktop.widgets.stat_card import StatCard

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.evaluation.gate import GateResult
    from engine.evaluation.service import EvaluationInfo
    from engine.workspace import Workspace

VERDICT = Changes.of("evaluations", "examples", "audit")  # "reference wrong" flags the example for relabelling
EVALUATED = Changes.of("evaluations", "audit")


class EvaluationPage(Page):
    key = "evaluation"
    shows = frozenset({"versions", "evaluations", "artifacts", "settings"})
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
        self.promoter = Promoter(self)
        self.exporter = ReportExporter(self)
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

        runs = RunsTab()
        self.table, self.comparison = runs.table, runs.comparison
        self.detail_title, self.detail, self._set_comparison = runs.detail_title, runs.detail, runs.set_comparison
        self.table.row_selected.connect(self._show_run)
        self.tabs.addTab(runs, "Runs && comparison")
        plots = PlotsTab()
        self.heatmap, self.bars = plots.heatmap, plots.bars
        self.heatmap.cell_clicked.connect(self.show_cell)
        self.tabs.addTab(plots, "Plots")

        self.review = ReviewTab(runner)
        self.review.changed.connect(lambda: self.data_changed.emit(VERDICT))
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
        self._compare(info, peers, version_runs)  # the comparison's job first: it is the one to wait for
        self.review.show_run(info, [r for r in peers if r.id != info.id])

    def _compare(self, info: EvaluationInfo, peers: list[EvaluationInfo], version_runs: list[EvaluationInfo]) -> None:
        ws = self.ws
        assert ws is not None
        # The page refreshes whenever work changed what it shows: the comparison is computed again only
        # when what it rests on changed (the version's runs, the promoted model, the cost and gate settings).
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
                  f"Comparing {info.model_label} with the runs on {info.split}")
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
        self.promote_button.setEnabled(info.artifact_id is not None and not self.promoter.busy)
        show_gate_pending(self.cards["gate"], info)

    def _show_gate(self, gate: GateResult) -> None:
        self.gate = gate
        show_gate(self.cards["gate"], gate)

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
        job = Job(lambda ctx: ws.evaluation.run(model, version_id, split, shots, seed, ctx), title, EVALUATED)
        self.jobs.track(job, title)
        job.on_failure(lambda exc: dialogs.show_error(self, "Evaluation failed", str(exc) or type(exc).__name__))
        job.on_cancelled(lambda: self.show_banner(
            "The evaluation was cancelled; a run that had already started is kept as cancelled."))
        return job.run(self.runner)  # the window refreshes this page and the others when it ends

    # -- promote (desktop/evaluation/promotion.py) ------------------------------------
    def promote_selected(self) -> None:
        self.promoter.promote_selected()

    @property
    def override_dialog(self) -> OverrideDialog | None:
        return self.promoter.override_dialog

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
        self.data_changed.emit(Changes.of("settings", "audit"))

    # -- report (desktop/evaluation/report_export.py) ---------------------------------
    def ask_export(self) -> None:
        self.exporter.ask()

    def export_report(self, path: Path) -> Job[tuple[Path, Path]] | None:
        """Write the HTML report of the runs compared with the selected one, and its PDF beside it (a job)."""
        return self.exporter.export(path)

    @property
    def export_job(self) -> Job[tuple[Path, Path]] | None:
        return self.exporter.job
