"""Extraction confidence read in two contexts, per answer, over several training seeds.

    .venv/bin/airlock demo --quick --workspace /tmp/demoq --quiet
    .venv/bin/python bench/confidence_contexts.py /tmp/demoq --steps 16 --seeds 42,1,2

For each seed, trains a partial model (``--steps`` steps, the demo run's other settings) on a copy of
the workspace, exports it to Q8_0 and answers the test split in extraction mode. Each answer's
confidence is read two ways: at the answer's own tokens, as the product does now ("new"), and by
re-scoring the labels after a canonical ``{"category":`` ("old", the product before 2026-12-06). It
prints the AUROC of each against right/wrong, how often the canonical context would have picked the
label the model wrote, and the accuracy when the two agree and when they do not. A diagnostic of what
the confidence measures, not a timing: it runs training, so expect a few minutes per seed.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import offline  # noqa: E402

offline.install_guard()

from sqlalchemy import select  # noqa: E402

from engine.console.models import pick_model, unload_all, using  # noqa: E402
from engine.console.quality import enum_schema  # noqa: E402
from engine.evaluation.metrics import auroc  # noqa: E402
from engine.inference.extract import Extractor  # noqa: E402
from engine.models.export import export_run  # noqa: E402
from engine.store.models import DatasetItem  # noqa: E402
from engine.tasks.prompt import PromptWithShots  # noqa: E402
from engine.training.config import TrainingConfig  # noqa: E402
from engine.workspace import Workspace  # noqa: E402


def answer_rows(ws: Workspace, artifact_id: int, task: Any,
                items: list[tuple[str, Any]]) -> list[tuple[float, float, bool, bool]]:
    """(new confidence, old confidence, right, canonical pick agrees) for every test item."""
    model = pick_model(ws, artifact_id)
    fmt = PromptWithShots.of(model.prompt_format(task), [])
    labels = list(task.labels)
    rows = []
    with using(ws, model.path) as loaded:
        extractor = Extractor(loaded, fmt, enum_schema("category", labels), max_tokens=32)
        opening = loaded.tokenize('{"category":', add_bos=False)
        candidates = [loaded.tokenize(" " + json.dumps(label), add_bos=False) for label in labels]
        for text, target in items:
            answer = extractor.extract(text)
            got = answer.value.get("category")
            logps = loaded.score(loaded.tokenize(fmt.prompt(text), add_bos=True) + opening, candidates)
            top = max(logps)
            weights = [math.exp(lp - top) for lp in logps]
            old = weights[labels.index(got)] / sum(weights) if got in labels else 0.0
            rows.append((answer.confidence, old, got == target, got == labels[logps.index(top)]))
    unload_all()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspace", type=Path, help="a workspace with a finished demo run (airlock demo --quick)")
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--seeds", default="42,1,2")
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="airlock-confidence-"))
    shutil.copytree(args.workspace, scratch / "ws")
    try:
        with Workspace.open(scratch / "ws") as ws:
            tuned = [a for a in ws.models.artifacts() if a.kind == "gguf" and a.run_id is not None][-1]
            demo_run = ws.training.get(tuned.run_id)
            version = ws.datasets.get(demo_run.dataset_version_id)
            task = ws.tasks.get(version.task_id)
            with ws.reader() as s:
                items = [(i.input_text, i.target) for i in s.scalars(select(DatasetItem).where(
                    DatasetItem.version_id == version.id, DatasetItem.split == "test").order_by(DatasetItem.id))]
            print("| seed | wrong | AUROC new | AUROC old | canonical pick agrees | right when agree "
                  "| right when not |")
            print("|---|---|---|---|---|---|---|")
            for seed in (int(s) for s in args.seeds.split(",")):
                config = replace(TrainingConfig.from_dict(demo_run.config), max_steps=args.steps,
                                 checkpoint_every=0, seed=seed)
                run = ws.training.train(version.id, tuned.base_model_id or 0, config)
                artifact = export_run(ws, run.id, ("Q8_0",))[0]
                rows = answer_rows(ws, artifact.id, task, items)
                right = [r[2] for r in rows]
                agree = [r[3] for r in rows]
                n_agree = sum(agree)
                print(f"| {seed} | {right.count(False)}/{len(rows)} | {auroc([r[0] for r in rows], right):.3f} "
                      f"| {auroc([r[1] for r in rows], right):.3f} | {n_agree}/{len(rows)} "
                      f"| {sum(r for r, a in zip(right, agree, strict=True) if a)}/{n_agree} "
                      f"| {sum(r for r, a in zip(right, agree, strict=True) if not a)}/{len(rows) - n_agree} |",
                      flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
