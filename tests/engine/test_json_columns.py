"""JSON columns hold Python values (engine.store.models.JSONValue): workspaces whose JSON was written as
text by the code before read unchanged, whatever the spacing or key order of that text, and the hashes
computed from those values (a dataset version's content hash, a task's fingerprint) stay what they were."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from engine.clock import now
from engine.datasets.freeze import SplitPlan
from engine.store import models as m
from engine.workspace import Workspace
from tests.engine.tasks_data import LABELS, classification_task, fault_corpus, labelled
from tests.signed import SIGNED

# The content hash this freeze had when tasks.spec and dataset_versions.stats were Text columns encoded by
# hand (measured on the code before the change); it depends on the task's spec through its fingerprint.
HASH_BEFORE = "b78250061847694dfaf5a438357aeae2239c19e2ccb527d3771e8aa39140d553"
FINGERPRINT_BEFORE = json.dumps(["classification", {"labels": LABELS}, "Triage the report.",
                                 "Report:\n{input}\nCategory:"], sort_keys=True)


def _freeze(ws: Workspace) -> tuple[int, int]:
    task = classification_task(ws)
    labelled(ws, task.id, fault_corpus()[::5])
    version = ws.datasets.freeze(task.id, "v1", SplitPlan(seed=3, token_lengths=False), signature=SIGNED)
    return task.id, version.id


def test_the_dataset_version_hash_and_task_fingerprint_do_not_change(workspace: Workspace) -> None:
    task_id, version_id = _freeze(workspace)
    assert workspace.datasets.get(version_id).content_hash == HASH_BEFORE
    assert workspace.tasks.get(task_id).fingerprint() == FINGERPRINT_BEFORE


def test_json_written_as_text_by_the_old_code_reads_as_values(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    with Workspace.create(root) as ws:
        task_id, version_id = _freeze(ws)
        stats = ws.datasets.get(version_id).stats
        base = ws.models.ensure_demo_model()
        with ws.unit() as s:  # a run stored as the old code stored it: JSON text given to the column
            run = m.TrainingRun(dataset_version_id=version_id, base_model_id=base.id, config='{"epochs": 1}',
                                status="succeeded", run_dir="", created_by="tester", created_at=now(),
                                final_metrics='{"final_loss":0.5}', environment=None)
            s.add(run)
            s.flush()
            run_id = run.id
    # Rewrite the JSON text as other encoders would have: compact, keys reordered, non-ASCII escaped.
    con = sqlite3.connect(root / "airlock.db")
    with con:
        con.execute("UPDATE tasks SET spec = ? WHERE id = ?",
                    (json.dumps({"labels": LABELS}, separators=(",", ":"), sort_keys=True), task_id))
        con.execute("UPDATE dataset_versions SET stats = ? WHERE id = ?",
                    (json.dumps(stats, indent=2, ensure_ascii=True), version_id))
        con.execute("UPDATE base_models SET shape = ? WHERE id = ?", ('{"num_layers":30,"hidden_size":576}', base.id))
    con.close()
    with Workspace.open(root) as ws:
        assert ws.tasks.get(task_id).spec == {"labels": LABELS}
        assert ws.tasks.get(task_id).fingerprint() == FINGERPRINT_BEFORE  # the same value, the same bytes
        assert ws.datasets.get(version_id).stats == stats
        assert ws.models.base(base.id).shape == {"num_layers": 30, "hidden_size": 576}
        got = ws.training.get(run_id)
        assert got.config == {"epochs": 1} and got.final_metrics == {"final_loss": 0.5}
        # values written now are stored as JSON text too, and None as NULL
        with ws.unit() as s:
            s.get_one(m.TrainingRun, run_id).estimate = {"peak_gb": 1.5}
        assert ws.training.get(run_id).estimate == {"peak_gb": 1.5}
    con = sqlite3.connect(root / "airlock.db")
    estimate, environment, kind = con.execute(
        "SELECT estimate, environment, typeof(config) FROM training_runs WHERE id = ?", (run_id,)).fetchone()
    con.close()
    assert json.loads(estimate) == {"peak_gb": 1.5} and environment is None and kind == "text"


def test_text_that_is_not_json_is_refused_before_it_is_stored(workspace: Workspace) -> None:
    with pytest.raises(json.JSONDecodeError, match="Expecting value"), workspace.unit() as s:
        s.add(m.Task(name="broken", kind="generation", spec="not json", system_prompt="", user_template="{input}",
                     created_at=now()))
    assert workspace.tasks.all() == []


def test_json_text_assigned_reads_back_as_its_value_within_the_session(workspace: Workspace) -> None:
    with workspace.unit() as s:
        task = m.Task(name="t", kind="generation", spec='{"note": "a"}', system_prompt="",
                      user_template="{input}", created_at=now())
        s.add(task)
        assert task.spec == {"note": "a"}  # before any flush or reload
        s.flush()
        task.spec = '{"note": "b"}'
        assert task.spec == {"note": "b"}
        task_id = task.id
    assert workspace.tasks.get(task_id).spec == {"note": "b"}
    with pytest.raises(json.JSONDecodeError), workspace.unit() as s:  # refused at once; nothing changes
        s.get_one(m.Task, task_id).spec = "{broken"
    assert workspace.tasks.get(task_id).spec == {"note": "b"}
