"""The whole loop on the real demo model: redact, freeze, train, export, evaluate.

Runs `airlock demo --quick` once for the module (real presidio, real TRL+PEFT
training steps in a worker process, real GGUF conversion and llama.cpp), then
checks what it left behind.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from engine.blobs import sha256_file
from engine.cli import main
from engine.demo import CORPUS
from engine.models.gguf_file import read_gguf
from engine.workspace import Workspace
from tests.conftest import TrainedDemo

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_run(trained_demo: TrainedDemo) -> tuple[Path, dict[str, Any], str]:
    return trained_demo.root, trained_demo.result, trained_demo.table


def test_fine_tuned_model_beats_the_base_model(demo_run: tuple[Path, dict[str, Any], str]) -> None:
    _root, result, table = demo_run
    base, tuned = result["rows"][0], result["rows"][1]
    assert base["model"].startswith("base") and tuned["model"].startswith("fine-tuned")
    assert result["test_examples"] == 32
    assert tuned["accuracy"] >= 0.75, tuned
    assert tuned["accuracy"] >= base["accuracy"] + 0.2, (base, tuned)
    assert tuned["macro_f1"] > base["macro_f1"]
    for row in (base, tuned):
        assert 0 < row["p50_ms"] <= row["p95_ms"] and row["tokens_per_second"] > 0
    assert "accuracy" in table and "macro-F1" in table and "p50/p95" in table


def test_everything_is_recorded_and_the_chain_verifies(demo_run: tuple[Path, dict[str, Any], str]) -> None:
    root, result, _ = demo_run
    with Workspace.open(root) as ws:
        assert ws.audit.verify().ok
        actions = set(ws.audit.actions())
        for needed in ("documents.imported", "pii.redacted", "dataset.frozen", "training.created",
                       "training.started", "training.succeeded", "model.artifact_registered",
                       "evaluation.succeeded", "demo.completed"):
            assert needed in actions, needed
        run = ws.training.get(result["run_id"])
        assert run.status == "succeeded" and run.backend == "trl-peft"
        assert run.final_metrics["final_loss"] < run.final_metrics["first_loss"]
        assert run.adapter_sha256 and ws.blobs.has(run.adapter_sha256)
        version = ws.datasets.get(run.dataset_version_id)
        assert version.content_hash == result["dataset_hash"]
        for art in ws.models.artifacts(run_id=run.id):
            assert sha256_file(art.path) == art.sha256
            assert read_gguf(art.path).architecture == "llama"
            assert art.quantization == "Q8_0"
    assert main(["audit", "verify", "--workspace", str(root)]) == 0


def _planted_values() -> set[str]:
    text = CORPUS.read_text()
    values = set(re.findall(r"[\w.']+@[\w.-]+", text))
    values |= set(re.findall(r"\+\d\d \d+ \d{4} \d{4}|\(555\) \d{3}-\d{4}", text))
    values |= set(re.findall(r"(?:Reported by|Contact|Reporter:) ([A-Z][a-z]+ [A-Z][\w']+)", text))
    return {v.rstrip(".") for v in values}


def test_no_planted_pii_reaches_any_file_the_run_wrote(demo_run: tuple[Path, dict[str, Any], str]) -> None:
    root, _result, _ = demo_run
    planted = _planted_values()
    assert len(planted) > 50
    con = sqlite3.connect(root / "airlock.db")
    items = " ".join(r[0] for r in con.execute("SELECT input_text FROM dataset_items"))
    assert "<PERSON_1>" in items or "<EMAIL_ADDRESS_1>" in items
    leaks = [v for v in planted if v in items]
    assert not leaks, leaks[:5]
    needles = [v.encode() for v in planted]
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_size < 50 * 2**20:  # model weights hold no text
            data = path.read_bytes()
            found = [n for n in needles if n in data]
            assert not found, (path, found[:3])


def test_console_classifies_with_confidence_and_logs_redacted_input(
        demo_run: tuple[Path, dict[str, Any], str]) -> None:
    from engine.console import classify_text

    root, result, _ = demo_run
    text = ("On Line 2, press 4: a fuse in the control cabinet blew twice this shift. "
            "Reported by Jonas Weber, call +49 151 2345 6789.")
    with Workspace.open(root) as ws:
        art = ws.models.artifacts(run_id=result["run_id"])[0]
        answer = classify_text(ws, art.id, text, threshold=0.5)
        assert answer.label in ("electrical", "mechanical", "hydraulic", "software")
        assert 0.25 <= answer.confidence <= 1.0
        assert answer.flagged == (answer.confidence < 0.5)
        assert "Jonas Weber" not in answer.redacted_input and "<PERSON_1>" in answer.redacted_input
        con = sqlite3.connect(ws.db_path)
        stored = con.execute("SELECT redacted_input, output FROM console_calls WHERE id=?",
                             (answer.call_id,)).fetchone()
        assert stored == (answer.redacted_input, answer.label)
        assert ws.audit.entries(action="console.classify")
        assert ws.audit.verify().ok
