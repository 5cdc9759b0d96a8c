"""Extraction and generation evaluation runs on the real demo model (llama.cpp, SmolLM2-135M):
every prediction stored with its score, metrics by task kind, few-shot examples from train."""

from __future__ import annotations

import json

import pytest

from engine.clock import now
from engine.store.models import DatasetItem, DatasetVersion, Example, Task
from engine.workspace import Workspace

pytestmark = pytest.mark.slow

SCHEMA = {"type": "object", "properties": {"machine": {"type": "string"},
                                           "severity": {"enum": ["low", "high"]}},
          "required": ["machine", "severity"]}


def _version(ws: Workspace, kind: str, spec: dict[str, object], rows: dict[str, list[tuple[str, str]]]) -> int:
    with ws.unit() as s:
        task = Task(name=f"{kind} task", kind=kind, spec=json.dumps(spec), user_template="{input}",
                    system_prompt="Answer with JSON." if kind == "extraction" else "Answer in one short sentence.",
                    created_at=now())
        s.add(task)
        s.flush()
        version = DatasetVersion(task_id=task.id, name=f"{kind}-v1", seed=0, content_hash=kind[0] * 64,
                                 stats="{}", created_by="tester", created_at=now())
        s.add(version)
        s.flush()
        for split, pairs in rows.items():
            for i, (text, target) in enumerate(pairs):
                ex = Example(task_id=task.id, origin="import", input_text=text, created_at=now())
                s.add(ex)
                s.flush()
                s.add(DatasetItem(version_id=version.id, example_id=ex.id, split=split, input_text=text,
                                  target=target, content_hash=f"{split}{i}"))
        return version.id


def test_extraction_run_is_schema_valid_and_scored_per_field(workspace: Workspace) -> None:
    record = json.dumps
    version = _version(workspace, "extraction", {"schema": SCHEMA}, {
        "train": [("Press 4 leaks oil badly.", record({"machine": "Press 4", "severity": "high"}))],
        "test": [("Conveyor 2 squeaks a little.", record({"machine": "Conveyor 2", "severity": "low"})),
                 ("Lathe 7 is on fire!", record({"machine": "Lathe 7", "severity": "high"}))]})
    workspace.models.ensure_demo_model()
    info = workspace.evaluation.run(workspace.evaluation.model("base", version), version, "test", shots=1, seed=3)
    m = info.metrics
    assert info.status == "succeeded" and info.prompt_mode == "few-shot" and info.shots == 1
    assert m["task_kind"] == "extraction" and m["n"] == 2
    assert m["json_valid_rate"] == 1.0 and m["schema_valid_rate"] == 1.0  # grammar-constrained, like the console
    assert set(m["per_field"]) <= {"machine", "severity"} and 0.0 <= m["field_f1"] <= 1.0
    zero_shot = workspace.evaluation.run(workspace.evaluation.model("base", version), version, "test")
    assert [r.output for r in workspace.evaluation.predictions(zero_shot.id)] == _one_at_a_time(workspace, version)
    rows = workspace.evaluation.predictions(info.id)
    assert len(rows) == 2 and all(set(json.loads(r.output)) == {"machine", "severity"} for r in rows)
    assert m["quality"] == pytest.approx(sum(r.score or 0.0 for r in rows) / 2)
    assert all(r.confidence is not None and 0 < r.confidence <= 1 for r in rows)


def test_generation_run_scores_rouge_l(workspace: Workspace) -> None:
    version = _version(workspace, "generation", {}, {
        "test": [("Summarise: the pump on line 3 leaks oil.", "The pump on line 3 leaks oil."),
                 ("Summarise: fuse F2 blew twice.", "Fuse F2 blew twice.")]})
    workspace.models.ensure_demo_model()
    info = workspace.evaluation.run(workspace.evaluation.model("base", version), version, "test")
    m = info.metrics
    assert info.status == "succeeded" and m["task_kind"] == "generation" and m["quality_metric"] == "ROUGE-L"
    rows = workspace.evaluation.predictions(info.id)
    assert all(r.output.strip() for r in rows) and m["rouge_l"] == pytest.approx(m["quality"])
    assert [r.output for r in rows] == _one_at_a_time(workspace, version)  # decoded together, answered alike
    assert m["rouge_l"] > 0  # a 135M model copies some of the words back
    assert m["latency_p95_ms"] >= m["latency_p50_ms"] > 0 and m["tokens_per_second"] > 0
    assert m["latency_answers"] == 2  # both test rows timed again one at a time, after the batch


def _one_at_a_time(ws: Workspace, version: int) -> list[str]:
    """What the model under test answers for each test row asked alone (no batching), zero-shot."""
    from engine.evaluation.answering import answerer_for
    from engine.inference.runtime import LoadedModel
    from engine.tasks.prompt import PromptFormat

    model = ws.evaluation.model("base", version)
    task = ws.tasks.get(ws.datasets.get(version).task_id)
    fmt = PromptFormat(task.system_prompt, task.user_template, ws.models.base(model.base_model_id).chat_template)
    with LoadedModel(model.path) as loaded:
        answer = answerer_for(loaded, task, fmt, [])
        return [answer(r.input_text).output for r in ws.datasets.rows(version, "test")]


def test_runs_decode_in_batches_and_answer_as_one_at_a_time(workspace: Workspace) -> None:
    from engine.inference.runtime import BATCH_INPUTS

    faults = ["the breaker trips", "the gearbox grinds", "the hose bursts", "the PLC reboots", "a fuse blew",
              "the bearing is hot", "the valve sticks", "the display is blank", "the motor hums", "oil drips"]
    assert len(faults) > BATCH_INPUTS  # two batches
    version = _version(workspace, "classification", {"labels": [{"name": "electrical"}, {"name": "mechanical"}]},
                       {"test": [(f"On line {i}: {f}.", "electrical" if i % 2 else "mechanical")
                                 for i, f in enumerate(faults)]})
    workspace.models.ensure_demo_model()
    steps: list[str] = []
    from engine.jobs import JobContext

    info = workspace.evaluation.run(workspace.evaluation.model("base", version), version, "test",
                                    ctx=JobContext(progress=lambda f, m: steps.append(m)))
    batched = [r.output for r in workspace.evaluation.predictions(info.id)]
    latencies = [r.latency_ms for r in workspace.evaluation.predictions(info.id)]
    assert len(set(latencies[:BATCH_INPUTS])) == 1 and len(set(latencies[BATCH_INPUTS:])) == 1  # one time per batch
    assert batched == _one_at_a_time(workspace, version)
    assert sum("examples" in m for m in steps) == 2  # progress moved once per batch
    # the latency a single request waits for: four inputs timed again one at a time, not the batches' shares
    assert info.metrics["latency_answers"] == 4 and any("single requests" in m for m in steps)
