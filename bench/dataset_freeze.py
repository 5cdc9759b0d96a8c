"""Freezing 100,000 examples: seconds, peak memory, and where the time goes.

    .venv/bin/python bench/dataset_freeze.py [--examples 100000] [--seed 1]

Builds a workspace with a 4-label classification task and N synthetic examples (20-60 words
from a 5,000-word vocabulary, one keyword per label; 2% exact duplicates, 3% near-duplicates
with one word changed, 1% golden, 0.5% OOD, 1% double-labelled with 10% disagreement), then
freezes it in a fresh process (``ws.datasets.freeze``: validation, dedupe, near-duplicates,
stratified split, leakage, token lengths with the demo tokenizer, storing the items) and reports
wall time and peak RSS. A second fresh process freezes with tracemalloc on for the Python-heap
peak. The "bare floor" is the same data through plain sqlite3 + hashlib + random: read, exact
dedupe, shuffle-split, insert. It is what any freezer must do, without validation,
near-duplicates or token counts; the ratio says what the checks cost on top.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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
    from engine.datasets.service import DatasetService
    from engine.workspace import Workspace

    ws = Workspace.open(root)
    if trace:
        tracemalloc.start()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    stages: list[tuple[float, str]] = []
    from engine.jobs import JobContext

    t0 = time.perf_counter()
    ctx = JobContext(progress=lambda f, msg: stages.append((time.perf_counter() - t0, msg)))
    version = DatasetService(ws).freeze(task_id, f"bench-{trace}", SplitPlan(seed=8 if trace else 7), ctx)
    wall = time.perf_counter() - t0
    peak_heap = tracemalloc.get_traced_memory()[1] if trace else None
    print(json.dumps({"wall_s": wall, "rss_before_mib": rss_before / 1024,
                      "rss_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "heap_peak_mib": peak_heap / 2**20 if peak_heap else None,
                      "stages": stages, "splits": version.stats["splits"], "rejected": version.rejections,
                      "near_duplicates": version.stats["near_duplicates"]["count"],
                      "leakage_prevented": version.stats["leakage"]["prevented"],
                      "tokens": version.stats["token_lengths"]}))
    ws.close()


def bare_floor(root: Path, task_id: int) -> float:
    """Read, exact dedupe, seeded shuffle split, insert: sqlite3, hashlib and random only."""
    t0 = time.perf_counter()
    con = sqlite3.connect(root / "airlock.db")
    rows = con.execute("SELECT e.id, e.input_text, l.value FROM examples e JOIN labels l ON l.example_id = e.id "
                       "WHERE e.task_id = ? AND l.annotator = 'anna' ORDER BY e.id", (task_id,)).fetchall()
    seen: set[str] = set()
    kept = []
    for ex_id, text, label in rows:
        digest = hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            kept.append((ex_id, text, label, digest))
    random.Random(7).shuffle(kept)
    con.execute("CREATE TEMP TABLE items (example_id INT, split TEXT, input_text TEXT, target TEXT, hash TEXT)")
    con.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)",
                    [(e, "test" if i % 5 == 0 else "train", t, lab, d) for i, (e, t, lab, d) in enumerate(kept)])
    con.commit()
    con.close()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--task", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        freeze_child(Path(args.child), args.task, args.trace)
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        t0 = time.perf_counter()
        task_id = setup(root, args.examples, args.seed)
        print(f"setup: {args.examples:,} examples in {time.perf_counter() - t0:.1f} s", flush=True)
        results = []
        for trace in (False, True):
            cmd = [sys.executable, __file__, "--child", str(root), "--task", str(task_id)] + (["--trace"] * trace)
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))
        floor = bare_floor(root, task_id)
    plain, traced = results
    stages = plain["stages"]
    print(f"freeze: {plain['wall_s']:.1f} s wall, peak RSS {plain['rss_peak_mib']:.0f} MiB "
          f"(workspace open: {plain['rss_before_mib']:.0f} MiB), Python heap peak "
          f"{traced['heap_peak_mib']:.0f} MiB (tracemalloc run: {traced['wall_s']:.1f} s)")
    for (t, msg), nxt in zip(stages, [*stages[1:], (plain["wall_s"], "end")], strict=True):
        print(f"  {msg:<45} {nxt[0] - t:6.2f} s")
    print(f"splits {plain['splits']}, rejected {plain['rejected']:,}, near-duplicates flagged "
          f"{plain['near_duplicates']:,}, near twins of golden/OOD left out {plain['leakage_prevented']:,}")
    print(f"tokens: {plain['tokens']}")
    print(f"bare floor (sqlite3 read + exact dedupe + shuffle split + insert): {floor:.2f} s; "
          f"ratio {plain['wall_s'] / floor:.1f}x")


if __name__ == "__main__":
    main()
