"""The cascade on real models: the demo's fine-tuned GGUF answers; answers under the threshold go to
the fallback (here the demo's base GGUF, a different file in its own inference process) and to
the review queue only if it is unsure too. A bad fallback file is refused, naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import AirlockError

pytestmark = pytest.mark.slow


def test_cascade_routes_unsure_answers_to_the_fallback_then_to_review(trained_demo_copy: Path,
                                                                       tmp_path: Path) -> None:
    from engine.console import calls, classify_text
    from engine.console.cascade import cascade_classify, fallback_path, set_fallback, unload_fallback
    from engine.paths import demo_model_path
    from engine.workspace import Workspace

    with Workspace.open(trained_demo_copy) as ws:
        art = next(a for a in ws.models.artifacts() if a.kind == "gguf" and a.run_id is not None)
        assert art.run_id is not None
        version_id = ws.training.get(art.run_id).dataset_version_id
        text = ws.datasets.rows(version_id, "test")[0].input_text
        try:
            # no fallback: an unsure answer goes straight to review
            alone = cascade_classify(ws, art.id, text, threshold=1.01)
            assert not alone.escalated and alone.flagged and alone.answered_by == "model"
            bad = tmp_path / "notes.gguf"
            bad.write_text("not a model")
            with pytest.raises(AirlockError, match=r"notes\.gguf"):
                set_fallback(ws, bad)
            assert fallback_path(ws) is None
            base = demo_model_path()
            assert base is not None
            set_fallback(ws, base)
            assert fallback_path(ws) == base.resolve()
            sure = cascade_classify(ws, art.id, text, threshold=0.0)
            assert not sure.escalated and not sure.flagged and sure.answered_by == "model"
            unsure = cascade_classify(ws, art.id, text, threshold=1.01)
            assert unsure.escalated and unsure.answered_by == "fallback" and unsure.flagged
            assert unsure.small_output == sure.output and unsure.small_confidence == pytest.approx(sure.confidence)
            # between the two models' confidences: escalated, and flagged only if the fallback is unsure too
            middle = cascade_classify(ws, art.id, text, threshold=sure.confidence + 1e-6)
            assert middle.escalated and middle.flagged == (middle.confidence < sure.confidence + 1e-6)
            via_console = classify_text(ws, art.id, text, threshold=1.01)  # the console routes through it too
            assert via_console.flagged and ws.audit.entries(action="console.classify")[0].details["escalated"]
            queue = {c.id for c in calls(ws, flagged=True)}
            assert alone.call_id in queue and unsure.call_id in queue and sure.call_id not in queue
            details = [e.details for e in ws.audit.entries(action="console.classify")]
            assert any(d.get("answered_by") == "fallback" and d.get("fallback") == base.name for d in details)
        finally:
            unload_fallback()
