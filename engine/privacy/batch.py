"""Detect and redact many texts fast: batches through spaCy, and both CPU cores.

``redact_many`` (and ``detect_many``, which stops at the spans) splits the texts into batches; each batch goes through
``detect_batch`` (one spaCy stream) and ``redact``. With ``workers`` > 1 the
batches run in forked processes (``engine.forked``) that share the already-loaded analyzer (the
parent builds it before forking, so no worker pays for loading presidio).
Fork is used only where the platform has it; elsewhere everything runs here.
Results come back in input order. A job: progress per batch, cancel between batches.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import closing
from typing import TypeVar

from engine.forked import forks, map_forked
from engine.jobs import JobContext
from engine.privacy.detector import DetectionConfig, detect_batch
from engine.privacy.redaction import redact
from engine.privacy.spans import Span

BATCH = 16
T = TypeVar("T")


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _redacted_batch(config: DetectionConfig | None, texts: list[str]) -> list[tuple[list[Span], str]]:
    spans = detect_batch(texts, config)
    return [(found, redact(text, found).text) for text, found in zip(texts, spans, strict=True)]


def _detected_batch(config: DetectionConfig | None, texts: list[str]) -> list[list[Span]]:
    return detect_batch(texts, config)


def _run(texts: Sequence[str], work: Callable[[DetectionConfig | None, list[str]], list[T]],
         config: DetectionConfig | None, workers: int, ctx: JobContext | None) -> list[T]:
    from engine.privacy import analyzer

    ctx = ctx or JobContext()
    batches = [list(texts[i:i + BATCH]) for i in range(0, len(texts), BATCH)]
    if forks(workers, len(batches)):
        analyzer.get_analyzer()  # built once here, shared with the forked workers
    results: list[T] = []
    with closing(map_forked(work, batches, workers, config, name=lambda b: f"a batch of {len(b)} texts")) as done:
        for i, batch_results in enumerate(done):
            results.extend(batch_results)
            ctx.step((i + 1) / len(batches), f"{len(results)} of {len(texts)} texts")
    return results


def redact_many(texts: Sequence[str], config: DetectionConfig | None = None, workers: int = 1,
                ctx: JobContext | None = None) -> list[tuple[list[Span], str]]:
    """(spans, redacted text) for every text, in order."""
    return _run(texts, _redacted_batch, config, workers, ctx)


def detect_many(texts: Sequence[str], config: DetectionConfig | None = None, workers: int = 1,
                ctx: JobContext | None = None) -> list[list[Span]]:
    """The spans found in every text, in order."""
    return _run(texts, _detected_batch, config, workers, ctx)
