"""Cascade bench: accuracy, share escalated and mean latency of small-only, large-only and the
cascade (small model first; answers under the threshold asked again of the larger fallback) on
the demo task's test split, through the console's own functions (redaction and call log included).

    .venv/bin/airlock demo --workspace /tmp/demo --quiet
    .venv/bin/python bench/cascade.py --trained /tmp/demo [--small-steps 8] [--threshold 0.9]

What the models are (only SmolLM2-135M exists on this machine, so "larger" is honest only in bytes
and training): the small model is the demo's own training settings stopped after --small-steps
steps, exported to Q8_0 and calibrated (Platt) on the eval split; the large fallback is the demo's
fully trained run exported at F16 (the same 135M parameters, twice the bytes of Q8_0, slower per
token). The workspace is copied first.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trained", type=Path, required=True, help="a workspace after `airlock demo`")
    ap.add_argument("--small-steps", type=int, default=8)
    ap.add_argument("--threshold", type=float, default=0.9, help="expected accuracy under which to escalate")
    ap.add_argument("--limit", type=int, default=0, help="at most this many test examples (0: all)")
    args = ap.parse_args()

    from engine import offline
    from engine.console import classify_text
    from engine.console.cascade import cascade_classify, set_fallback, unload_fallback
    from engine.console.models import unload_all
    from engine.models.export import export_run
    from engine.training.config import TrainingConfig
    from engine.workspace import Workspace

    offline.install_guard()
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(args.trained, tmp / "ws")
    with Workspace.open(tmp / "ws") as ws:
        tuned = [a for a in ws.models.artifacts() if a.kind == "gguf" and a.run_id is not None][-1]
        assert tuned.run_id is not None
        full = ws.training.get(tuned.run_id)
        version_id = full.dataset_version_id
        config = replace(TrainingConfig.from_dict(full.config), max_steps=args.small_steps, checkpoint_every=0)
        t0 = time.perf_counter()
        run = ws.training.train(version_id, full.base_model_id, config)
        assert run.status == "succeeded", run.error
        small = export_run(ws, run.id, ("Q8_0",))[0]
        large = export_run(ws, tuned.run_id, (), keep_f16=True)[0]
        cal = ws.evaluation.calibrate(small.id, version_id, "platt")
        print(f"prepared in {time.perf_counter() - t0:.0f} s: small {small.name} ({small.size_bytes / 2**20:.0f} MiB, "
              f"{args.small_steps} steps, Platt ECE on eval {cal.fitted_on['ece_before']:.3f} -> "
              f"{cal.fitted_on['ece_after']:.3f}); large {large.name} ({large.size_bytes / 2**20:.0f} MiB, "
              f"{full.config.get('max_steps') or full.config.get('epochs')} steps/epochs)")
        rows = ws.datasets.rows(version_id, "test")
        rows = rows[:args.limit] if args.limit else rows
        task_id = ws.datasets.get(version_id).task_id

        def measure(name: str, answer: object) -> None:
            right = escalated = flagged = 0
            seconds = 0.0
            for r in rows:
                t = time.perf_counter()
                out = answer(r.input_text)  # type: ignore[operator]
                seconds += time.perf_counter() - t
                label, esc, flag = out
                right += label == r.target
                escalated += esc
                flagged += flag
            n = len(rows)
            print(f"| {name} | {n} | {right / n:.1%} | {escalated / n:.1%} | {flagged / n:.1%} | "
                  f"{seconds / n * 1000:.0f} |", flush=True)

        print(f"threshold {args.threshold} (expected accuracy of the calibrated small model)")
        print("| mode | n | accuracy | escalated | flagged for review | mean latency ms |")
        print("|---|---|---|---|---|---|")
        for _ in range(1):  # warm both models before timing
            classify_text(ws, small.id, rows[0].input_text, task_id=task_id)
            classify_text(ws, large.id, rows[0].input_text, task_id=task_id)
        measure("small only", lambda text: (lambda a: (a.label, 0, a.flagged))(
            classify_text(ws, small.id, text, threshold=args.threshold, task_id=task_id)))
        measure("large only", lambda text: (lambda a: (a.label, 0, a.flagged))(
            classify_text(ws, large.id, text, threshold=args.threshold, task_id=task_id)))
        set_fallback(ws, large.path)
        unload_all()
        cascade_classify(ws, small.id, rows[0].input_text, task_id, args.threshold)  # load both
        measure("cascade", lambda text: (lambda a: (a.output, int(a.escalated), int(a.flagged)))(
            cascade_classify(ws, small.id, text, task_id, args.threshold)))
        unload_fallback()
        unload_all()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
