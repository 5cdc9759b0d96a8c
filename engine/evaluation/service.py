"""Evaluation runs: one model x one frozen split x one prompt mode, every prediction stored."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.blobs import sha256_file
from engine.clock import now
from engine.errors import AirlockError, NotReady
from engine.evaluation.metrics import auroc, classification_metrics, latency_metrics
from engine.jobs import Cancelled, JobContext
from engine.store.models import EvaluationRun, Prediction
from engine.tasks.prompt import PromptFormat, Shot
from engine.workspace import Workspace


@dataclass(frozen=True)
class ModelUnderTest:
    label: str
    path: Path
    base_model_id: int  # whose chat template the prompt uses
    artifact_id: int | None = None


@dataclass(frozen=True)
class EvaluationInfo:
    id: int
    model_label: str
    split: str
    prompt_mode: str
    shots: int
    status: str
    metrics: dict[str, Any]


def _info(r: EvaluationRun) -> EvaluationInfo:
    return EvaluationInfo(r.id, r.model_label, r.split, r.prompt_mode, r.shots, r.status,
                          json.loads(r.metrics) if r.metrics else {})


class EvaluationService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def run(self, model: ModelUnderTest, version_id: int, split: str = "test", shots: int = 0,
            seed: int = 0, ctx: JobContext | None = None) -> EvaluationInfo:
        from engine.inference.classify import Classifier
        from engine.inference.runtime import LoadedModel

        ctx = ctx or JobContext()
        version = self.ws.datasets.get(version_id)
        task = self.ws.tasks.get(version.task_id)
        if task.kind != "classification":
            raise NotReady(f"evaluating {task.kind} tasks is not supported yet")
        rows = self.ws.datasets.rows(version_id, split)
        if not rows:
            raise NotReady(f"dataset version {version.name} has no {split!r} examples")
        base = self.ws.models.base(model.base_model_id)
        if not base.chat_template:
            raise NotReady(f"base model {base.name} has no chat template")
        shot_list = self._shots(version_id, shots, seed)
        fmt = PromptFormat(task.system_prompt, task.user_template, base.chat_template)
        sha = sha256_file(model.path)
        with self.ws.unit() as s:
            run = EvaluationRun(model_label=model.label, model_path=str(model.path), model_sha256=sha,
                                artifact_id=model.artifact_id, base_model_id=model.base_model_id,
                                dataset_version_id=version_id, split=split,
                                prompt_mode="few-shot" if shots else "zero-shot", shots=shots, seed=seed,
                                status="running", created_by=self.ws.identity.os_user, started_at=now())
            s.add(run)
            s.flush()
            run_id = run.id
            self.ws.audit.record(s, "evaluation.started", f"evaluation_run:{run_id}",
                                 {"model": model.label, "model_sha256": sha, "split": split,
                                  "dataset_version": version.content_hash, "shots": shots})
        try:
            predictions = []
            with LoadedModel(model.path) as loaded:
                classifier = Classifier(loaded, fmt, task.labels, shot_list)
                for i, row in enumerate(rows):
                    ctx.step(i / len(rows), f"{model.label}: example {i + 1}/{len(rows)}")
                    answer = classifier.classify(row.input_text)
                    predictions.append(Prediction(
                        evaluation_run_id=run_id, dataset_item_id=row.item_id, output=answer.label,
                        reference=row.target, correct=answer.label == row.target,
                        confidence=answer.confidence, latency_ms=answer.latency_ms, tokens=answer.tokens))
            metrics = classification_metrics([p.reference for p in predictions],
                                             [p.output for p in predictions], task.labels)
            metrics.update(latency_metrics([p.latency_ms for p in predictions],
                                           [p.tokens for p in predictions]))
            metrics["confidence_auroc"] = auroc([p.confidence or 0.0 for p in predictions],
                                                [bool(p.correct) for p in predictions])
        except Cancelled:
            self._finish(run_id, "cancelled", None, [])
            raise
        except Exception as exc:
            self._finish(run_id, "failed", {"error": str(exc)}, [])
            raise
        self._finish(run_id, "succeeded", metrics, predictions)
        ctx.report(1.0, f"{model.label}: accuracy {metrics['accuracy']:.1%}")
        return self.get(run_id)

    def _shots(self, version_id: int, k: int, seed: int) -> list[Shot]:
        if k <= 0:
            return []
        train = self.ws.datasets.rows(version_id, "train")
        rng = random.Random(seed)
        by_label: dict[str, list[Shot]] = {}
        for r in train:
            by_label.setdefault(r.target, []).append(Shot(r.input_text, r.target))
        # Round-robin over labels so a small k still shows every class once.
        picked: list[Shot] = []
        pools = {label: rng.sample(v, len(v)) for label, v in sorted(by_label.items())}
        while len(picked) < k and any(pools.values()):
            for label in sorted(pools):
                if pools[label] and len(picked) < k:
                    picked.append(pools[label].pop())
        rng.shuffle(picked)
        return picked

    def _finish(self, run_id: int, status: str, metrics: dict[str, Any] | None,
                predictions: list[Prediction]) -> None:
        with self.ws.unit() as s:
            run = s.get_one(EvaluationRun, run_id)
            run.status = status
            run.metrics = json.dumps(metrics) if metrics is not None else None
            run.finished_at = now()
            s.add_all(predictions)
            keys = ("accuracy", "macro_f1", "latency_p50_ms", "latency_p95_ms", "tokens_per_second")
            summary: dict[str, Any] = {k: metrics[k] for k in keys if metrics and k in metrics}
            self.ws.audit.record(s, f"evaluation.{status}", f"evaluation_run:{run_id}",
                                 {"predictions": len(predictions), **summary})

    def get(self, run_id: int) -> EvaluationInfo:
        with self.ws.reader() as s:
            run = s.get(EvaluationRun, run_id)
            if run is None:
                raise AirlockError(f"no evaluation run with id {run_id}")
            return _info(run)

    def runs(self) -> list[EvaluationInfo]:
        with self.ws.reader() as s:
            return [_info(r) for r in s.scalars(select(EvaluationRun).order_by(EvaluationRun.id))]
