"""Does the confidence separate right from wrong answers? Measured on a frozen split.

For a classification task both console modes are checked on the same items: the
classifier's label share, and extraction under the schema ``{"<field>": {"enum": labels}}``
with the re-scored field confidence. The AUROC is the probability that a random right
answer has a higher confidence than a random wrong one (0.5 = no separation).

A model that was not trained on the task can be checked with a few examples from the train
split in its prompt (``shots``, picked as the evaluation picks them). Zero-shot, the untuned
demo model answers at chance (a quarter right over four labels): its right answers are luck,
and no confidence can tell luck from knowledge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.console.models import pick_model, using
from engine.evaluation.metrics import auroc
from engine.inference.classify import Classifier
from engine.jobs import JobContext
from engine.store.models import DatasetItem
from engine.tasks.prompt import PromptWithShots

if TYPE_CHECKING:
    from engine.workspace import Workspace


@dataclass(frozen=True)
class ConfidenceQuality:
    mode: str
    n: int
    wrong: int
    accuracy: float
    auroc: float | None
    mean_right: float | None
    mean_wrong: float | None
    answers_per_minute: float


def _summary(mode: str, scored: list[tuple[float, bool]], seconds: float) -> ConfidenceQuality:
    right = [c for c, ok in scored if ok]
    wrong = [c for c, ok in scored if not ok]
    return ConfidenceQuality(mode, len(scored), len(wrong), len(right) / max(1, len(scored)),
                             auroc([c for c, _ in scored], [ok for _, ok in scored]),
                             sum(right) / len(right) if right else None, sum(wrong) / len(wrong) if wrong else None,
                             60 * len(scored) / max(seconds, 1e-9))


def enum_schema(field: str, labels: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "object", "properties": {field: {"enum": list(labels)}}, "required": [field]}


def confidence_quality(ws: Workspace, artifact_id: int, version_id: int, split: str = "test",
                       limit: int | None = None, shots: int = 0, seed: int = 0,
                       ctx: JobContext | None = None) -> list[ConfidenceQuality]:
    import time

    from engine.evaluation.runs import pick_shots
    from engine.inference.extract import Extractor

    ctx = ctx or JobContext()
    model = pick_model(ws, artifact_id)
    version = ws.datasets.get(version_id)
    task = ws.tasks.get(version.task_id)
    with ws.reader() as s:
        rows = [(i.split, i.input_text, i.target) for i in s.scalars(
            select(DatasetItem).where(DatasetItem.version_id == version_id).order_by(DatasetItem.id))]
    items = [(text, target) for part, text, target in rows if part == split]
    items = items[:limit] if limit else items
    train = [(text, target) for part, text, target in rows if part == "train"]
    fmt = PromptWithShots.of(model.prompt_format(task), pick_shots(train, shots, seed, by_label=True))
    results: dict[str, list[tuple[float, bool]]] = {"classify": [], "extract": []}
    seconds = {"classify": 0.0, "extract": 0.0}
    with using(ws, model.path) as loaded:
        classifier = Classifier(loaded, fmt, task.labels)
        extractor = Extractor(loaded, fmt, enum_schema("category", task.labels), max_tokens=32)
        for i, (text, target) in enumerate(items):
            ctx.step(i / max(1, len(items)), f"Scoring answer {i + 1} of {len(items)}")
            t0 = time.perf_counter()
            c = classifier.classify(text)
            seconds["classify"] += time.perf_counter() - t0
            results["classify"].append((c.confidence, c.label == target))
            t0 = time.perf_counter()
            e = extractor.extract(text)
            seconds["extract"] += time.perf_counter() - t0
            results["extract"].append((e.confidence, e.value.get("category") == target))
    return [_summary(mode, scored, seconds[mode]) for mode, scored in results.items()]
