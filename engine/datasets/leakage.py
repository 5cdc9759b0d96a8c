"""Leakage across models: does a version's test, golden or OOD set hold examples (or near twins of
examples) that a model being judged on it was trained on?

A version's own readiness check keeps its splits apart; this one looks at the training split of
the dataset version behind each model artifact (the promoted model, and every model compared or
gated). A comparison on leaked items flatters the model that saw them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.datasets.readiness import HELD_OUT_SPLITS
from engine.store.models import DatasetItem, ModelArtifact, TrainingRun
from engine.tasks.display import normalised_input

if TYPE_CHECKING:
    from engine.store.workspace_store import WorkspaceStore


@dataclass(frozen=True)
class ModelLeak:
    artifact_id: int
    artifact_name: str
    example_id: int  # the held-out item of the version being evaluated
    split: str
    trained_example_id: int  # the training item of the model's dataset version
    how: str  # "same example", "same input", or "near twin (J 0.93)"


def _trained_on(store: WorkspaceStore, artifact_id: int) -> tuple[str, list[tuple[int, str]]]:
    """The artifact's name and (example id, input) of the training split it was fine-tuned on
    (empty for a model without a recorded training run)."""
    with store.reader() as s:
        art = s.get(ModelArtifact, artifact_id)
        if art is None:
            return f"artifact {artifact_id}", []
        version_id = s.scalar(select(TrainingRun.dataset_version_id).where(TrainingRun.id == art.run_id)) \
            if art.run_id is not None else None
        if version_id is None:
            return art.name, []
        rows = s.execute(select(DatasetItem.example_id, DatasetItem.input_text)
                         .where(DatasetItem.version_id == version_id, DatasetItem.split == "train")).all()
        return art.name, [(int(ex), str(text)) for ex, text in rows]


def model_leaks(store: WorkspaceStore, version_id: int, artifact_ids: Iterable[int],
                threshold: float = 0.9) -> list[ModelLeak]:
    """Every held-out item of ``version_id`` that one of these models trained on, or on a near twin of."""
    from engine.datasets.neardup import near_duplicates  # numpy, loaded when needed

    with store.reader() as s:
        held = [(int(ex), str(split), str(text)) for ex, split, text in s.execute(
            select(DatasetItem.example_id, DatasetItem.split, DatasetItem.input_text)
            .where(DatasetItem.version_id == version_id, DatasetItem.split.in_(HELD_OUT_SPLITS))
            .order_by(DatasetItem.example_id))]
    if not held:
        return []
    found: list[ModelLeak] = []
    for artifact_id in dict.fromkeys(artifact_ids):
        name, trained = _trained_on(store, artifact_id)
        if not trained:
            continue
        by_id = {ex for ex, _ in trained}
        by_text = {normalised_input(text): ex for ex, text in trained}
        flagged: set[int] = set()
        for ex, split, text in held:
            if ex in by_id:
                found.append(ModelLeak(artifact_id, name, ex, split, ex, "same example"))
                flagged.add(ex)
            elif normalised_input(text) in by_text:
                found.append(ModelLeak(artifact_id, name, ex, split, by_text[normalised_input(text)], "same input"))
                flagged.add(ex)
        texts = [text for _, _, text in held] + [text for _, text in trained]
        for dup in near_duplicates(texts, threshold):
            a, b = sorted((dup.index, dup.of_index))
            if a < len(held) <= b and held[a][0] not in flagged:
                ex, split, _ = held[a]
                found.append(ModelLeak(artifact_id, name, ex, split, trained[b - len(held)][0],
                                       f"near twin (J {dup.jaccard:.2f})"))
                flagged.add(ex)
    return found


def describe(leaks: list[ModelLeak]) -> list[str]:
    """One sentence per model."""
    by_model: dict[str, list[ModelLeak]] = {}
    for leak in leaks:
        by_model.setdefault(leak.artifact_name, []).append(leak)
    lines = []
    for name, items in by_model.items():
        splits = sorted({i.split for i in items})
        e = items[0]
        lines.append(f"{name} was trained on {len(items)} of the {'/'.join(splits)} examples it is judged on "
                     f"(e.g. example {e.example_id}: {e.how} of training example {e.trained_example_id}); "
                     "its scores there are flattered")
    return lines
