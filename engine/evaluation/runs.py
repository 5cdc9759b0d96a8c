"""Evaluation runs: one model x one frozen split x one prompt mode, every prediction stored.

A run is a job (progress, cancel). It is recorded as ``running`` first, so a crash
or cancel leaves a visible row; predictions are written with the final metrics in
one transaction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.blobs import sha256_file
from engine.clock import now
from engine.errors import AirlockError, NotReady
from engine.evaluation.calibrate import confidence_metrics, stored
from engine.evaluation.scoring import Scored, run_metrics
from engine.jobs import Cancelled, JobContext
from engine.store.models import EvaluationRun, Prediction, TrainingRun
from engine.tasks.prompt import PromptFormat, Shot
from engine.tasks.record_text import served_answer

if TYPE_CHECKING:
    from engine.evaluation.service import EvaluationService

SPLITS = ("test", "golden", "ood", "eval")  # eval: what calibration is fitted on
# After the batched answers, the first inputs of a run are answered again one at a time: their latencies are what
# one console request waits for (a batched answer's latency is its batch's time shared out, a throughput figure)
LATENCY_SAMPLE = 4


@dataclass(frozen=True)
class ModelUnderTest:
    label: str
    path: Path
    base_model_id: int  # whose chat template the prompt uses
    artifact_id: int | None = None


def model_under_test(ev: EvaluationService, which: str | int, version_id: int) -> ModelUnderTest:
    """``"base"`` (the base model the version was trained on, else the first registered one)
    or a model artifact id."""
    if str(which) == "base":
        with ev.store.reader() as s:
            base_id = s.scalar(select(TrainingRun.base_model_id).where(TrainingRun.dataset_version_id == version_id)
                               .order_by(TrainingRun.id.desc()))
        bases = ev.models.bases()
        if base_id is None and not bases:
            raise NotReady("no base model is registered")
        base = ev.models.base(int(base_id)) if base_id is not None else bases[0]
        return ModelUnderTest(f"base {base.name}", ev.models.gguf_of_base(base.id), base.id)  # folder: GGUF, cached
    try:
        artifact_id = int(which)
    except ValueError:
        raise AirlockError(f"--model must be 'base' or a model artifact id, not {which!r}") from None
    art = ev.models.artifact(artifact_id)
    if art.kind != "gguf":
        raise AirlockError(f"model artifact {art.name} is a {art.kind}, not a GGUF model")
    if art.base_model_id is None:
        raise NotReady(f"model artifact {art.name} has no base model recorded")
    return ModelUnderTest(art.name, art.path, art.base_model_id, art.id)


def pick_shots(train: list[tuple[str, str]], k: int, seed: int, by_label: bool) -> list[Shot]:
    """k examples from train with a stored seed; for labels, round-robin so every class shows once."""
    if k <= 0 or not train:
        return []
    rng = random.Random(seed)
    if not by_label:
        return [Shot(i, t) for i, t in rng.sample(train, min(k, len(train)))]
    groups: dict[str, list[Shot]] = {}
    for input_text, target in train:
        groups.setdefault(target, []).append(Shot(input_text, target))
    pools = {label: rng.sample(v, len(v)) for label, v in sorted(groups.items())}
    picked: list[Shot] = []
    while len(picked) < k and any(pools.values()):
        for label in sorted(pools):
            if pools[label] and len(picked) < k:
                picked.append(pools[label].pop())
    rng.shuffle(picked)
    return picked


def evaluate(ev: EvaluationService, model: ModelUnderTest, version_id: int, split: str = "test", shots: int = 0,
             seed: int = 0, ctx: JobContext | None = None) -> int:
    """Run the model over the split and store every prediction; returns the run id."""
    ev.membership.require("expert", "evaluation")
    from engine.evaluation.answering import Answer, answerer_for
    from engine.inference.runtime import BATCH_INPUTS, LoadedModel

    ctx = ctx or JobContext()
    if split not in SPLITS:
        raise AirlockError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    version = ev.datasets.get(version_id)
    task = ev.tasks.get(version.task_id)
    rows = ev.datasets.rows(version_id, split)
    if not rows:
        raise NotReady(f"dataset version {version.name} has no {split!r} examples")
    base = ev.models.base(model.base_model_id)
    if not base.chat_template:
        raise NotReady(f"base model {base.name} has no chat template")
    train = [(r.input_text, served_answer(task.kind, task.spec, r.target))
             for r in ev.datasets.rows(version_id, "train")]
    shot_list = pick_shots(train, shots, seed, by_label=task.kind == "classification")
    fmt = PromptFormat(task.system_prompt, task.user_template, base.chat_template)
    ctx.step(0.0, f"{model.label}: checking the model file")
    sha = sha256_file(model.path)
    with ev.store.unit() as s:
        run = EvaluationRun(model_label=model.label, model_path=str(model.path), model_sha256=sha,
                            artifact_id=model.artifact_id, base_model_id=model.base_model_id,
                            dataset_version_id=version_id, split=split,
                            prompt_mode="few-shot" if shot_list else "zero-shot", shots=len(shot_list),
                            seed=seed, status="running", created_by=ev.store.identity.os_user, started_at=now())
        s.add(run)
        s.flush()
        run_id = run.id
        ev.store.audit.record(s, "evaluation.started", f"evaluation_run:{run_id}",
                        {"model": model.label, "model_sha256": sha, "split": split,
                         "dataset_version": version.content_hash, "shots": len(shot_list), "seed": seed})
    try:
        answers: list[Answer] = []
        with LoadedModel(model.path) as loaded:
            answer = answerer_for(loaded, task, fmt, shot_list)
            for i in range(0, len(rows), BATCH_INPUTS):  # decoded together: the same answers, faster
                chunk = rows[i:i + BATCH_INPUTS]
                ctx.step(i / len(rows), f"{model.label}: examples {i + 1}–{i + len(chunk)} of {len(rows)}")
                answers += answer.many([r.input_text for r in chunk])
            ctx.step(0.99, f"{model.label}: timing {min(LATENCY_SAMPLE, len(rows))} single requests")
            alone_ms = [answer(r.input_text).latency_ms for r in rows[:LATENCY_SAMPLE]]
        scored = run_metrics(task.kind, task.spec, task.labels, [r.target for r in rows],
                             [a.output for a in answers], [a.confidence for a in answers],
                             [a.latency_ms for a in answers], [a.tokens for a in answers], alone_ms)
        scored.metrics.update(confidence_metrics([a.confidence for a in answers], scored.correct,
                                                 stored(ev, model.artifact_id)))
        predictions = [Prediction(evaluation_run_id=run_id, dataset_item_id=row.item_id, output=a.output,
                                  reference=row.target, correct=ok, score=score, confidence=a.confidence,
                                  latency_ms=a.latency_ms, tokens=a.tokens)
                       for row, a, ok, score in zip(rows, answers, scored.correct, scored.scores, strict=True)]
    except (Cancelled, KeyboardInterrupt):  # GUI cancel or Ctrl-C in the CLI: the run is kept as cancelled
        _finish(ev, run_id, "cancelled", None, [])
        raise
    except Exception as exc:
        _finish(ev, run_id, "failed", Scored({"error": str(exc)}, [], []), [])
        raise
    _finish(ev, run_id, "succeeded", scored, predictions)
    ctx.report(1.0, f"{model.label}: {scored.metrics['quality_metric']} {scored.metrics['quality']:.3f}")
    return run_id


def _finish(ev: EvaluationService, run_id: int, status: str, scored: Scored | None,
            predictions: list[Prediction]) -> None:
    metrics = scored.metrics if scored else None
    with ev.store.unit() as s:
        run = s.get_one(EvaluationRun, run_id)
        run.status = status
        run.metrics = metrics
        run.finished_at = now()
        s.add_all(predictions)
        keys = ("quality", "accuracy", "macro_f1", "latency_p50_ms", "latency_p95_ms", "tokens_per_second", "error")
        summary = {k: metrics[k] for k in keys if metrics and k in metrics}
        ev.store.audit.record(s, f"evaluation.{status}", f"evaluation_run:{run_id}",
                        {"predictions": len(predictions), **summary})
