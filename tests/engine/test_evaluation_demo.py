"""Evaluation end to end on the real demo workspace (`airlock demo --quick`, shared per session):
the fine-tuned GGUF beats the prompted base model with an interval that excludes zero, a rerun
through the CLI reproduces the stored predictions, cancel leaves a cancelled run, the gate and
promotion work on real runs, and the report (HTML + PDF) carries the evidence."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.errors import AirlockError
from engine.jobs import Cancelled, JobContext
from engine.workspace import Workspace
from tests.signed import SIGN_ARGS

pytestmark = pytest.mark.slow


def _cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(argv))
    return code, out.getvalue()


def test_fine_tuned_beats_base_with_interval_excluding_zero(trained_demo_copy: Path, tmp_path: Path) -> None:
    root = str(trained_demo_copy)
    with Workspace.open(trained_demo_copy) as ws:
        runs = ws.evaluation.runs(split="test")
        base = next(r for r in runs if r.artifact_id is None)
        tuned = next(r for r in runs if r.artifact_id is not None)
        assert base.prompt_mode == "few-shot" and base.shots == 4
        assert len(ws.evaluation.predictions(tuned.id)) == tuned.metrics["n"] == 32
        cmp = ws.evaluation.compare([base.id, tuned.id])
        diff = cmp.pairs[0].difference
        assert diff.delta == pytest.approx(tuned.metrics["accuracy"] - base.metrics["accuracy"])
        assert diff.low > 0 and not diff.within_noise, diff
        version_id = tuned.dataset_version_id

        checks = iter([False, False])  # the model check and the first example pass, then cancel
        cancelled = JobContext(cancelled=lambda: next(checks, True))
        with pytest.raises(Cancelled):
            ws.evaluation.run(ws.evaluation.model(tuned.artifact_id, version_id), version_id, "test", ctx=cancelled)
        last = ws.evaluation.runs()[-1]
        assert last.status == "cancelled" and not ws.evaluation.predictions(last.id)
        with pytest.raises(AirlockError, match="no 'golden' examples"):
            ws.evaluation.run(ws.evaluation.model("base", version_id), version_id, "golden")

    # the same model, the same split, through the CLI: identical stored answers
    code, out = _cli("eval", "run", "--model", str(tuned.artifact_id), "--version", str(version_id),
                     "--split", "test", "--quiet", "--workspace", root)
    assert code == 0 and out.startswith("run ")
    rerun = int(out.split()[1].rstrip(":"))
    with Workspace.open(trained_demo_copy) as ws:
        before = {p.item_id: p.output for p in ws.evaluation.predictions(tuned.id)}
        after = {p.item_id: p.output for p in ws.evaluation.predictions(rerun)}
        assert after == before

    code, _ = _cli("promote", str(tuned.artifact_id), "--workspace", root, *SIGN_ARGS)
    assert code == 0
    report = tmp_path / "demo-report.html"
    code, out = _cli("eval", "report", str(base.id), str(tuned.id), "--out", str(report), "--pdf", "--workspace", root)
    assert code == 0
    html = report.read_text()
    with Workspace.open(trained_demo_copy) as ws:
        assert ws.datasets.get(version_id).content_hash in html
        assert ws.evaluation.promoted() == tuned.artifact_id
    assert "B better" in html and "<svg" in html and report.with_suffix(".pdf").stat().st_size > 5000
    # the report drawn to an image, to look at (tests/artifacts/screens/evaluation-demo-report.png)
    screens = Path(__file__).parents[1] / "artifacts" / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    drawn = subprocess.run([sys.executable, "-m", "desktop.report_pdf", str(report), str(tmp_path / "again.pdf"),
                            "--png", str(screens / "evaluation-demo-report.png")], capture_output=True, text=True)
    assert drawn.returncode == 0, drawn.stderr
    code, out = _cli("eval", "compare", str(base.id), str(tuned.id), str(rerun), "--json", "--workspace", root)
    pairs = json.loads(out)["pairs"]
    assert [p["within_noise"] for p in pairs] == [False, False, True]
