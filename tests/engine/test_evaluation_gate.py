"""Comparison, the regression gate, promotion with override, review and the HTML report,
on real workspace rows: a frozen version with test and golden items, two GGUF artifacts,
and evaluation runs whose stored predictions are chosen per test."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.clock import now
from engine.errors import AirlockError
from engine.evaluation.gate import GATE_SETTING, GateRefused
from engine.evaluation.review import MODEL_WRONG, REFERENCE_WRONG
from engine.evaluation.scoring import run_metrics
from engine.store.models import (
    BaseModel,
    DatasetItem,
    DatasetVersion,
    EvaluationRun,
    Example,
    ModelArtifact,
    Prediction,
    Task,
    TrainingRun,
)
from engine.workspace import Workspace
from tests.signed import SIGNED

LABELS = ["electrical", "mechanical"]


@dataclass(frozen=True)
class Seeded:
    version_id: int
    items: dict[str, list[tuple[int, str]]]  # split -> [(item id, reference)]
    artifacts: list[int]
    base_id: int


def seed_version(ws: Workspace, sizes: dict[str, int], artifacts: int = 2) -> Seeded:
    """A classification task with a frozen version (items alternate between the two labels)."""
    with ws.unit() as s:
        task = Task(name="Fault triage", kind="classification",
                    spec=json.dumps({"labels": [{"name": n} for n in LABELS]}), system_prompt="Classify.",
                    user_template="{input}", created_at=now())
        s.add(task)
        s.flush()
        version = DatasetVersion(task_id=task.id, name="v1", seed=0, content_hash="ab" * 32, stats="{}",
                                 created_by="tester", created_at=now())
        base = BaseModel(name="tiny", path="/models/tiny.gguf", format="gguf", sha256="cd" * 32,
                         architecture="llama", registered_at=now())
        s.add_all([version, base])
        s.flush()
        items: dict[str, list[tuple[int, str]]] = {}
        for split, n in sizes.items():
            for i in range(n):
                ex = Example(task_id=task.id, origin="import", input_text=f"{split} report {i}", created_at=now())
                s.add(ex)
                s.flush()
                ref = LABELS[i % 2]
                item = DatasetItem(version_id=version.id, example_id=ex.id, split=split,
                                   input_text=ex.input_text, target=ref, content_hash=f"{split}{i}")
                s.add(item)
                s.flush()
                items.setdefault(split, []).append((item.id, ref))
        arts = [ModelArtifact(name=f"candidate-{k}", kind="gguf", quantization="Q8_0", sha256=f"{k:02d}" * 32,
                              size_bytes=1, path=f"/models/c{k}.gguf", base_model_id=base.id, created_at=now())
                for k in range(artifacts)]
        s.add_all(arts)
        s.flush()
        return Seeded(version.id, items, [a.id for a in arts], base.id)


def store_run(ws: Workspace, seeded: Seeded, artifact_id: int | None, split: str, wrong: set[int],
              label: str | None = None) -> int:
    """A finished run on ``split`` that answers every item right except the positions in ``wrong``."""
    items = seeded.items[split]
    refs = [ref for _, ref in items]
    outs = [LABELS[1 - LABELS.index(ref)] if i in wrong else ref for i, ref in enumerate(refs)]
    scored = run_metrics("classification", {}, LABELS, refs, outs, [0.9] * len(refs),
                         [100.0 + i for i in range(len(refs))], [50] * len(refs))
    with ws.unit() as s:
        run = EvaluationRun(model_label=label or f"artifact {artifact_id}", model_path="/models/x.gguf",
                            model_sha256="ef" * 32, artifact_id=artifact_id, base_model_id=seeded.base_id,
                            dataset_version_id=seeded.version_id, split=split, prompt_mode="zero-shot",
                            status="succeeded", metrics=json.dumps(scored.metrics), created_by="tester",
                            started_at=now(), finished_at=now())
        s.add(run)
        s.flush()
        s.add_all(Prediction(evaluation_run_id=run.id, dataset_item_id=item_id, output=out, reference=ref,
                             correct=ok, score=sc, confidence=0.9, latency_ms=100.0, tokens=50)
                  for (item_id, ref), out, ok, sc in zip(items, outs, scored.correct, scored.scores, strict=True))
        return run.id


@pytest.fixture
def seeded(workspace: Workspace) -> Seeded:
    return seed_version(workspace, {"test": 20, "golden": 10})


def _promote_first(ws: Workspace, seeded: Seeded, test_wrong: set[int], golden_wrong: set[int]) -> int:
    first = seeded.artifacts[0]
    store_run(ws, seeded, first, "test", test_wrong)
    store_run(ws, seeded, first, "golden", golden_wrong)
    result = ws.evaluation.promote(first, signature=SIGNED)
    assert result.passed and "no model is promoted yet" in result.checks[0]
    return first


def test_better_candidate_passes_and_exactly_one_model_is_promoted(workspace: Workspace, seeded: Seeded) -> None:
    first = _promote_first(workspace, seeded, {0, 1, 2, 3}, {0})
    second = seeded.artifacts[1]
    store_run(workspace, seeded, second, "test", {0})
    store_run(workspace, seeded, second, "golden", {0})
    gate = workspace.evaluation.gate(second)
    assert gate.passed and gate.reasons == [] and gate.promoted_id == first
    assert any(c.startswith("test: candidate-1 0.950 vs promoted candidate-0 0.800") for c in gate.checks)
    workspace.evaluation.promote(second, signature=SIGNED)
    assert [a.id for a in workspace.models.artifacts() if a.promoted] == [second]
    entry = workspace.audit.entries(action="model.promoted")[0]
    assert entry.subject == f"artifact:{second}" and entry.details["gate_passed"] is True
    assert entry.details["previous"] == first and entry.os_user == "tester"


def test_candidate_worse_on_test_is_refused_unless_overridden_with_a_reason(workspace: Workspace,
                                                                            seeded: Seeded) -> None:
    first = _promote_first(workspace, seeded, {0}, set())
    second = seeded.artifacts[1]
    store_run(workspace, seeded, second, "test", set(range(10)))  # 0.95 -> 0.50: beyond the noise
    store_run(workspace, seeded, second, "golden", set())
    gate = workspace.evaluation.gate(second)
    assert not gate.passed and "worse on the test split beyond the noise" in gate.reasons[0]
    assert gate.test_difference is not None and gate.test_difference.high < 0
    with pytest.raises(GateRefused, match="worse on the test split"):
        workspace.evaluation.promote(second, signature=SIGNED)
    with pytest.raises(GateRefused):
        workspace.evaluation.promote(second, override_reason="   ", signature=SIGNED)
    assert workspace.evaluation.promoted() == first
    workspace.evaluation.promote(second, override_reason="needed for the new press line; reviewed the errors",
                                 signature=SIGNED)
    assert workspace.evaluation.promoted() == second
    entry = workspace.audit.entries(action="model.promoted_with_override")[0]
    assert entry.details["override_reason"] == "needed for the new press line; reviewed the errors"
    assert entry.details["by"] == "tester" and entry.details["gate_passed"] is False
    assert workspace.audit.verify().ok


def test_golden_drop_beyond_the_configurable_threshold_is_red(workspace: Workspace, seeded: Seeded) -> None:
    _promote_first(workspace, seeded, {0}, set())
    second = seeded.artifacts[1]
    store_run(workspace, seeded, second, "test", {0})  # equal on test
    store_run(workspace, seeded, second, "golden", set(range(6)))  # 1.0 -> 0.4
    gate = workspace.evaluation.gate(second)
    assert not gate.passed and len(gate.reasons) == 1 and gate.golden_difference is not None
    least = -gate.golden_difference.high  # the smallest loss the interval allows (quality before is 1.0)
    assert 0.05 < least < 0.6
    assert f"loses at least {least:.1%} on the golden split, more than the allowed 5%" in gate.reasons[0]
    workspace.set_setting(GATE_SETTING, f"{least + 0.01:.3f}")
    assert workspace.evaluation.gate(second).passed


def test_the_gate_at_inside_and_above_the_noise(workspace: Workspace, seeded: Seeded) -> None:
    """A small loss whose interval holds zero (inside): green on the interval, red on point
    estimates. A loss whose interval ends at zero (at): still green. A loss whose interval
    excludes zero (above): red either way."""
    _promote_first(workspace, seeded, {0}, set())
    second = seeded.artifacts[1]
    store_run(workspace, seeded, second, "golden", set())
    store_run(workspace, seeded, second, "test", {1, 2})  # 0.95 -> 0.90, right on one the promoted got wrong
    inside = workspace.evaluation.gate(second)
    assert inside.test_difference is not None and inside.test_difference.low < 0 < inside.test_difference.high
    assert inside.passed and "within noise" in inside.checks[0]
    store_run(workspace, seeded, second, "test", {0, 1, 2})  # 0.95 -> 0.85
    at = workspace.evaluation.gate(second)
    assert at.test_difference is not None and at.test_difference.low < 0 == at.test_difference.high
    assert at.passed
    workspace.evaluation.set_settings({"evaluation.gate.decide_on": "point"})
    point = workspace.evaluation.gate(second)
    assert not point.passed and point.rule == "point" and "worse on the test split (" in point.reasons[0]
    workspace.evaluation.set_settings({"evaluation.gate.decide_on": "interval"})
    store_run(workspace, seeded, second, "test", set(range(8)))  # 0.95 -> 0.60
    above = workspace.evaluation.gate(second)
    assert not above.passed and above.test_difference is not None and above.test_difference.high < 0
    # a wider interval (99.9 %) can swallow a loss the 95 % interval calls real
    store_run(workspace, seeded, second, "test", {0, 1, 2, 3, 4})  # 0.95 -> 0.75
    assert not workspace.evaluation.gate(second).passed
    workspace.evaluation.set_settings({"evaluation.gate.confidence": "0.999"})
    assert workspace.evaluation.gate(second).passed
    with pytest.raises(AirlockError, match="decide_on must be one of"):
        workspace.evaluation.set_settings({"evaluation.gate.decide_on": "vibes"})
    with pytest.raises(AirlockError, match=r"from 0\.5 to 0\.999"):
        workspace.evaluation.set_settings({"evaluation.gate.confidence": "2"})


def test_golden_loss_inside_the_noise_is_green_on_the_interval(workspace: Workspace, seeded: Seeded) -> None:
    _promote_first(workspace, seeded, {0}, set())
    second = seeded.artifacts[1]
    store_run(workspace, seeded, second, "test", {0})
    store_run(workspace, seeded, second, "golden", {3})  # 1.0 -> 0.9: a 10 % point loss, one item of ten
    gate = workspace.evaluation.gate(second)
    assert gate.passed and any("least loss 0.0%" in c for c in gate.checks)
    workspace.evaluation.set_settings({"evaluation.gate.decide_on": "point"})
    assert "loses 10.0% on the golden split, more than the allowed 5%" in workspace.evaluation.gate(second).reasons[0]


def _latest_run(ws: Workspace, artifact_id: int) -> int:
    return max(r.id for r in ws.evaluation.runs(split="test") if r.artifact_id == artifact_id)


def test_a_model_trained_on_the_test_examples_is_red(workspace: Workspace, seeded: Seeded) -> None:
    """The leakage check covers the training data of the promoted model and of the candidate."""
    first = _promote_first(workspace, seeded, {0}, set())
    second = seeded.artifacts[1]
    store_run(workspace, seeded, second, "test", {0})
    store_run(workspace, seeded, second, "golden", set())
    assert workspace.evaluation.gate(second).passed
    with workspace.unit() as s:  # the promoted model was trained on a version whose train split holds test items
        old = DatasetVersion(task_id=s.get_one(DatasetVersion, seeded.version_id).task_id, name="v0", seed=0,
                             content_hash="cd" * 32, stats="{}", created_by="tester", created_at=now())
        s.add(old)
        s.flush()
        test_items = [s.get_one(DatasetItem, item_id) for item_id, _ in seeded.items["test"][:3]]
        s.add_all(DatasetItem(version_id=old.id, example_id=it.example_id, split="train", input_text=it.input_text,
                              target=it.target, content_hash=it.content_hash) for it in test_items)
        run = TrainingRun(dataset_version_id=old.id, base_model_id=seeded.base_id, config="{}", status="succeeded",
                          run_dir="/runs/1", created_by="tester", created_at=now())
        s.add(run)
        s.flush()
        s.get_one(ModelArtifact, first).run_id = run.id
    gate = workspace.evaluation.gate(second)
    assert not gate.passed
    assert "candidate-0 was trained on 3 of the test examples it is judged on" in gate.reasons[0]
    assert "same example" in gate.reasons[0]
    compared = workspace.evaluation.compare([_latest_run(workspace, first), _latest_run(workspace, second)])
    assert len(compared.leakage) == 1 and compared.leakage[0].startswith("candidate-0 was trained on 3")
    report = workspace.datasets.readiness(seeded.version_id)
    assert any(c.name == "promoted_leakage" and c.level == "warn" for c in report.checks)


def test_missing_evaluations_make_the_candidate_red(workspace: Workspace, seeded: Seeded) -> None:
    second = seeded.artifacts[1]
    assert "not been evaluated on the test split" in workspace.evaluation.gate(second).reasons[0]
    _promote_first(workspace, seeded, set(), set())
    store_run(workspace, seeded, second, "test", set())
    gate = workspace.evaluation.gate(second)
    assert gate.reasons == ["candidate-1 has not been evaluated on the golden split"]


def test_compare_gives_table_and_pairwise_intervals(workspace: Workspace, seeded: Seeded) -> None:
    base_run = store_run(workspace, seeded, None, "test", set(range(10)), label="base (4-shot)")
    tuned = store_run(workspace, seeded, seeded.artifacts[0], "test", {0})
    close = store_run(workspace, seeded, seeded.artifacts[1], "test", {1})
    workspace.set_setting("cloud.name", "Hosted API")
    workspace.set_setting("cloud.cost_per_1k", "1.5")
    cmp = workspace.evaluation.compare([base_run, tuned, close])
    assert [r.quality for r in cmp.runs] == pytest.approx([0.5, 0.95, 0.95])
    by_pair = {(p.a, p.b): p.difference for p in cmp.pairs}
    assert by_pair[(base_run, tuned)].delta == pytest.approx(0.45) and not by_pair[(base_run, tuned)].within_noise
    assert by_pair[(tuned, close)].delta == 0.0 and by_pair[(tuned, close)].within_noise
    table = cmp.table()
    assert [r["approach"] for r in table][-1] == "Hosted API (cloud, as entered)"
    assert table[-1]["cost_per_month"] == pytest.approx(1.5 * 100)  # default 100,000 requests a month
    assert table[0]["p95_latency_ms"] == pytest.approx(cmp.runs[0].metrics["latency_p95_ms"])
    assert json.loads(json.dumps(cmp.as_dict()))["pairs"][0]["within_noise"] is False
    golden = store_run(workspace, seeded, None, "golden", set())
    with pytest.raises(AirlockError, match="same dataset version and split"):
        workspace.evaluation.compare([tuned, golden])


def test_review_lists_and_reference_wrong_goes_back_to_labelling(workspace: Workspace, seeded: Seeded) -> None:
    a = store_run(workspace, seeded, None, "test", {0, 1, 2})
    b = store_run(workspace, seeded, seeded.artifacts[0], "test", {2, 5})
    errors = workspace.evaluation.predictions(a, errors_only=True)
    assert len(errors) == 3 and all(p.correct is False for p in errors)
    cell = workspace.evaluation.predictions(a, cell=("electrical", "mechanical"))
    assert [p.reference for p in cell] == ["electrical", "electrical"]  # positions 0 and 2
    both = workspace.evaluation.predictions(a, other_run_id=b, disagreements_only=True)
    assert len(both) == 3 and {(p.output == p.reference, p.other_output == p.reference) for p in both} == {
        (False, True), (True, False)}
    with pytest.raises(AirlockError, match="note"):
        workspace.evaluation.review(errors[0].id, REFERENCE_WRONG)
    with pytest.raises(AirlockError, match="unknown verdict"):
        workspace.evaluation.review(errors[0].id, "meh")
    workspace.evaluation.review(errors[0].id, REFERENCE_WRONG, "report mentions a blown fuse: electrical is wrong")
    workspace.evaluation.review(errors[1].id, MODEL_WRONG)
    with workspace.reader() as s:
        ex = s.get_one(Example, errors[0].example_id)
        assert ex.flagged and "blown fuse" in (ex.note or "")
    rows = {p.id: p for p in workspace.evaluation.predictions(a, errors_only=True)}
    assert rows[errors[0].id].review == REFERENCE_WRONG and rows[errors[1].id].review == MODEL_WRONG
    assert workspace.audit.entries(action="example.flagged")[0].subject == f"example:{errors[0].example_id}"
    workspace.evaluation.review(errors[0].id, None)  # undo
    with workspace.reader() as s:
        ex = s.get_one(Example, errors[0].example_id)
        assert not ex.flagged and ex.note is None
    assert workspace.audit.entries(action="example.unflagged")


def test_html_report_has_lineage_metrics_plots_and_notes(workspace: Workspace, seeded: Seeded,
                                                         tmp_path: Path) -> None:
    base_run = store_run(workspace, seeded, None, "test", set(range(8)), label="base (4-shot)")
    tuned = store_run(workspace, seeded, seeded.artifacts[0], "test", {0})
    wrong = workspace.evaluation.predictions(tuned, errors_only=True)[0]
    workspace.evaluation.review(wrong.id, REFERENCE_WRONG, "label <b>typo</b>")
    out = workspace.evaluation.report([base_run, tuned], tmp_path / "report.html")
    html = out.read_text()
    assert "ab" * 32 in html  # dataset version content hash
    assert html.count("<svg") == 6  # a heatmap, per-class bars and a reliability diagram per run
    assert "<h3>" not in html and html.count(': confusion matrix</text>') == 2  # titles inside the images
    assert "label &lt;b&gt;typo&lt;/b&gt;" in html and "<b>typo</b>" not in html
    assert "B better" in html and "candidate-0" in html
    assert workspace.audit.entries(action="evaluation.report_exported")
