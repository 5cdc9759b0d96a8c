"""Batch extraction throughput (documents per minute) and how it scales with input length.

    .venv/bin/python bench/batch_extraction.py [--docs 8]

Throughput: the demo GGUF as console artifact, an extraction task (category enum + plant area
string), `run_batch` over N fault reports from the demo corpus, each report repeated x1, x2, x4
to vary the input length. Everything a batch does is counted: PII redaction, grammar-constrained
generation, confidence re-scoring, the call log, JSONL/CSV output.
(The confidence's AUROC is measured by bench/confidence_quality.py.)
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


def main() -> None:
    sys.path.insert(0, str(ROOT))
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=8)
    args = ap.parse_args()
    throughput(args.docs)


if __name__ == "__main__":
    main()
