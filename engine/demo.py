"""The whole loop on the embedded demo model, headless, with progress.

documents -> PII redaction -> classification dataset -> frozen version ->
LoRA fine-tune (worker process) -> merge, GGUF, quantize -> evaluate the base
model (few-shot) against the fine-tuned GGUF on the held-out split -> table.
Every step goes through the same services the GUI and CLI use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import AirlockError
from engine.jobs import JobContext
from engine.paths import RESOURCES, demo_workspace
from engine.signatures import Signature
from engine.workspace import Workspace

CORPUS = RESOURCES / "demo" / "fault_reports.jsonl"
TASK_FILE = RESOURCES / "demo" / "task.json"
DEMO_SIGNATURE = Signature("reviewed", "demo loop on the bundled synthetic corpus (no real data)")


@dataclass(frozen=True)
class DemoSettings:
    max_steps: int = 0
    epochs: float = 2.0
    learning_rate: float = 1e-3
    quantizations: tuple[str, ...] = ("Q8_0", "Q4_K_M")
    shots: int = 4
    seed: int = 7
    # the demo's freeze is signed like any other (the engine refuses it unsigned); the person who
    # starts the demo signs it with this meaning and reason, recorded under their name
    signature: Signature = DEMO_SIGNATURE

    @classmethod
    def quick(cls) -> DemoSettings:
        """What the test suite runs: fewer steps, one quantization."""
        return cls(max_steps=40, quantizations=("Q8_0",))


@dataclass
class DemoRow:
    model: str
    accuracy: float
    macro_f1: float
    p50_ms: float
    p95_ms: float
    tokens_per_second: float


@dataclass
class DemoResult:
    dataset_hash: str
    run_id: int
    artifacts: list[dict[str, Any]]
    rows: list[DemoRow] = field(default_factory=list)
    test_examples: int = 0

    def table(self) -> str:
        head = f"{'model':<38} | {'accuracy':>8} | {'macro-F1':>8} | {'p50/p95 latency (ms)':>20} | {'tok/s':>7}"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            lat = f"{r.p50_ms:.0f} / {r.p95_ms:.0f}"
            lines.append(f"{r.model:<38} | {r.accuracy:>8.1%} | {r.macro_f1:>8.3f} | {lat:>20} | "
                         f"{r.tokens_per_second:>7.0f}")
        lines.append("")
        lines.append(f"held-out test split: {self.test_examples} examples; dataset version "
                     f"{self.dataset_hash[:16]}; training run {self.run_id}")
        for a in self.artifacts:
            lines.append(f"artifact {a['name']}: sha256 {a['sha256'][:16]}, {a['size_bytes'] / 2**20:.1f} MiB")
        lines.append("tok/s counts the tokens llama.cpp evaluated per second (prompt + scored answers)")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {"dataset_hash": self.dataset_hash, "run_id": self.run_id, "artifacts": self.artifacts,
                "test_examples": self.test_examples, "rows": [r.__dict__ for r in self.rows]}


def open_demo_workspace(root: Path | None = None) -> Workspace:
    """Open the demo workspace, creating and seeding it (documents, task, model) if needed."""
    root = Path(root) if root is not None else demo_workspace()
    ws = Workspace.open(root) if Workspace.exists(root) else Workspace.create(root, name="Airlock demo")
    try:
        seed_demo(ws)
    except BaseException:
        ws.close()
        raise
    return ws


def seed_demo(ws: Workspace) -> None:
    if not ws.documents.ids():
        report = ws.documents.import_files([CORPUS])
        if report.errors:
            raise AirlockError("; ".join(report.errors))
    spec = json.loads(TASK_FILE.read_text())
    if ws.tasks.find(spec["name"]) is None:
        ws.tasks.create(spec["name"], spec["kind"], {"labels": spec["labels"]}, spec["system_prompt"],
                        spec["user_template"])
    ws.models.ensure_demo_model()


def prepare_dataset(ws: Workspace, ctx: JobContext, seed: int, signature: Signature) -> int:
    """Redact, make labelled examples, freeze (reusing the version when nothing changed)."""
    from sqlalchemy import select

    from engine.datasets.freeze import SplitPlan
    from engine.store.models import DatasetVersion, Example

    spec = json.loads(TASK_FILE.read_text())
    task = ws.tasks.find(spec["name"])
    assert task is not None
    pending = [d for d in ws.documents.ids() if d not in ws.documents.ids(status="cleared")]
    if pending:
        ws.privacy.scan_and_clear(pending, ctx.sub(0.0, 0.9))
    with ws.reader() as s:
        used = set(s.scalars(select(Example.document_id).where(Example.task_id == task.id)))
        existing = s.scalar(select(DatasetVersion.id).where(DatasetVersion.task_id == task.id)
                            .order_by(DatasetVersion.id.desc()))
    fresh = [d for d in ws.documents.ids(status="cleared") if d not in used]
    if fresh:
        ws.tasks.examples_from_documents(task.id, fresh, label_from_source=True)
    if existing is not None and not fresh:
        return int(existing)
    ctx.step(0.95, "Freezing the dataset version")
    version = ws.datasets.freeze(task.id, f"demo-v{(existing or 0) + 1}",
                                 SplitPlan(seed=seed, eval_fraction=0.1, test_fraction=0.2), signature=signature)
    return version.id


def run_demo(ws: Workspace, ctx: JobContext | None = None, settings: DemoSettings | None = None) -> DemoResult:
    from engine.evaluation.service import ModelUnderTest
    from engine.models.export import export_run
    from engine.training.config import TrainingConfig

    ctx = ctx or JobContext()
    settings = settings or DemoSettings()
    seed_demo(ws)
    ctx.step(0.0, "Redacting PII and building the dataset")
    version_id = prepare_dataset(ws, ctx.sub(0.0, 0.15), settings.seed, settings.signature)
    version = ws.datasets.get(version_id)
    base = ws.models.ensure_demo_model()

    config = TrainingConfig(max_steps=settings.max_steps, epochs=settings.epochs,
                            learning_rate=settings.learning_rate, seed=settings.seed)
    ctx.step(0.15, "Fine-tuning with LoRA on the CPU")
    run = ws.training.train(version_id, base.id, config, ctx.sub(0.15, 0.7))
    if run.status != "succeeded":
        raise AirlockError(f"training run {run.id} {run.status}: {run.error or 'no reason recorded'}")

    artifacts = export_run(ws, run.id, settings.quantizations, ctx=ctx.sub(0.7, 0.78))
    result = DemoResult(version.content_hash, run.id, [
        {"name": a.name, "sha256": a.sha256, "size_bytes": a.size_bytes, "quantization": a.quantization}
        for a in artifacts])

    candidates = [ModelUnderTest(f"base SmolLM2-135M ({settings.shots}-shot)", base.path, base.id)]
    candidates += [ModelUnderTest(f"fine-tuned {a.quantization} (zero-shot)", a.path, base.id, a.id)
                   for a in artifacts]
    for i, cand in enumerate(candidates):
        span = 0.22 / len(candidates)
        sub = ctx.sub(0.78 + span * i, 0.78 + span * (i + 1))
        shots = settings.shots if cand.artifact_id is None else 0
        info = ws.evaluation.run(cand, version_id, "test", shots=shots, seed=settings.seed, ctx=sub)
        m = info.metrics
        result.test_examples = int(m["n"])
        result.rows.append(DemoRow(cand.label, m["accuracy"], m["macro_f1"], m["latency_p50_ms"],
                                   m["latency_p95_ms"], m["tokens_per_second"]))
    with ws.unit() as s:
        ws.audit.record(s, "demo.completed", f"training_run:{run.id}",
                        {"dataset_version": version.content_hash,
                         "results": [r.__dict__ for r in result.rows]})
    ctx.report(1.0, "Demo loop finished")
    return result
