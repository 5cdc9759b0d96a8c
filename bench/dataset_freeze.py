"""Freezing 100,000 examples: seconds, peak memory, and the same work done bare.

    .venv/bin/python bench/dataset_freeze.py [--examples 100000] [--seed 1] [--repeat 2]

Builds a workspace with a 4-label classification task and N synthetic examples (20-60 words
from a 5,000-word vocabulary, one keyword per label; 2% exact duplicates, 3% near-duplicates
with one word changed, 1% golden, 0.5% OOD, 1% double-labelled with 10% disagreement). Each
measurement runs in a fresh process on a fresh copy of that workspace: ``ws.datasets.freeze``
(validation, dedupe, near-duplicates, stratified split, leakage, token lengths with the demo
tokenizer, storing the items), then the bare freezer of ``freeze_bare.py`` (the same work over
sqlite3, numpy and ``tokenizers`` directly), alternating ``--repeat`` times; the best of each is
compared. The bench checks that both produced the same splits, rejections, near-duplicates,
token lengths and version hash. A last freeze runs with tracemalloc on for the Python-heap peak.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = 7  # the split seed of every freeze
LABELS = ("electrical", "mechanical", "hydraulic", "software")


def synthetic(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(5000)]
    rows: list[tuple[str, str]] = []
    while len(rows) < n:
        r = rng.random()
        if rows and r < 0.02:
            rows.append(rows[rng.randrange(len(rows))])
            continue
        if rows and r < 0.05:
            text, label = rows[rng.randrange(len(rows))]
            words = text.split()
            words[rng.randrange(len(words))] = rng.choice(vocab)
            rows.append((" ".join(words), label))
            continue
        label = LABELS[min(3, int(rng.random() ** 1.5 * 4))]
        words = [rng.choice(vocab) for _ in range(rng.randint(20, 60))]
        words.insert(rng.randrange(len(words)), label)
        rows.append((" ".join(words), label))
    return rows


def setup(root: Path, n: int, seed: int) -> int:
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import insert

    from engine.clock import now
    from engine.store.models import Example, Label
    from engine.workspace import Workspace

    ws = Workspace.create(root)
    task = ws.tasks.create("bench", "classification", {"labels": [{"name": x, "description": x} for x in LABELS]},
                           "Classify the report.", "Report:\n{input}\nCategory:")
    ws.models.ensure_demo_model()
    rows = synthetic(n, seed)
    rng = random.Random(seed + 1)
    stamp = now()
    with ws.unit() as s:
        s.execute(insert(Example), [{"id": i + 1, "task_id": task.id, "origin": "import", "input_text": t,
                                     "is_golden": rng.random() < 0.01, "is_ood": rng.random() < 0.005,
                                     "flagged": False, "created_at": stamp} for i, (t, _l) in enumerate(rows)])
        labels = [{"example_id": i + 1, "annotator": "anna", "value": lab, "created_at": stamp}
                  for i, (_t, lab) in enumerate(rows)]
        labels += [{"example_id": i + 1, "annotator": "ben", "created_at": stamp,
                    "value": lab if rng.random() < 0.9 else rng.choice(LABELS)}
                   for i, (_t, lab) in enumerate(rows) if i % 100 == 0]
        s.execute(insert(Label), labels)
    ws.close()
    return int(task.id)


def freeze_child(root: Path, task_id: int, trace: bool) -> None:
    sys.path.insert(0, str(ROOT))
    import tracemalloc

    from engine.datasets.freeze import SplitPlan
    from engine.workspace import Workspace

    ws = Workspace.open(root)
    if trace:
        tracemalloc.start()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    stages: list[tuple[float, str]] = []
    from engine.jobs import JobContext
    from engine.signatures import Signature

    t0 = time.perf_counter()
    ctx = JobContext(progress=lambda f, msg: stages.append((time.perf_counter() - t0, msg)))
    version = ws.datasets.freeze(task_id, "bench", SplitPlan(seed=SEED), ctx,
                                 signature=Signature("approved", "bench run"))
    wall = time.perf_counter() - t0
    peak_heap = tracemalloc.get_traced_memory()[1] if trace else None
    print(json.dumps({"wall_s": wall, "rss_before_mib": rss_before / 1024,
                      "rss_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "heap_peak_mib": peak_heap / 2**20 if peak_heap else None,
                      "stages": stages, "splits": version.stats["splits"], "rejected": version.rejections,
                      "near_duplicates": version.stats["near_duplicates"]["count"],
                      "leakage_prevented": version.stats["leakage"]["prevented"],
                      "tokens": version.stats["token_lengths"], "content_hash": version.content_hash}))
    ws.close()


def tokenizer_file(root: Path) -> str:
    """The demo model's tokenizer.json, built now (outside any timing) if it is not cached yet."""
    sys.path.insert(0, str(ROOT))
    from engine.datasets.tokens import load_tokenizer
    from engine.paths import cache_dir
    from engine.workspace import Workspace

    ws = Workspace.open(root)
    base = ws.models.bases()[0]
    ws.close()
    load_tokenizer(str(base.path), base.sha256)
    for folder in ("tokenizers", "base-models"):
        found = cache_dir() / folder / base.sha256[:24] / "tokenizer.json"
        if found.is_file():
            return str(found)
    return str(Path(base.path) / "tokenizer.json")


