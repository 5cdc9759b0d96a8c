"""Training: set up a run (data, base model, preset, every setting, readiness, estimate), start it,
and watch it live; cancel and resume; every run with its outcome and loss curves."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop import dialogs
from desktop import formatting as fmt
from desktop.audit.lineage_view import add_lineage_button, selected_target
from desktop.changes import Changes
from desktop.jobs import Job
from desktop.qt import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from desktop.training.config_form import ConfigForm
from desktop.training.live_view import RunView
from desktop.training.provenance_view import ProvenanceDialog
from desktop.widgets.page import Page
from desktop.widgets.table import Column, DataTable

if TYPE_CHECKING:
    from desktop.jobs import JobRunner
    from engine.training.estimate import Estimate
    from engine.training.service import RunInfo
    from engine.workspace import Workspace

STATUS_COLORS = {"succeeded": "#15803d", "failed": "#b91c1c", "cancelled": "#6b7280",
                 "running": "#1d4ed8", "queued": "#b45309"}
LIVE = ("queued", "running")
ESTIMATE_DELAY_MS = 400
ALIVE_CHECK_MS = 1000

COLUMNS = [
    Column("Run", lambda r: f"#{r.id}", sort_key=lambda r: r.id, align="right", width=60),
    Column("Status", lambda r: r.status, color=lambda r: STATUS_COLORS.get(r.status), width=90,
           tooltip=lambda r: r.error or ""),
    Column("Base model", lambda r: r.base_model_name, stretch=True),
    Column("Dataset", lambda r: r.dataset_version_name, width=100),
    Column("Created", lambda r: fmt.when(r.created_at), sort_key=lambda r: r.created_at.isoformat(), width=120),
    Column("Final loss", lambda r: fmt.number(r.final_loss, 4), align="right",
           sort_key=lambda r: r.final_loss if r.final_loss is not None else -1.0, width=80),
]


def if_alive(fn: Callable[..., None]) -> Callable[..., None]:
    """A job callback that does nothing when its page was closed and deleted meanwhile (a job
    that ends after its window is gone must not touch deleted widgets)."""
    def call(*args: Any) -> None:
        try:
            fn(*args)
        except RuntimeError as exc:
            if "already deleted" not in str(exc):
                raise

    return call


def start_run(ws: Workspace, version_id: int, base_id: int, config: Any, ctx: Any,
              overridden: list[str] | None = None, detach: bool = False) -> RunInfo:
    """Create the run (reads the examples, estimates, writes the spec) and launch its worker
    (``detach``: it goes on after this window closes; otherwise it stops, keeping a checkpoint)."""
    ctx.report(0.2, "Preparing the run")
    run = ws.training.create(version_id, base_id, config, overridden=overridden or ())
    ws.training.start(run.id, detach=detach)
    return run


DETACHED_NOTE = "detached: keeps training when this window closes"
DETACH_TIP = ("Off: closing this window (or losing it to a crash) stops the run at the next step, keeping a "
              "checkpoint to resume from. On: the run goes on by itself until it ends; cancel it here or with "
              "`airlock train cancel`.")


class TrainingPage(Page):
    key = "training"
    shows = frozenset({"tasks", "versions", "runs", "artifacts"})
    empty_hint = "Open a workspace to train a model on a frozen dataset version and watch it learn."
    title = "Training"
    subtitle = "LoRA / QLoRA fine-tuning on frozen dataset versions: set up, start, watch, cancel, resume."

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        columns = QSplitter(Qt.Orientation.Horizontal)
        columns.addWidget(self._build_setup())
        right = QSplitter(Qt.Orientation.Vertical)
        self.table = DataTable(COLUMNS, "No training runs yet.\nSet one up on the left and press Start.")
        self.table.row_selected.connect(self._show_run)
        self.lineage_button = add_lineage_button(self, lambda: selected_target(self.table, "run"))
        right.addWidget(self.table)
        right.addWidget(self._build_run_panel())
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 3)
        columns.addWidget(right)
        columns.setStretchFactor(0, 0)
        columns.setStretchFactor(1, 1)
        columns.setSizes([440, 760])
        layout.addWidget(columns)
        self._estimate_timer = QTimer(self)
        self._estimate_timer.setSingleShot(True)
        self._estimate_timer.setInterval(ESTIMATE_DELAY_MS)
        self._estimate_timer.timeout.connect(self._run_estimate)
        self.form.changed.connect(self._estimate_timer.start)
        self.form.version.currentIndexChanged.connect(lambda _i: self._check_readiness())
        self._alive_timer = QTimer(self)
        self._alive_timer.setInterval(ALIVE_CHECK_MS)
        self._alive_timer.timeout.connect(self._check_alive)
        self.shown_run: int | None = None
        self.start_job: Job[Any] | None = None
        self.estimate: Estimate | None = None
        self._estimate_job: Job[Any] | None = None
        self._alive_job: Job[Any] | None = None
        self._readiness: dict[int, Any] = {}
        self._readiness_pending: set[int] = set()
        self._readiness_shown: int | None = None
        self._shown_status: str | None = None
        self._note_head = ""
        self._note_status: str | None = None

    # -- layout ------------------------------------------------------------------------
    def _build_setup(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(430)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        panel = QWidget()
        box = QVBoxLayout(panel)
        box.setContentsMargins(0, 0, 12, 0)
        title = QLabel("New run")
        title.setObjectName("SectionTitle")
        box.addWidget(title)
        self.form = ConfigForm()
        self.form.add_base_button.clicked.connect(self.register_model)
        box.addWidget(self.form)
        self.estimate_label = QLabel("The memory and time estimate appears once a version and a model are chosen.")
        self.estimate_label.setWordWrap(True)
        self.estimate_label.setObjectName("Muted")
        box.addWidget(self.estimate_label)
        self.start_button = QPushButton("Start training")
        self.start_button.setProperty("accent", True)
        self.start_button.setShortcut("Ctrl+Return")
        self.start_button.setToolTip("Start a run with these settings (Ctrl+Enter)")
        self.start_button.clicked.connect(self.start)
        box.addWidget(self.start_button)
        self.detach_box = QCheckBox("Keep training after this window closes")
        self.detach_box.setToolTip(DETACH_TIP)
        box.addWidget(self.detach_box)
        from desktop.datasets.readiness_view import ReadinessView

        self.readiness = ReadinessView()
        box.addWidget(self.readiness)
        box.addWidget(self.form.advanced_toggle)
        box.addWidget(self.form.advanced)
        box.addStretch(1)
        scroll.setWidget(panel)
        return scroll

    def _build_run_panel(self) -> QWidget:
        lower = QWidget()
        box = QVBoxLayout(lower)
        box.setContentsMargins(0, 10, 0, 0)
        box.setSpacing(6)
        head = QHBoxLayout()
        self.run_note = QLabel()
        self.run_note.setObjectName("Muted")
        self.run_note.setWordWrap(True)
        head.addWidget(self.run_note, 1)
        self.cancel_button = QPushButton("Cancel run")
        self.cancel_button.setShortcut("Ctrl+.")
        self.cancel_button.setToolTip("Stop at the next step boundary and keep a checkpoint (Ctrl+.)")
        self.cancel_button.clicked.connect(self.cancel)
        self.resume_button = QPushButton("Resume")
        self.resume_button.setShortcut("Ctrl+Shift+R")
        self.resume_button.setToolTip("Continue from the last checkpoint (Ctrl+Shift+R)")
        self.resume_button.clicked.connect(self.resume)
        self.details_button = QPushButton("Details…")
        self.details_button.setShortcut("Ctrl+I")
        self.details_button.setToolTip("What went into this run: data, base model, settings, backend, versions, "
                                       "hardware, files (Ctrl+I)")
        self.details_button.clicked.connect(self.show_details)
        self.details_dialog: ProvenanceDialog | None = None
        self.compare_button = QPushButton("Compare runs…")
        self.compare_button.setToolTip("Runs side by side: settings that differ, loss curves overlaid, final metrics")
        self.compare_button.clicked.connect(self.compare_runs)
        self.compare_dialog: Any = None
        self.iterate_button = QPushButton("Next iteration…")
        self.iterate_button.setToolTip("Corrections and new examples -> new version -> train with this run's "
                                       "settings -> export -> evaluate against the promoted model -> gate -> promote")
        self.iterate_button.clicked.connect(self.next_iteration)
        self.iterate_dialog: Any = None
        for b in (self.cancel_button, self.resume_button, self.details_button, self.compare_button,
                  self.iterate_button):
            b.setEnabled(False)
            head.addWidget(b)
        box.addLayout(head)
        self.view = RunView()
        self.view.ended.connect(self._on_run_ended)
        self.chart = self.view.chart
        box.addWidget(self.view, 1)
        return lower

    # -- reading the workspace -----------------------------------------------------------
    def load(self, ws: Workspace) -> None:
        self.form.set_choices(ws.datasets.versions(newest_first=True), ws.models.bases())
        if not ws.models.bases():
            self._register_demo_model(ws)
        self.table.set_rows(ws.training.runs(newest_first=True))
        if self.table.selected_row() is None:
            self.table.select_first()
        self._check_readiness()

    def clear(self) -> None:
        self.view.stop()
        self._alive_timer.stop()
        self.shown_run = None
        self._readiness.clear()
        self._readiness_shown = None
        self.table.set_rows([])

    def register_model(self) -> None:
        """Open the registration dialog; the new model is selected once it is registered."""
        from desktop.models.register_dialog import RegisterModelDialog

        if self.ws is None:
            return
        self.register_dialog = RegisterModelDialog(self.ws, self.runner, self)

        def added(model: Any) -> None:
            self.refresh()
            index = self.form.base.findData(model.id)
            if index >= 0:
                self.form.base.setCurrentIndex(index)

        self.register_dialog.registered.connect(if_alive(added))
        self.register_dialog.open()

    def _register_demo_model(self, ws: Workspace) -> None:
        from engine.paths import demo_model_path

        if demo_model_path() is None or not ws.membership.can("expert"):  # only experts register models
            return
        (Job(lambda ctx: ws.models.ensure_demo_model(), "Registering the demo base model",
              Changes.of("artifacts", "audit"))
         .on_success(if_alive(lambda _m: self.refresh()))
         .on_failure(if_alive(lambda e: self.show_banner(f"The demo model could not be registered: {e}", "error")))
         .run(self.runner))

    def _check_readiness(self) -> None:
        version = self.form.selected_version()
        if self.ws is None or version is None or not hasattr(self.ws.datasets, "readiness"):
            self.readiness.setVisible(False)
            return
        self.readiness.setVisible(True)
        if version == self._readiness_shown or version in self._readiness_pending:
            return  # already on screen, or being checked (rebuilding the rows costs ~50 ms of styling)
        if version in self._readiness:
            self.readiness.show_report(self._readiness[version])
            self._readiness_shown = version
            return
        self.readiness.show_pending("Checking whether this version is ready to train on…")
        self._readiness_shown = None
        self._readiness_pending.add(version)
        ws = self.ws

        def done(report: Any) -> None:
            self._readiness[version] = report
            self._readiness_pending.discard(version)
            if self.form.selected_version() == version:
                self.readiness.show_report(report)
                self._readiness_shown = version

        def failed(exc: BaseException) -> None:
            self._readiness_pending.discard(version)
            self.readiness.show_pending(f"Readiness unknown: {exc}")

        (Job(lambda ctx: ws.datasets.readiness(version), "Checking dataset readiness")
         .on_success(if_alive(done)).on_failure(if_alive(failed)).run(self.runner))

    # -- estimate ------------------------------------------------------------------------
    def _run_estimate(self) -> None:
        version, base = self.form.selected_version(), self.form.selected_base()
        problems = self.form.problems()
        if self.ws is None or version is None or base is None or problems:
            self.estimate = None
            self.estimate_label.setText("Fix the settings above to see the estimate." if problems else
                                        "Choose a dataset version and a base model.")
            return
        if self._estimate_job is not None and not self._estimate_job.done:
            self._estimate_timer.start()  # one at a time; try again shortly
            return
        ws, config = self.ws, self.form.config()
        self._estimate_job = (Job(lambda ctx: ws.training.estimate(version, base.id, config), "Estimating the run")
                              .on_success(if_alive(self._show_estimate))
                              .on_failure(if_alive(lambda e: self.estimate_label.setText(f"No estimate: {e}")))
                              .run(self.runner))

    def _show_estimate(self, est: Estimate) -> None:
        self.estimate = est
        text = f"<b>Estimate</b> on {est.hardware.describe()}:<br>{est.summary()}"
        if est.warning:
            text += f"<br><span style='color:#b91c1c; font-weight:600'>⚠ {est.warning}</span>"
        self.estimate_label.setText(text)

    # -- actions -------------------------------------------------------------------------
    def start(self) -> None:
        if self.ws is None or (self.start_job is not None and not self.start_job.done):
            return
        version, base = self.form.selected_version(), self.form.selected_base()
        if version is None or base is None:
            dialogs.show_error(self, "Cannot start", "Choose a frozen dataset version and a base model first.")
            return
        try:
            config = self.form.config()
        except Exception as exc:
            dialogs.show_error(self, "The settings are not valid", str(exc))
            return
        report = self._readiness.get(version)  # the report shown beside Start (None while it is checked)
        overridden = report.refusals if report is not None else []
        if report is not None and overridden and not self._confirm_training_anyway(report.version_name, overridden):
            return
        ws = self.ws
        detach = self.detach_box.isChecked()
        self.start_button.setEnabled(False)
        self.start_job = (Job(lambda ctx: start_run(ws, version, base.id, config, ctx, overridden, detach),
                              "Starting a training run", Changes.of("runs", "audit"))
                          .on_success(if_alive(self._on_started))
                          .on_failure(if_alive(lambda e: dialogs.show_error(self, "The run did not start", str(e))))
                          .on_finished(if_alive(lambda _j: self.start_button.setEnabled(True)))
                          .run(self.runner))

    def _confirm_training_anyway(self, version_name: str, refusals: list[str]) -> bool:
        """A version whose readiness report refuses is trained on only when the person says so."""
        refused = "\n".join(f"• {why}" for why in refusals)
        return dialogs.confirm(self, "This version is not ready to train on",
                               f"{version_name}:\n{refused}\n\nA model trained on it may learn the wrong "
                               "things. Fix the data and freeze a new version, or train on it anyway.",
                               "Train anyway")

    def _on_started(self, run: RunInfo) -> None:
        self._reselect(run.id)

    def _reselect(self, run_id: int) -> None:
        """Re-read the runs list only (not the whole page) and show ``run_id`` from the start."""
        if self.ws is None:
            return
        self.shown_run = None
        self.table.set_rows(self.ws.training.runs(newest_first=True))
        self._select(run_id)

    def cancel(self) -> None:
        if self.ws is None or self.shown_run is None:
            return
        self.ws.training.cancel(self.shown_run)
        self.cancel_button.setEnabled(False)
        self.run_note.setText(self.run_note.text() + " · cancelling at the next step…")

    def resume(self) -> None:
        if self.ws is None or self.shown_run is None:
            return
        run_id = self.shown_run
        try:
            self.ws.training.resume(run_id, detach=self.detach_box.isChecked())
        except Exception as exc:
            dialogs.show_error(self, "The run cannot be resumed", str(exc))
            return
        self._reselect(run_id)

    def show_details(self) -> None:
        if self.ws is None or self.shown_run is None:
            return
        self.details_dialog = ProvenanceDialog(self.shown_run, self.ws.training.provenance(self.shown_run), self)
        self.details_dialog.open()

    def next_iteration(self) -> None:
        from desktop.training.iterate_wizard import IterateWizard

        if self.ws is None:
            return
        task_id = None
        if self.shown_run is not None:
            task_id = self.ws.datasets.get(self.ws.training.get(self.shown_run).dataset_version_id).task_id
        self.iterate_dialog = IterateWizard(self.ws, self.runner, task_id, self)
        self.iterate_dialog.open()

    def compare_runs(self) -> None:
        from desktop.training.run_comparison import RunComparisonDialog

        if self.ws is None:
            return
        rows = self.table.rows()
        ids = [r.id for r in rows]
        shown = self.shown_run if self.shown_run in ids else (ids[0] if ids else None)
        others = [i for i in ids if i != shown]
        ticked = ([shown] if shown is not None else []) + others[:1]
        self.compare_dialog = RunComparisonDialog(self.ws, rows, ticked, self)
        self.compare_dialog.open()

    def _select(self, run_id: int) -> None:
        for i, row in enumerate(self.table.rows()):
            if row.id == run_id:
                self.table.selectRow(self.table._proxy.mapFromSource(self.table.table_model.index(i, 0)).row())
                return

    # -- following -------------------------------------------------------------------------
    def _show_run(self, row: RunInfo | None) -> None:
        if row is None or self.ws is None:
            self.view.clear("Select a run to see its loss curve.")
            self.run_note.clear()
            self.shown_run = None
            self._alive_timer.stop()
            self._update_buttons(None)
            return
        if row.id == self.shown_run and (self.view.following or row.status == self._shown_status):
            self._update_buttons(row.status)  # a refresh of the list: what is shown is current
            return
        self.shown_run, self._shown_status = row.id, row.status
        info = self.ws.training.get(row.id)
        self.view.show_history(self.ws.training.curve(row.id), f"Run #{row.id} — loss")
        live = row.status in LIVE
        self.view.follow(self.ws, row.id, live)
        if live:
            self._alive_timer.start()
        else:
            self._alive_timer.stop()
        self._update_note(info)
        self._update_buttons(row.status)

    def _update_note(self, info: RunInfo) -> None:
        self._note_head = f"{info.base_model_name} on {info.dataset_version_name}"
        self._note_status = info.status
        parts = [self._note_head, f"status {info.status}"]
        if info.backend_reason:
            parts.append(info.backend_reason)
        if info.detached:
            parts.append(DETACHED_NOTE)
        if info.error:
            parts.append(f"error: {info.error}")
        self.run_note.setText(" · ".join(parts))

    def _update_buttons(self, status: str | None) -> None:
        self.cancel_button.setEnabled(status in LIVE)
        self.resume_button.setEnabled(status in ("cancelled", "failed"))
        self.details_button.setEnabled(status is not None)
        self.compare_button.setEnabled(self.table.row_count() >= 2)
        self.iterate_button.setEnabled(status == "succeeded")

    def _check_alive(self) -> None:
        """A worker that died without writing an end event: mark the run failed and say so. Marking it
        stores the checkpoints it left (hashing and copying every file), so that part runs as a job."""
        if self.ws is None or self.shown_run is None:
            self._alive_timer.stop()
            return
        if self._alive_job is not None and not self._alive_job.done:
            return  # still storing a dead run's files
        ws, run_id = self.ws, self.shown_run
        if not ws.training.worker_gone(run_id):
            self._alive_checked(ws, run_id, ws.training.get(run_id))
            return
        self.run_note.setText(f"{self._note_head} · the worker has gone: storing the checkpoints it left…")
        self._alive_job = (Job(lambda ctx: ws.training.check_alive(run_id), f"Storing run #{run_id}'s checkpoints",
                               Changes.of("runs", "artifacts", "audit"))
                           .on_success(if_alive(lambda info: self._alive_checked(ws, run_id, info)))
                           .on_failure(if_alive(lambda e: self.show_banner(
                               f"Could not mark run #{run_id} failed: {e}", "error")))
                           .run(self.runner))

    def _alive_checked(self, ws: Workspace, run_id: int, info: RunInfo) -> None:
        if ws is not self.ws or run_id != self.shown_run:
            return  # another run (or workspace) was chosen meanwhile: that one is checked next
        if info.status != self._note_status:  # queued -> running: say so, with the backend and why
            parts = [self._note_head, f"status {info.status}", info.backend_reason or "",
                     DETACHED_NOTE if info.detached else ""]
            self.run_note.setText(" · ".join(p for p in parts if p))
            self._note_status = info.status
            if info.status in LIVE:
                self.table.set_rows(ws.training.runs(newest_first=True))  # the list says running too
        if info.status not in LIVE:
            self.view.poll()
            self._on_run_ended(info.status)

    def _on_run_ended(self, _kind: str) -> None:
        self._alive_timer.stop()
        self.view.stop()
        if self.ws is None:
            return
        # The live view already shows the whole run: only the note, the buttons and the list change.
        # Reloading the page or re-reading the run here was the longest event-loop stall of a run
        # (bench/training_gui_stall.py).
        rows = self.ws.training.runs(newest_first=True)
        row = next((r for r in rows if r.id == self.shown_run), None)
        if row is not None and row.status not in LIVE:
            self._shown_status = row.status
            self._update_note(self.ws.training.get(row.id))
        else:
            self._shown_status = None  # not over after all: show and follow it again
        self.table.set_rows(rows)
