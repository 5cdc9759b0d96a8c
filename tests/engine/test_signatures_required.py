"""The engine itself refuses an unsigned gate change, whoever calls it: a program using the services
(not only the CLI or the GUI) cannot freeze a version for training, promote a model (with or without
a gate override), turn keep-originals on or run an iteration without a signature, and nothing
changes when it is refused."""

from __future__ import annotations

import pytest

from engine.cli import main
from engine.datasets.freeze import SplitPlan
from engine.iteration import IterationPlan, iterate
from engine.signatures import Signature, SignatureInvalid, SignatureRequired, signing
from engine.store.models import Setting
from engine.workspace import Workspace
from tests.engine.tasks_data import classification_task, fault_corpus, labelled
from tests.engine.test_evaluation_gate import seed_version, store_run

FAST = SplitPlan(token_lengths=False)


def _events(ws: Workspace) -> int:
    return len(ws.audit.entries(limit=100_000))


def test_freeze_without_a_signature_is_refused_and_nothing_is_frozen(workspace: Workspace) -> None:
    task = classification_task(workspace)
    labelled(workspace, task.id, fault_corpus()[:45])
    before = _events(workspace)
    with pytest.raises(SignatureRequired, match="freezing a dataset version for training needs a signature"):
        workspace.datasets.freeze(task.id, "v1", FAST)
    with pytest.raises(SignatureInvalid, match="must be a Signature"):
        workspace.datasets.freeze(task.id, "v1", FAST, signature=("approved", "x y z"))  # type: ignore[arg-type]
    assert workspace.datasets.versions() == [] and _events(workspace) == before

    version = workspace.datasets.freeze(task.id, "v1", FAST,
                                        signature=Signature("responsible", "labels checked by the shift leads"))
    (frozen,) = workspace.audit.entries(action="dataset.frozen")
    assert frozen.subject == f"dataset_version:{version.id}"
    assert {k: frozen.details["signature"][k] for k in ("signer", "meaning", "reason")} == {
        "signer": "tester", "meaning": "responsible", "reason": "labels checked by the shift leads"}


def test_promotion_and_a_gate_override_without_a_signature_are_refused(workspace: Workspace) -> None:
    seeded = seed_version(workspace, {"test": 20, "golden": 10})
    first, second = seeded.artifacts
    for art, wrong in ((first, {0}), (second, set(range(10)))):  # the second is red against the first
        store_run(workspace, seeded, art, "test", wrong)
        store_run(workspace, seeded, art, "golden", set())
    before = _events(workspace)
    with pytest.raises(SignatureRequired, match="promoting a model needs a signature"):
        workspace.evaluation.promote(first)
    assert workspace.evaluation.promoted() is None and _events(workspace) == before

    workspace.evaluation.promote(first, signature=Signature("approved", "release 1"))
    with pytest.raises(SignatureRequired, match="promoting a model over the gate needs a signature"):
        workspace.evaluation.promote(second, override_reason="urgent fix, errors reviewed")
    assert workspace.evaluation.promoted() == first
    assert workspace.audit.entries(action="model.promoted_with_override") == []

    workspace.evaluation.promote(second, override_reason="urgent fix, errors reviewed",
                                 signature=Signature("responsible", "I answer for the override"))
    (override,) = workspace.audit.entries(action="model.promoted_with_override")
    assert override.details["signature"]["meaning"] == "responsible"
    assert override.details["override_reason"] == "urgent fix, errors reviewed"
    assert workspace.audit.verify().ok


def test_keep_originals_on_without_a_signature_is_refused_off_needs_none(workspace: Workspace,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    before = _events(workspace)
    with pytest.raises(SignatureRequired, match="turning keep-originals on needs a signature"):
        workspace.privacy.set_keep_originals(True)
    assert not workspace.privacy.keep_originals() and _events(workspace) == before
    # a script without --meaning/--reason (no terminal to ask on) is refused the same way
    assert main(["pii", "keep-originals", "on", "--workspace", str(workspace.root)]) == 2
    assert "needs a signature" in capsys.readouterr().err
    assert not workspace.privacy.keep_originals() and _events(workspace) == before

    workspace.privacy.set_keep_originals(True, Signature("approved", "legal hold on case 12"))
    workspace.privacy.set_keep_originals(False)
    on, off = workspace.audit.entries(action="pii.keep_originals_changed", newest_first=False)
    assert on.details["signature"]["reason"] == "legal hold on case 12" and "signature" not in off.details


def test_an_iteration_without_a_signature_starts_nothing(workspace: Workspace) -> None:
    task = classification_task(workspace)
    before = _events(workspace)
    with pytest.raises(SignatureRequired, match=r"the next iteration .* needs a signature"):
        iterate(workspace, task.id, IterationPlan(max_steps=1))
    assert _events(workspace) == before and workspace.audit.entries(action="iteration.") == []


def test_the_audit_log_refuses_an_unsigned_gate_event_and_rolls_the_change_back(workspace: Workspace) -> None:
    """The last line of defence: a gate event recorded without a pending signature, by any code path."""
    with pytest.raises(SignatureRequired, match=r"model\.promoted may only be recorded with a signature"), \
            workspace.unit() as s:
        s.add(Setting(key="written_with_the_event", value="1"))
        workspace.audit.record(s, "model.promoted", "artifact:1", {"previous": None})
    with workspace.reader() as s:
        assert s.get(Setting, "written_with_the_event") is None
    assert workspace.audit.entries(action="model.promoted") == []
    with signing(Signature("approved", "release 2")), workspace.unit() as s:
        workspace.audit.record(s, "model.promoted", "artifact:1", {"previous": None})
    assert workspace.audit.entries(action="model.promoted")[0].details["signature"]["meaning"] == "approved"
    assert workspace.audit.verify().ok
