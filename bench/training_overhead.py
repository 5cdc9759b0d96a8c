"""Seconds per training step through Airlock against a bare TRL + PEFT script, same run.

    .venv/bin/python bench/training_overhead.py [--steps 12] [--rounds 2]

Both train the demo model (SmolLM2-135M, dequantized from its GGUF) with LoRA r=16 on all
seven projections, batch 4, on the same prompt/completion texts (PII-free fault reports
rendered with the model's chat template), fp32 on the CPU. "bare" is SFTTrainer with a
timing callback only, in a child process of its own at the same CPU priority as Airlock's
worker; "airlock" is a full run: worker process, progress lines, metrics in SQLite, this
process polling it as the GUI's job does. Steps 1-2 are warm-up and not counted. Rounds
alternate bare / airlock so that drift on a shared machine hits both; each round gives a ratio.
Airlock's worker also counts the time its own reporting takes ("bookkeeping"), which does not
depend on how noisy the machine is.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
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
    from engine.signatures import Signature
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
    version = ws.datasets.freeze(task.id, "bench", SplitPlan(seed=1, eval_fraction=0.0, test_fraction=0.2),
                                 signature=Signature("reviewed", "benchmark data (the demo corpus)"))
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


def bare_in_child(spec_path: Path, steps: int) -> list[float]:
    """The bare script in a fresh process at the worker's CPU priority, like Airlock's worker."""
    from engine.training.worker import yield_cpu_to_the_desktop

    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([sys.executable, __file__, "--bare-child", str(spec_path), str(steps), out.name],
                       check=True, preexec_fn=yield_cpu_to_the_desktop, env={**os.environ, "PYTHONPATH": str(ROOT)},
                       stdout=subprocess.DEVNULL)  # the trainer's own log lines; errors still show
        return [float(x) for x in json.loads(Path(out.name).read_text())]


def airlock_steps(run_dir: Path) -> tuple[list[float], float]:
    """Time between step ends, and the reporting time the worker counted over those steps."""
    from engine.training.events import Begin, Done, Step, read_events

    events, _ = read_events(run_dir)
    steps = [e for e in events if isinstance(e, Step)]
    stamps = [float(e.t or 0.0) for e in steps]
    begin = next(float(e.t or 0.0) for e in events if isinstance(e, Begin))
    done = next(e for e in events if isinstance(e, Done))
    counted = done.bookkeeping_s - steps[2].bookkeeping_s  # from the end of step 3 on, as timed
    return [b - a for a, b in zip([begin, *stamps], stamps, strict=False)], counted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2, help="bare/airlock pairs, alternating")
    parser.add_argument("--bare-child", nargs=3, metavar=("SPEC", "STEPS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_child:
        spec, steps, out = args.bare_child
        Path(out).write_text(json.dumps(bare_trl(Path(spec), int(steps))))
        return 0
    from engine import offline

    offline.install_guard()
    from engine.training.config import TrainingConfig

    with tempfile.TemporaryDirectory() as tmp:
        ws, version_id, base_id = build_workspace(Path(tmp) / "ws")
        config = TrainingConfig(max_steps=args.steps, batch_size=4, learning_rate=5e-4, seed=42,
                                checkpoint_every=args.steps)
        ours: list[float] = []
        bare: list[float] = []
        ratios: list[float] = []
        bookkeeping = 0.0
        for i in range(args.rounds):  # alternate, so drift on a shared machine hits both sides
            run = ws.training.create(version_id, base_id, config)  # type: ignore[attr-defined]
            b_round = bare_in_child(run.run_dir / "spec.json", args.steps)[2:]
            ws.training.start(run.id)  # type: ignore[attr-defined]
            ws.training.wait(run.id)  # type: ignore[attr-defined]
            o_round, counted = airlock_steps(run.run_dir)
            o_round = o_round[2:]
            ratios.append(statistics.mean(o_round) / statistics.mean(b_round))
            bookkeeping += counted
            print(f"round {i + 1}: airlock {statistics.mean(o_round):.3f} s/step, bare "
                  f"{statistics.mean(b_round):.3f} s/step, ratio {ratios[-1]:.3f}; airlock's own reporting "
                  f"{counted / len(o_round) * 1000:.1f} ms/step", flush=True)
            ours += o_round
            bare += b_round
        ws.close()  # type: ignore[attr-defined]
    o, b = statistics.mean(ours), statistics.mean(bare)
    print(f"steps counted: {len(ours)} (airlock) / {len(bare)} (bare), batch 4, {os.cpu_count()} CPU threads, "
          f"worker priority nice {os.environ.get('AIRLOCK_WORKER_NICE', 10)} on both sides")
    print(f"airlock: {o:.3f} s/step (median {statistics.median(ours):.3f})")
    print(f"bare TRL+PEFT: {b:.3f} s/step (median {statistics.median(bare):.3f})")
    print(f"ratio airlock / bare: pooled mean {o / b:.3f}; per round median {statistics.median(ratios):.3f}, "
          f"range {min(ratios):.3f}-{max(ratios):.3f}")
    print(f"airlock's own reporting: {bookkeeping / len(ours) * 1000:.1f} ms/step = "
          f"{bookkeeping / sum(ours) * 100:.2f}% of its step time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
