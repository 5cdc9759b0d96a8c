"""Confidence quality: does the confidence separate right from wrong answers? AUROC on the demo
task's test split, in classification and in extraction mode (schema {"category": enum of labels}).

    .venv/bin/airlock demo --workspace /tmp/demo --quiet
    .venv/bin/python bench/confidence_quality.py --trained /tmp/demo [--seeds 3] [--partial-steps 4,8]

Models, all on the same test split of the trained workspace's dataset version:
- the fine-tuned GGUF (what operators use; on the demo it answers nearly everything right, so its
  AUROC is often undefined);
- models part-way through training (``--partial-steps``): the demo's own training settings
  stopped after N steps, exported to Q8_0 in the copy; they still make mistakes on the task;
- the untuned base model with 4 examples from the train split in its prompt (one per label, as
  the evaluation picks them), once per seed: it answers wrong often enough to measure;
- the untuned base model zero-shot: at chance accuracy, shown for completeness.
The workspace is copied first (the base GGUF is registered in the copy as an artifact).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trained", type=Path, required=True, help="a workspace after `airlock demo`")
    ap.add_argument("--seeds", type=int, default=3, help="few-shot prompts to try (one seed each)")
    ap.add_argument("--partial-steps", default="", help="comma-separated step counts of short runs to add")
    args = ap.parse_args()

    from engine import offline
    from engine.console.models import unload_all
    from engine.console.quality import confidence_quality
    from engine.models.export import export_run
    from engine.paths import demo_model_path
    from engine.training.config import TrainingConfig
    from engine.workspace import Workspace

    offline.install_guard()
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(args.trained, tmp / "ws")
    with Workspace.open(tmp / "ws") as ws:
        tuned = [a for a in ws.models.artifacts() if a.kind == "gguf" and a.run_id is not None][-1]
        assert tuned.run_id is not None
        version_id = ws.training.get(tuned.run_id).dataset_version_id
        model = demo_model_path()
        assert model is not None
        shutil.copyfile(model, tmp / "base.gguf")
        base = ws.models.add_artifact("base", "gguf", tmp / "base.gguf", "Q4_1", None, tuned.base_model_id,
                                      "bench copy")
        plan = [(f"fine-tuned {tuned.name}", tuned.id, 0, 0)]
        for steps in [int(n) for n in args.partial_steps.split(",") if n]:
            config = replace(TrainingConfig.from_dict(ws.training.get(tuned.run_id).config), max_steps=steps,
                             checkpoint_every=0)
            run = ws.training.train(version_id, tuned.base_model_id or 0, config)
            assert run.status == "succeeded", run.error
            art = export_run(ws, run.id, ("Q8_0",))[0]
            plan.append((f"fine-tuned, stopped after {steps} steps", art.id, 0, 0))
        plan += [(f"base 4-shot seed {seed}", base.id, 4, seed) for seed in range(args.seeds)]
        plan += [("base zero-shot", base.id, 0, 0)]
        print(f"dataset version {version_id}, test split")
        print("| model | mode | n | wrong | accuracy | AUROC | mean conf right | mean conf wrong | answers/min |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, art_id, shots, seed in plan:
            for q in confidence_quality(ws, art_id, version_id, "test", shots=shots, seed=seed):
                au = "–" if q.auroc is None else f"{q.auroc:.3f}"
                right = "–" if q.mean_right is None else f"{q.mean_right:.3f}"
                wrong = "–" if q.mean_wrong is None else f"{q.mean_wrong:.3f}"
                print(f"| {name} | {q.mode} | {q.n} | {q.wrong} | {q.accuracy:.1%} | {au} | {right} | {wrong} | "
                      f"{q.answers_per_minute:.0f} |", flush=True)
        unload_all()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
