"""Seconds per training step through Airlock against a bare TRL + PEFT script, same run.

    .venv/bin/python bench/training_overhead.py [--steps 12] [--rounds 2]

Both train the demo model (SmolLM2-135M, dequantized from its GGUF) with LoRA r=16 on all
seven projections, batch 4, on the same prompt/completion texts (PII-free fault reports
rendered with the model's chat template), fp32 on the CPU. "bare" is SFTTrainer with no
callbacks in this process; "airlock" is a full run: worker process, progress lines, metrics
in SQLite. Steps 1-2 are warm-up and not counted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_workspace(root: Path) -> tuple[object, int, int]:
    sys.path.insert(0, str(ROOT))
    from engine.clock import now
    from engine.datasets.freeze import SplitPlan
    from engine.demo import CORPUS, TASK_FILE
    from engine.store.models import Document
    from engine.workspace import Workspace

    ws = Workspace.create(root)
    with ws.unit() as s:
        for line in CORPUS.read_text().splitlines():
            row = json.loads(line)
            text = row["text"].split(". ")[0] + "."
            s.add(Document(source_name=row["id"], format="jsonl", size_bytes=len(text), sha256=row["id"],
                           original_text=None, redacted_text=text, status="cleared", source_label=row["label"],
                           imported_by="bench", imported_at=now()))
    spec = json.loads(TASK_FILE.read_text())
    task = ws.tasks.create(spec["name"], "classification", {"labels": spec["labels"]}, spec["system_prompt"],
                           spec["user_template"])
    ws.tasks.examples_from_documents(task.id, ws.documents.ids(), label_from_source=True)
    version = ws.datasets.freeze(task.id, "bench", SplitPlan(seed=1, eval_fraction=0.0, test_fraction=0.2))
    base = ws.models.ensure_demo_model()
    return ws, version.id, base.id


def bare_trl(spec_path: Path, steps: int) -> list[float]:
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import TrainerCallback
    from trl import SFTConfig, SFTTrainer

    from engine.training.backends.trl_peft import load_base
    from engine.training.spec import TrainingSpec

    spec = TrainingSpec.read(spec_path)
    tokenizer, model = load_base(Path(spec.base_model_path), sha256=spec.base_model_sha256)
    data = Dataset.from_list([{"prompt": r.prompt, "completion": r.completion} for r in spec.train])
    times: list[float] = []

    class Clock(TrainerCallback):
        """Time between consecutive step ends, as Airlock's progress lines are read."""

        def on_train_begin(self, *a: object, **k: object) -> None:
            self.t = time.perf_counter()

        def on_step_end(self, *a: object, **k: object) -> None:
            now = time.perf_counter()
            times.append(now - self.t)
            self.t = now

    with tempfile.TemporaryDirectory() as out:
        args = SFTConfig(output_dir=out, per_device_train_batch_size=4, learning_rate=5e-4, max_steps=steps,
                         logging_steps=1, save_strategy="no", seed=42, data_seed=42, max_length=256,
                         completion_only_loss=True, gradient_checkpointing=False, bf16=False, fp16=False,
                         report_to=[], use_cpu=True,
                         dataloader_num_workers=0, disable_tqdm=True)
        lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, task_type="CAUSAL_LM",
                          target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                                          "down_proj"])
        SFTTrainer(model=model, args=args, train_dataset=data, processing_class=tokenizer, peft_config=lora,
                   callbacks=[Clock()]).train()
    return times


def airlock_steps(run_dir: Path) -> list[float]:
    events = [json.loads(x) for x in (run_dir / "progress.jsonl").read_text().splitlines()]
    stamps = [e["t"] for e in events if e["type"] == "step"]
    begin = next(e["t"] for e in events if e["type"] == "begin")
    return [b - a for a, b in zip([begin, *stamps], stamps, strict=False)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2, help="bare/airlock pairs, alternating")
    args = parser.parse_args()
    from engine import offline

    offline.install_guard()
    from engine.training.config import TrainingConfig

    with tempfile.TemporaryDirectory() as tmp:
        ws, version_id, base_id = build_workspace(Path(tmp) / "ws")
        config = TrainingConfig(max_steps=args.steps, batch_size=4, learning_rate=5e-4, seed=42,
                                checkpoint_every=args.steps)
        ours: list[float] = []
        bare: list[float] = []
        for i in range(args.rounds):  # alternate, so drift on a shared machine hits both sides
            run = ws.training.create(version_id, base_id, config)  # type: ignore[attr-defined]
            b_round = bare_trl(run.run_dir / "spec.json", args.steps)[2:]
            ws.training.start(run.id)  # type: ignore[attr-defined]
            ws.training.wait(run.id)  # type: ignore[attr-defined]
            o_round = airlock_steps(run.run_dir)[2:]
            print(f"round {i + 1}: airlock {statistics.median(o_round):.2f} s/step, bare "
                  f"{statistics.median(b_round):.2f} s/step (medians)", flush=True)
            ours += o_round
            bare += b_round
        ws.close()  # type: ignore[attr-defined]
    o, b = statistics.mean(ours), statistics.mean(bare)
    print(f"steps counted: {len(ours)} (airlock) / {len(bare)} (bare), batch 4, 2 CPU threads")
    print(f"airlock: {o:.2f} s/step (median {statistics.median(ours):.2f})")
    print(f"bare TRL+PEFT: {b:.2f} s/step (median {statistics.median(bare):.2f})")
    print(f"ratio airlock / bare: mean {o / b:.3f}, median {statistics.median(ours) / statistics.median(bare):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
