"""Promotion on the Evaluation page: the gate card of the selected run's model, and promoting that
model through the regression gate (an override reason when it is red, a signature always).

The gate rests on paired bootstraps, and promoting checks it again, so both run as jobs: the GUI
thread only asks (the override reason, the signature) and shows what came back. A promotion that
ends after another run was selected still lands (it was signed for), but its banner names the model
it promoted, not the selection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import dialogs, sign_dialog
from desktop import formatting as fmt
from desktop.changes import Changes
from desktop.evaluation.dialogs import OverrideDialog
from desktop.jobs import Job

if TYPE_CHECKING:
    from desktop.evaluation.page import EvaluationPage
    from desktop.widgets.stat_card import StatCard
    from engine.evaluation.gate import GateResult
    from engine.evaluation.service import EvaluationInfo
    from engine.signatures import Signature

PROMOTED = Changes.of("artifacts", "audit")  # the promoted flag moves; the console serves another model
WORDS_STYLE = "font-size: 17px; font-weight: 600;"


def show_gate_pending(card: StatCard, info: EvaluationInfo) -> None:
    card.value_label.setStyleSheet(WORDS_STYLE)
    card.setToolTip("")
    if info.artifact_id is None:
        card.value_label.setText(fmt.MISSING)
        card.caption.setText("base-model runs are not promoted")
        return
    card.value_label.setText("…")
    card.caption.setText("checking against the promoted model…")


def show_gate(card: StatCard, gate: GateResult) -> None:
    card.value_label.setText("green" if gate.passed else "red")
    card.value_label.setStyleSheet(f"{WORDS_STYLE} color: {'#15803d' if gate.passed else '#b91c1c'}")
    first = (gate.reasons or gate.checks or [""])[0]
    diff = gate.test_difference
    if diff is not None and gate.passed:  # the interval the decision rests on
        first = f"test vs promoted: {diff.describe()}"
    card.caption.setText(first if len(first) < 90 else first[:89] + "…")
    card.setToolTip("\n".join(gate.reasons + gate.checks
                              + [f"decided on the {gate.rule} (setting evaluation.gate.decide_on)"]))


class Promoter:
    """Promote the selected run's model: gate (a job unless the page has it), reason, signature,
    then the promotion itself (a job: the engine checks the gate again before it writes)."""

    def __init__(self, page: EvaluationPage) -> None:
        self.page = page
        self.job: Job[GateResult] | None = None  # the gate check or the promotion under way
        self.override_dialog: OverrideDialog | None = None

    @property
    def busy(self) -> bool:
        return self.job is not None and not self.job.done

    def promote_selected(self) -> None:
        page = self.page
        info = page.info
        if page.ws is None or info is None or info.artifact_id is None:
            page.show_banner("Select a run of an exported model to promote it.", "info")
            return
        if self.busy:
            return
        artifact_id = info.artifact_id
        if page.gate is not None and page.gate.candidate_id == artifact_id:
            self._decide(artifact_id, page.gate)
            return
        ws = page.ws  # the gate is still being checked: check it (a job) and go on from there
        self._start(Job(lambda ctx: ws.evaluation.gate(artifact_id), "Checking the regression gate")
                    .on_success(lambda gate: self._decide(artifact_id, gate)))

    def _decide(self, artifact_id: int, gate: GateResult) -> None:
        page = self.page
        if page.ws is None:
            return
        if gate.passed:
            self._sign_and_promote(artifact_id, None)
            return
        self.override_dialog = dialog = OverrideDialog(page.ws.models.artifact(artifact_id).name, gate, page)
        dialog.accepted.connect(lambda: self._sign_and_promote(artifact_id, dialog.text()))
        dialog.open()

    def _sign_and_promote(self, artifact_id: int, reason: str | None) -> None:
        page = self.page
        if page.ws is None:
            return
        ws = page.ws
        name = ws.models.artifact(artifact_id).name
        signature = sign_dialog.ask_signature(page, f"promoting {name}" + (" over a red gate" if reason else ""),
                                              ws.identity.os_user)
        if signature is not None:
            self.promote(artifact_id, name, reason, signature)

    def promote(self, artifact_id: int, name: str, reason: str | None,
                signature: Signature) -> Job[GateResult] | None:
        """The promotion as a job; the window refreshes the pages that show models when it ends."""
        ws = self.page.ws
        if ws is None or self.busy:
            return None

        def promoted(result: GateResult) -> None:
            how = "the gate is green" if result.passed else f"override: {reason}"
            self.page.show_banner(f"{name} is now the promoted model ({how}); recorded in the audit log.", "info")

        return self._start(Job(lambda ctx: ws.evaluation.promote(artifact_id, reason, signature),
                               f"Promoting {name}", PROMOTED).on_success(promoted))

    def _start(self, job: Job[GateResult]) -> Job[GateResult]:
        self.job = job
        self.page.promote_button.setEnabled(False)
        return (job.on_failure(lambda exc: dialogs.show_error(self.page, "Not promoted", str(exc)))
                .on_finished(self._ended)
                .run(self.page.runner))

    def _ended(self, job: Job[GateResult]) -> None:
        if job is self.job:
            self.job = None
        info = self.page.info
        self.page.promote_button.setEnabled(not self.busy and info is not None and info.artifact_id is not None)
