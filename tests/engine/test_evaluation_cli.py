"""`airlock eval compare|report` and `airlock promote` on a real workspace with stored runs."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from engine.cli import main
from engine.cli.common import EXIT_CHECK_FAILED
from engine.store.models import Example
from engine.workspace import Workspace
from tests.engine.test_evaluation_gate import seed_version, store_run
from tests.signed import SIGN_ARGS


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_compare_report_and_promote_from_the_command_line(workspace: Workspace, tmp_path: Path) -> None:
    seeded = seed_version(workspace, {"test": 20, "golden": 10})
    first, second = seeded.artifacts
    base = store_run(workspace, seeded, None, "test", set(range(9)), label="base (4-shot)")
    tuned = store_run(workspace, seeded, first, "test", {0})
    store_run(workspace, seeded, first, "golden", set())
    worse = store_run(workspace, seeded, second, "test", set(range(10)))  # beyond the noise
    store_run(workspace, seeded, second, "golden", set())
    ws = str(workspace.root)

    code, out, _ = _cli("eval", "compare", str(base), str(tuned), "--json", "--workspace", ws)
    assert code == 0
    data = json.loads(out)
    assert [r["id"] for r in data["runs"]] == [base, tuned]
    assert data["pairs"][0]["delta"] > 0 and not data["pairs"][0]["within_noise"]
    code, out, _ = _cli("eval", "compare", str(base), str(tuned), "--workspace", ws)
    assert code == 0 and "approach" in out and f"run {tuned} vs run {base}: +0.400" in out

    report = tmp_path / "out" / "report.html"
    code, out, _ = _cli("eval", "report", str(base), str(tuned), "--out", str(report), "--pdf", "--workspace", ws)
    assert code == 0, out
    pdf = report.with_suffix(".pdf")
    assert "<svg" in report.read_text() and pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 5000  # text and the rendered plots

    assert _cli("promote", str(first), "--workspace", ws, *SIGN_ARGS)[0] == 0
    code, out, _ = _cli("eval", "gate", str(second), "--workspace", ws)
    assert code == EXIT_CHECK_FAILED and "red (decided on the interval of the bootstrap interval)" in out
    assert "gate for artifact" in out and "(95% CI, worse)" in out and "red: worse on the test split beyond" in out
    code, out, _ = _cli("eval", "gate", str(second), "--json", "--workspace", ws)
    assert code == EXIT_CHECK_FAILED and json.loads(out)["test_difference"]["high"] < 0
    code, _, err = _cli("promote", str(second), "--workspace", ws, *SIGN_ARGS)
    assert code == EXIT_CHECK_FAILED and "worse on the test split" in err and "--override" in err
    code, out, _ = _cli("promote", str(second), "--override", "urgent fix, errors reviewed", "--workspace", ws,
                        *SIGN_ARGS)
    assert code == 0 and "overridden" in out
    assert workspace.evaluation.promoted() == second
    entry = workspace.audit.entries(action="model.promoted_with_override")[0]
    assert entry.details["override_reason"] == "urgent fix, errors reviewed"
    code, _, err = _cli("eval", "compare", str(worse), "99", "--workspace", ws)
    assert code == 2 and "no evaluation run with id 99" in err


def test_cost_and_gate_settings_from_the_command_line(workspace: Workspace) -> None:
    ws = str(workspace.root)
    code, out, _ = _cli("eval", "settings", "cost.power_watts=90", "cloud.name=Hosted API", "--workspace", ws)
    assert code == 0 and "cost.power_watts" in out and "Hosted API" in out
    assert workspace.setting("cost.power_watts") == "90"
    code, _, err = _cli("eval", "settings", "cost.power_watts=lots", "--workspace", ws)
    assert code == 2 and "must be a number" in err and workspace.setting("cost.power_watts") == "90"
    code, _, err = _cli("eval", "settings", "cost.nonsense=1", "--workspace", ws)
    assert code == 2 and "unknown evaluation setting" in err
    assert workspace.audit.entries(action="setting.changed")[0].subject == "setting:cloud.name"


def test_review_round_trip_from_the_command_line(workspace: Workspace) -> None:
    """List a run's errors, mark one 'reference wrong': labelling's flagged filter shows it with the note;
    clearing the verdict takes it back."""
    from engine.tasks.browse import ExampleFilter, count

    seeded = seed_version(workspace, {"test": 10})
    base = store_run(workspace, seeded, None, "test", {1, 4}, label="base")
    tuned = store_run(workspace, seeded, seeded.artifacts[0], "test", {4})
    ws = str(workspace.root)
    code, out, _ = _cli("eval", "predictions", str(base), "--errors", "--json", "--workspace", ws)
    errors = json.loads(out)
    assert code == 0 and [e["correct"] for e in errors] == [False, False]
    code, out, _ = _cli("eval", "predictions", str(base), "--other", str(tuned), "--disagreements", "--workspace", ws)
    assert code == 0 and out.strip().endswith("1 prediction(s)") and "other: " in out
    code, out, _ = _cli("eval", "predictions", str(base), "--cell", "mechanical", "electrical", "--json",
                        "--workspace", ws)
    assert [(r["reference"], r["output"]) for r in json.loads(out)] == [("mechanical", "electrical")]

    target = errors[0]
    code, _, err = _cli("eval", "review", str(target["id"]), "reference-wrong", "--workspace", ws)
    assert code == 2 and "note" in err  # the note is what labelling needs
    code, out, _ = _cli("eval", "review", str(target["id"]), "reference-wrong", "--note", "it is a fuse: electrical",
                        "--workspace", ws)
    assert code == 0 and "flagged for labelling" in out
    with workspace.reader() as s:
        task_id = s.get_one(Example, target["example_id"]).task_id
    assert count(workspace, ExampleFilter(task_id, "flagged")) == 1
    code, out, _ = _cli("eval", "predictions", str(base), "--errors", "--workspace", ws)
    assert "reference wrong: it is a fuse: electrical" in out
    assert _cli("eval", "review", str(errors[1]["id"]), "model-wrong", "--workspace", ws)[0] == 0
    assert _cli("eval", "review", str(target["id"]), "clear", "--workspace", ws)[0] == 0
    assert count(workspace, ExampleFilter(task_id, "flagged")) == 0
    verdicts = [e.details["verdict"] for e in workspace.audit.entries(action="evaluation.reviewed")]
    assert sorted(verdicts, key=str) == sorted(["reference wrong", "model wrong", None], key=str)
