"""Batch extraction throughput (documents per minute) and how it scales with input length; with
--trained, the confidence quality (AUROC right vs wrong) of a fine-tuned demo model.

    .venv/bin/python bench/batch_extraction.py [--docs 8] [--trained /path/to/demo/workspace]

Throughput: the demo GGUF as console artifact, an extraction task (category enum + plant area
string), `run_batch` over N fault reports from the demo corpus, each report repeated x1, x2, x4
to vary the input length. Everything a batch does is counted: PII redaction, grammar-constrained
generation, confidence re-scoring, the call log, JSONL/CSV output.
Confidence quality: every item of the test split of the trained workspace's dataset version,
answered in classification mode and in extraction mode (schema {"category": enum of labels}).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = {"type": "object", "properties": {
    "category": {"enum": ["electrical", "mechanical", "hydraulic", "software"]},
    "area": {"type": "string", "maxLength": 40}}, "required": ["category", "area"]}


def throughput(docs: int) -> None:
    from engine.console.batch import BatchInput, run_batch
    from engine.demo import CORPUS
    from engine.paths import demo_model_path
    from engine.workspace import Workspace

    tmp = Path(tempfile.mkdtemp())
    ws = Workspace.create(tmp / "ws")
    model = demo_model_path()
    assert model is not None
    shutil.copyfile(model, tmp / "m.gguf")
    base = ws.models.ensure_demo_model()
    art = ws.models.add_artifact("bench", "gguf", tmp / "m.gguf", "Q4_1", None, base.id, "bench copy")
    task = ws.tasks.create("bench fields", "extraction", {"schema": SCHEMA},
                           "Extract the fault category and the plant area from the report as JSON.", "Report:\n{input}")
    reports = [json.loads(line)["text"] for line in CORPUS.read_text().splitlines()][:docs]
    ws.privacy.preview(reports[0])  # load presidio outside the timing
    print(f"{'length':>6} | {'chars/doc':>9} | {'docs/min':>8} | {'s/doc':>6}")
    for factor in (1, 2, 4):
        items = [BatchInput(f"r{i}", " ".join([r] * factor)) for i, r in enumerate(reports)]
        t0 = time.perf_counter()
        result = run_batch(ws, items, tmp / f"out{factor}", art.id, task.id)
        dt = time.perf_counter() - t0
        assert result.errors == 0
        chars = sum(len(i.text) for i in items) / len(items)
        print(f"{'x' + str(factor):>6} | {chars:>9.0f} | {60 * len(items) / dt:>8.1f} | {dt / len(items):>6.2f}")
    ws.close()
    shutil.rmtree(tmp, ignore_errors=True)


def quality(root: Path) -> None:
    """The fine-tuned model and, for contrast, the untuned base model (zero-shot, so it answers wrong
    often), each in both modes, on the test split of the trained workspace (a copy: the base GGUF is
    registered there as an artifact)."""
    from engine.console.quality import confidence_quality
    from engine.paths import demo_model_path
    from engine.workspace import Workspace

    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(root, tmp / "ws")
    with Workspace.open(tmp / "ws") as ws:
        tuned = [a for a in ws.models.artifacts() if a.kind == "gguf" and a.run_id is not None][-1]
        assert tuned.run_id is not None
        version_id = ws.training.get(tuned.run_id).dataset_version_id
        model = demo_model_path()
        assert model is not None
        shutil.copyfile(model, tmp / "base.gguf")
        base = ws.models.add_artifact("base (zero-shot)", "gguf", tmp / "base.gguf", "Q4_1", None,
                                      tuned.base_model_id, "bench copy")
        print(f"dataset version {version_id}, test split")
        print(f"{'model':<22} | {'mode':<8} | {'n':>3} | {'accuracy':>8} | {'AUROC':>5} | {'mean conf right':>15} | "
              f"{'mean conf wrong':>15} | answers/min")
        for art in (tuned, base):
            for q in confidence_quality(ws, art.id, version_id, "test"):
                au = "-" if q.auroc is None else f"{q.auroc:.3f}"
                right = "-" if q.mean_right is None else f"{q.mean_right:.3f}"
                wrong = "-" if q.mean_wrong is None else f"{q.mean_wrong:.3f}"
                print(f"{art.name:<22} | {q.mode:<8} | {q.n:>3} | {q.accuracy:>8.1%} | {au:>5} | {right:>15} | "
                      f"{wrong:>15} | {q.answers_per_minute:.0f}")
    shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=8)
    ap.add_argument("--trained", type=Path, default=None, help="a workspace after `airlock demo`")
    ap.add_argument("--skip-throughput", action="store_true")
    args = ap.parse_args()
    if args.trained is not None:
        quality(args.trained)
    if not args.skip_throughput:
        throughput(args.docs)


if __name__ == "__main__":
    main()