def child(pristine: Path, scratch: Path, args: list[str]) -> dict[str, Any]:
    """Run this script with ``args`` in a fresh process on a fresh copy of the workspace."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(pristine, scratch)
    out = subprocess.run([sys.executable, __file__, *args, str(scratch)], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def same_outcome(freeze: dict[str, Any], bare: dict[str, Any]) -> None:
    """The bare freezer must do the freeze's work: same splits, rejections, near twins, tokens, hash."""
    got = {"splits": bare["splits"], "rejected": bare["rejected"], "near_duplicates": bare["near_duplicates"],
           "leakage_prevented": bare["leakage_prevented"], "tokens": bare["tokens"],
           "content_hash": bare["content_hash"]}
    want = {"splits": freeze["splits"], "rejected": freeze["rejected"], "near_duplicates": freeze["near_duplicates"],
            "leakage_prevented": freeze["leakage_prevented"],
            "tokens": {k: freeze["tokens"][k] for k in ("p50", "p95", "max")}, "content_hash": freeze["content_hash"]}
    assert got == want, f"the bare freezer did different work:\n  freeze {want}\n  bare   {got}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="freeze and bare runs, alternating; best counts")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--bare", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--task", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("root", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        freeze_child(Path(args.root), args.task, args.trace)
        return
    if args.bare:
        from freeze_bare import bare_freeze

        print(json.dumps(bare_freeze(Path(args.root) / "airlock.db", args.task, args.bare, SEED)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        pristine = Path(tmp) / "ws"
        t0 = time.perf_counter()
        task_id = setup(pristine, args.examples, args.seed)
        tokenizer = tokenizer_file(pristine)
        print(f"setup: {args.examples:,} examples in {time.perf_counter() - t0:.1f} s", flush=True)
        runs: list[dict[str, Any]] = []
        bares: list[dict[str, Any]] = []
        for _ in range(args.repeat):
            runs.append(child(pristine, Path(tmp) / "run", ["--child", "1", "--task", str(task_id)]))
            bares.append(child(pristine, Path(tmp) / "run", ["--bare", tokenizer, "--task", str(task_id)]))
            same_outcome(runs[-1], bares[-1])
            print(f"  freeze {runs[-1]['wall_s']:.1f} s, bare {bares[-1]['wall_s']:.1f} s "
                  f"(load average {os.getloadavg()[0]:.1f})", flush=True)
        traced = child(pristine, Path(tmp) / "run", ["--child", "1", "--trace", "--task", str(task_id)])
    plain = min(runs, key=lambda r: float(r["wall_s"]))
    bare = min(bares, key=lambda r: float(r["wall_s"]))
    stages = plain["stages"]
    print(f"freeze: {plain['wall_s']:.1f} s wall (best of {len(runs)}), peak RSS {plain['rss_peak_mib']:.0f} MiB "
          f"(workspace open: {plain['rss_before_mib']:.0f} MiB), Python heap peak "
          f"{traced['heap_peak_mib']:.0f} MiB (tracemalloc run: {traced['wall_s']:.1f} s)")
    for (t, msg), nxt in zip(stages, [*stages[1:], (plain["wall_s"], "end")], strict=True):
        print(f"  {msg:<45} {nxt[0] - t:6.2f} s")
    print(f"splits {plain['splits']}, rejected {plain['rejected']:,}, near-duplicates flagged "
          f"{plain['near_duplicates']:,}, near twins of golden/OOD left out {plain['leakage_prevented']:,}, "
          f"version hash {plain['content_hash'][:12]}")
    print(f"tokens: {plain['tokens']}")
    print("  bare: " + ", ".join(f"{name} {t:.2f} s" for name, t in bare["stages"].items()))
    print(f"bare (the same work over sqlite3/numpy/tokenizers, same outcome and version hash): "
          f"{bare['wall_s']:.2f} s (best of {len(bares)}); ratio {plain['wall_s'] / bare['wall_s']:.2f}x")


if __name__ == "__main__":
    main()
