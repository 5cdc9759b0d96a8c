"""Evaluation throughput against a bare llama-cpp-python loop, and opening the review list on 10,000 predictions.

    .venv/bin/python bench/evaluation_throughput.py [--rounds 2] [--predictions 10000] [--part both|throughput|review]

Throughput: the demo model (SmolLM2-135M GGUF) classifies the test split of the demo fault
reports zero-shot. "airlock" is a full evaluation run (``ws.evaluation.run``: model checks,
every label scored, predictions and metrics stored in SQLite). "bare" is the same work
written directly against llama-cpp-python: the same prompts and label continuations, one
``Llama`` with logits for every position, reset before each prompt, log-softmax over each
label's tokens. Examples per second; rounds alternate and the median is reported.

Review list: a workspace holding two runs of N predictions each; the time for the engine to
list one run's errors beside the other run's answers, and for the Evaluation page (offscreen
Qt) to show the run: comparison with paired bootstrap (1,000 resamples), plots, review list.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _log_softmax(row: Any, index: int) -> float:
    import numpy as np

    r = np.asarray(row, dtype=np.float64)
    top = float(r.max())
    return float(r[index] - top - math.log(float(np.exp(r - top).sum())))


def bare_loop(model_path: Path, prompts: list[str], candidates: list[str]) -> float:
    """Examples per second for a plain llama-cpp-python scoring loop."""
    from engine.inference.native import load_cpu_backend
    from engine.inference.native_model import use_extra_buffer_types
    from engine.inference.selftest import config_to_use

    cfg = config_to_use()  # the CPU variant, repacking and threads the inference process uses
    load_cpu_backend(cfg.variant)  # before llama_cpp is imported: it loads the backends it finds
    use_extra_buffer_types(cfg.extra_bufts)
    from llama_cpp import Llama

    llm = Llama(model_path=str(model_path), n_ctx=2048, n_threads=cfg.threads, n_threads_batch=cfg.threads,
                logits_all=True, verbose=False, seed=0)
    cands = [list(llm.tokenize(c.encode(), add_bos=False, special=True)) for c in candidates]
    start = time.perf_counter()
    for prompt in prompts:
        tokens = list(llm.tokenize(prompt.encode(), add_bos=True, special=True))
        n = len(tokens)
        llm.reset()
        llm.eval(tokens)
        first = llm.scores[n - 1].copy()
        scores = []
        for cand in cands:
            total = _log_softmax(first, cand[0])
            if len(cand) > 1:
                llm.n_tokens = n
                llm.eval(cand)
                total += sum(_log_softmax(llm.scores[n + i - 1], cand[i]) for i in range(1, len(cand)))
            scores.append(total)
        max(range(len(scores)), key=scores.__getitem__)
    elapsed = time.perf_counter() - start
    llm.close()
    return len(prompts) / elapsed


def throughput(rounds: int) -> dict[str, Any]:
    from training_overhead import build_workspace

    from engine.tasks.prompt import PromptFormat

    with tempfile.TemporaryDirectory() as tmp:
        ws, version_id, base_id = build_workspace(Path(tmp) / "ws")
        assert hasattr(ws, "evaluation")
        base = ws.models.base(base_id)
        task = ws.tasks.get(ws.datasets.get(version_id).task_id)
        rows = ws.datasets.rows(version_id, "test")
        fmt = PromptFormat(task.system_prompt, task.user_template, base.chat_template or "")
        prompts = [fmt.prompt(r.input_text) for r in rows]
        candidates = [fmt.completion(label) for label in task.labels]
        ours, bare = [], []
        for _ in range(rounds):
            start = time.perf_counter()
            info = ws.evaluation.run(ws.evaluation.model("base", version_id), version_id, "test")
            ours.append(len(rows) / (time.perf_counter() - start))
            bare.append(bare_loop(base.path, prompts, candidates))
            print(f"  round {len(ours)}: airlock {ours[-1]:.2f}, bare {bare[-1]:.2f} examples/s", flush=True)
        ws.close()
    return {"examples": len(rows), "airlock": statistics.median(ours), "bare": statistics.median(bare),
            "accuracy": info.metrics["accuracy"]}


def seed_predictions(ws: Any, n: int) -> tuple[int, int]:
    """A version with n test items and two finished runs that answer them (bulk inserts)."""
    import json

    from sqlalchemy import insert, select

    from engine.clock import now
    from engine.evaluation.scoring import run_metrics
    from engine.store.models import DatasetItem, DatasetVersion, EvaluationRun, Example, Prediction, Task

    labels = ["electrical", "mechanical", "hydraulic", "software"]
    with ws.unit() as s:
        task = Task(name="bench", kind="classification", spec=json.dumps({"labels": [{"name": x} for x in labels]}),
                    system_prompt="s", user_template="{input}", created_at=now())
        s.add(task)
        s.flush()
        version = DatasetVersion(task_id=task.id, name="bench", seed=0, content_hash="0" * 64, stats="{}",
                                 created_by="bench", created_at=now())
        s.add(version)
        s.flush()
        s.execute(insert(Example), [{"task_id": task.id, "origin": "import", "input_text": f"report {i} " * 20,
                                     "created_at": now()} for i in range(n)])
        ex_ids = list(s.scalars(select(Example.id).order_by(Example.id)))
        s.execute(insert(DatasetItem), [{"version_id": version.id, "example_id": e, "split": "test",
                                         "input_text": f"report {i} " * 20, "target": labels[i % 4],
                                         "content_hash": str(i)} for i, e in enumerate(ex_ids)])
        items = list(s.execute(select(DatasetItem.id, DatasetItem.target).order_by(DatasetItem.id)))
        run_ids = []
        for wrong_every in (3, 7):
            refs = [t for _, t in items]
            outs = [labels[(i + 1) % 4] if i % wrong_every == 0 else t for i, t in enumerate(refs)]
            scored = run_metrics("classification", {}, labels, refs, outs, [0.9] * n, [50.0] * n, [40] * n)
            run = EvaluationRun(model_label=f"model wrong every {wrong_every}", model_path="x", model_sha256="0" * 64,
                                dataset_version_id=version.id, split="test", prompt_mode="zero-shot",
                                status="succeeded", metrics=json.dumps(scored.metrics), created_by="bench",
                                started_at=now(), finished_at=now())
            s.add(run)
            s.flush()
            s.execute(insert(Prediction), [
                {"evaluation_run_id": run.id, "dataset_item_id": item_id, "output": o, "reference": r,
                 "correct": ok, "score": sc, "confidence": 0.9, "latency_ms": 50.0, "tokens": 40}
                for (item_id, r), o, ok, sc in zip(items, outs, scored.correct, scored.scores, strict=True)])
            run_ids.append(run.id)
    return run_ids[0], run_ids[1]


def bare_review_query(db: Path, run_a: int, run_b: int) -> float:
    """The same join in plain sqlite3 (every prediction of A with B's answer beside it), rows as tuples."""
    import sqlite3

    con = sqlite3.connect(db)
    start = time.perf_counter()
    con.execute("SELECT p.id, p.dataset_item_id, i.example_id, i.input_text, p.reference, p.output, p.correct, "
                "p.score, p.confidence, p.latency_ms, p.review, p.review_note, o.output, o.correct "
                "FROM predictions p JOIN dataset_items i ON i.id = p.dataset_item_id "
                "LEFT JOIN predictions o ON o.dataset_item_id = p.dataset_item_id AND o.evaluation_run_id = ? "
                "WHERE p.evaluation_run_id = ? ORDER BY p.dataset_item_id", (run_b, run_a)).fetchall()
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def review_list(n: int) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from engine.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.create(Path(tmp) / "ws")
        a, b = seed_predictions(ws, n)
        start = time.perf_counter()
        errors = ws.evaluation.predictions(a, errors_only=True, other_run_id=b)
        engine_s = time.perf_counter() - start
        all_times, bare_times = [], []
        for _ in range(5):  # alternated, best of 5 each: the same warm caches for both
            start = time.perf_counter()
            everything = ws.evaluation.predictions(a, other_run_id=b)
            all_times.append(time.perf_counter() - start)
            bare_times.append(bare_review_query(ws.root / "airlock.db", a, b))
        all_s, bare_s = min(all_times), min(bare_times)

        from desktop.evaluation.page import EvaluationPage
        from desktop.jobs import JobRunner
        from desktop.qt import QApplication

        app = QApplication.instance() or QApplication([])
        runner = JobRunner()
        page = EvaluationPage(runner)

        def settle() -> None:  # the comparison with its bootstrap runs as a job: wait for it to be shown
            app.processEvents()
            while runner.running():
                time.sleep(0.005)
                app.processEvents()
            app.processEvents()
        page.resize(1280, 800)
        page.review.filter.setCurrentIndex(0)  # all examples: the biggest list
        start = time.perf_counter()
        page.set_workspace(ws)  # shows the newest run: comparison, plots, review list beside the other run
        page.show()
        settle()
        page_s = time.perf_counter() - start
        start = time.perf_counter()
        page.refresh()  # again, with numpy and the queries' code already loaded
        settle()
        again_s = time.perf_counter() - start
        shown = page.review.examples.row_count()
        page.close()
        runner.shutdown(10)
        ws.close()
    return {"predictions": n, "errors": len(errors), "engine_errors_s": engine_s, "engine_all_s": all_s,
            "bare_all_s": bare_s,
            "page_s": page_s, "again_s": again_s, "shown": shown, "all": len(everything)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--predictions", type=int, default=10_000)
    parser.add_argument("--part", choices=("both", "throughput", "review"), default="both")
    args = parser.parse_args()
    if args.part in ("both", "throughput"):
        t = throughput(args.rounds)
        print(f"throughput on {t['examples']} test examples (demo model, zero-shot, accuracy {t['accuracy']:.2f}):")
        print(f"  airlock evaluation  {t['airlock']:.2f} examples/s")
        print(f"  bare llama-cpp loop {t['bare']:.2f} examples/s")
        print(f"  ratio airlock/bare  {t['airlock'] / t['bare']:.2f}")
    if args.part == "throughput":
        return 0
    r = review_list(args.predictions)
    print(f"review list on {r['predictions']:,} predictions per run (two runs):")
    print(f"  engine: errors beside the other run  {r['engine_errors_s'] * 1000:.0f} ms ({r['errors']:,} rows)")
    print(f"  engine: every prediction             {r['engine_all_s'] * 1000:.0f} ms ({r['all']:,} rows)")
    print(f"  bare sqlite3: the same join          {r['bare_all_s'] * 1000:.0f} ms "
          f"(ratio {r['engine_all_s'] / r['bare_all_s']:.2f}x, best of 5 each)")
    print(f"  Evaluation page shows the run         {r['page_s'] * 1000:.0f} ms ({r['shown']:,} rows listed, "
          f"comparison with bootstrap, plots)")
    print(f"  ... and again (warm)                  {r['again_s'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
