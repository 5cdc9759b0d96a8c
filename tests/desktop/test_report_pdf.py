"""The evaluation report as a document, on a banking-style task with ten long label names: every
plot keeps its title (drawn in the same image), full label names are in the plots (wrapped, never
cut), calibration results are shown; the PDF pages are rendered with pdftoppm for a look."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from desktop.report_pdf import html_to_pdf
from engine.clock import now
from engine.evaluation.calibrate import confidence_metrics
from engine.evaluation.calibration import fit
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
)

LABELS = ["card_payment_not_recognised", "card_payment_wrong_exchange_rate", "balance_not_updated_after_transfer",
          "declined_cash_withdrawal", "pending_top_up", "transfer_not_received_by_recipient",
          "verify_my_identity", "wrong_amount_of_cash_received", "extra_charge_on_statement",
          "exchange_rate_for_cash_withdrawal_in_another_currency_is_wrong"]


def _banking(ws: Any) -> list[int]:
    with ws.unit() as s:
        task = Task(name="Banking queries", kind="classification",
                    spec=json.dumps({"labels": [{"name": n} for n in LABELS]}), system_prompt="Classify.",
                    user_template="{input}", created_at=now())
        s.add(task)
        s.flush()
        version = DatasetVersion(task_id=task.id, name="v1", seed=0, content_hash="ef" * 32, stats="{}",
                                 created_by="tester", created_at=now())
        base = BaseModel(name="tiny", path="/m/tiny.gguf", format="gguf", sha256="ab" * 32, architecture="llama",
                         registered_at=now())
        s.add_all([version, base])
        s.flush()
        items = []
        for i in range(80):
            ex = Example(task_id=task.id, origin="import", input_text=f"query {i}", created_at=now())
            s.add(ex)
            s.flush()
            item = DatasetItem(version_id=version.id, example_id=ex.id, split="test", input_text=ex.input_text,
                               target=LABELS[i % 10], content_hash=f"h{i}")
            s.add(item)
            s.flush()
            items.append((item.id, item.target))
        art = ModelArtifact(name="run-0001-Q8_0", kind="gguf", quantization="Q8_0", sha256="cd" * 32, size_bytes=1,
                            path="/m/a.gguf", base_model_id=base.id, created_at=now())
        s.add(art)
        s.flush()
        art_id, version_id, base_id = art.id, version.id, base.id
    cal = fit("platt", [0.3 + 0.006 * i for i in range(80)], [i % 4 != 0 for i in range(80)])
    with ws.unit() as s:
        s.get_one(ModelArtifact, art_id).calibration = json.dumps(cal.as_dict())
    run_ids = []
    for label, artifact, wrong_every in (("base (4-shot)", None, 2), ("fine-tuned Q8_0", art_id, 5)):
        refs = [t for _, t in items]
        outs = [LABELS[(k + 1) % 10] if k % wrong_every == 0 else t for k, (_, t) in enumerate(items)]
        conf = [0.3 + 0.006 * k for k in range(len(items))]
        scored = run_metrics("classification", {}, LABELS, refs, outs, conf, [120.0] * 80, [40] * 80)
        scored.metrics.update(confidence_metrics(conf, scored.correct, cal if artifact else None))
        with ws.unit() as s:
            run = EvaluationRun(model_label=label, model_path="/m/x.gguf", model_sha256="12" * 32,
                                artifact_id=artifact, base_model_id=base_id, dataset_version_id=version_id,
                                split="test", prompt_mode="few-shot" if artifact is None else "zero-shot",
                                status="succeeded", metrics=json.dumps(scored.metrics), created_by="tester",
                                started_at=now(), finished_at=now())
            s.add(run)
            s.flush()
            s.add_all(Prediction(evaluation_run_id=run.id, dataset_item_id=item_id, output=o, reference=r,
                                 correct=ok, score=sc, confidence=c, latency_ms=120.0, tokens=40)
                      for (item_id, r), o, ok, sc, c in zip(items, outs, scored.correct, scored.scores, conf,
                                                            strict=True))
            run_ids.append(run.id)
    return run_ids


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_report_pdf_keeps_titles_with_plots_and_full_label_names(styled_app: Any, workspace: Any, tmp_path: Path,
                                                                 artifacts_dir: Path) -> None:
    runs = _banking(workspace)
    html = workspace.evaluation.report(runs, tmp_path / "report.html")
    text = html.read_text()
    for label in LABELS[:-1]:
        assert f"{label}</text>" in text  # whole, in the confusion matrix rows and the bars
    assert "exchange_rate_for_cash_withdrawal_in_</text>" in text  # the longest wraps onto two lines
    assert "another_currency_is_wrong</text>" in text
    assert "<h3>" not in text and text.count(": confusion matrix</text>") == 2
    assert "<h2>Confidence calibration</h2>" in text and "platt" in text
    pdf = html_to_pdf(html, tmp_path / "report.pdf")
    out = artifacts_dir / "report-pages"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out / "page")], check=True)
    pages = sorted(out.glob("page-*.png"))
    assert 2 <= len(pages) <= 8, len(pages)
