"""The confidence separates right from wrong answers on the demo task's held-out test split (the
session's trained demo workspace, read-only): classification label share, and extraction's re-scored
field confidence under a JSON-schema grammar. Reports the AUROC in the assertion messages."""

from __future__ import annotations

import pytest

from engine.workspace import Workspace
from tests.conftest import TrainedDemo

pytestmark = pytest.mark.slow


def test_confidence_auroc_on_the_demo_test_split(trained_demo: TrainedDemo) -> None:
    from engine.console.models import unload_all
    from engine.console.quality import confidence_quality

    with Workspace.open(trained_demo.root) as ws:
        art = ws.models.artifacts(run_id=trained_demo.result["run_id"])[0]
        version_id = ws.training.get(art.run_id or 0).dataset_version_id
        try:
            results = {q.mode: q for q in confidence_quality(ws, art.id, version_id, "test")}
        finally:
            unload_all()
    for mode, q in results.items():
        assert q.n == 32, q
        assert 0.0 <= (q.mean_wrong or 0.0) <= 1.0 and 0.0 <= (q.mean_right or 0.0) <= 1.0
        if q.auroc is not None:  # None only when every answer was right
            assert q.auroc >= 0.7, f"{mode}: {q}"
            assert (q.mean_right or 0.0) > (q.mean_wrong or 1.0), f"{mode}: {q}"
    assert results["extract"].accuracy >= 0.7, results["extract"]
