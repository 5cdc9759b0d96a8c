"""The CLI for tasks, examples and dataset versions: task create, examples import/export,
dataset freeze/check/diff/list/rejections, with their exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.workspace import Workspace
from tests.engine.tasks_data import LABELS, fault_corpus
from tests.signed import SIGN_ARGS, SIGNED


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ws_dir(tmp_path: Path) -> Path:
    Workspace.create(tmp_path / "w").close()
    return tmp_path / "w"


def test_task_examples_dataset_round_trip(ws_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    w = ["--workspace", str(ws_dir)]
    spec = tmp_path / "task.json"
    spec.write_text(json.dumps({"name": "triage", "kind": "classification", "labels": LABELS,
                                "system_prompt": "Triage.", "user_template": "Report: {input}"}))
    assert run(capsys, "task", "create", str(spec), *w)[:2] == (0, "task 1 'triage' (classification) created\n")
    code, _out, err = run(capsys, "task", "create", str(spec), *w)
    assert code == 2 and "a task named 'triage' already exists" in err

    rows = fault_corpus()[:60]
    csv_file = tmp_path / "rows.csv"
    csv_file.write_text("text,label\n" + "".join(f"{t},{lab}\n" for t, lab in rows) + "Gear noise,acoustic\n")
    code, out, err = run(capsys, "examples", "import", str(csv_file), "--task", "1", "--quiet", *w)
    assert code == 1  # a row was rejected; the good ones are kept
    assert "imported 60 examples (csv; 60 with an answer" in out
    assert f"rejected {csv_file}: line 62: label 'acoustic' is not in the task's label set" in err

    code, out, _err = run(capsys, "dataset", "freeze", "--task", "1", "--name", "v1", "--no-tokens", "--quiet", *w,
                          *SIGN_ARGS)
    assert code == 0 and out.startswith("dataset version 1 'v1': 60 examples (eval 6, test 12, train 42)")
    code, out, _err = run(capsys, "dataset", "check", "1", *w)
    assert code == 0 and "[WARN  ] examples: 60 examples: fewer than 1,000" in out and "ready to train" in out
    assert run(capsys, "dataset", "minimum", *w)[:2] == (0, "readiness refuses versions with fewer than 50 examples\n")
    assert run(capsys, "dataset", "minimum", "100", *w)[0] == 0
    code, out, _err = run(capsys, "dataset", "check", "1", *w)
    assert code == 1 and "[REFUSE] examples: Only 60 examples to learn from; at least 100" in out
    code, _out, err = run(capsys, "dataset", "minimum", "0", *w)
    assert code == 2 and "must be at least 1" in err
    run(capsys, "dataset", "minimum", "50", *w)
    code, out, _err = run(capsys, "dataset", "freeze", "--task", "1", "--name", "v2", "--seed", "4",
                          "--test-share", "0.5", "--no-tokens", "--quiet", "--json", *w, *SIGN_ARGS)
    stats = json.loads(out)["stats"]
    assert code == 0 and stats["splits"]["test"] == 12 and stats["kept_in_place"] == 60  # splits are stable
    code, out, _err = run(capsys, "dataset", "freeze", "--task", "1", "--name", "v3", "--seed", "4",
                          "--test-share", "0.5", "--resplit", "--no-tokens", "--quiet", "--json", *w, *SIGN_ARGS)
    assert code == 0 and json.loads(out)["stats"]["splits"]["test"] == 30
    code, out, _err = run(capsys, "dataset", "diff", "1", "3", "--json", *w)
    diff = json.loads(out)
    assert code == 0 and diff["added"] == [] and diff["removed"] == [] and len(diff["moved"]) > 0
    code, out, _err = run(capsys, "dataset", "diff", "1", "3", *w)
    assert code == 0 and "split moves: " in out and "train -> test: " in out
    code, out, _err = run(capsys, "dataset", "list", *w)
    assert code == 0 and len(out.splitlines()) == 3

    code, _out, err = run(capsys, "dataset", "freeze", "--task", "1", "--name", "bad", "--eval-share", "0.5",
                          "--test-share", "0.5", *w)
    assert code == 2 and "leave room for training" in err
    code, out, _err = run(capsys, "examples", "export", "--version", "1", "--format", "chat",
                          str(tmp_path / "out"), *w)
    assert code == 0 and sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "eval.jsonl", "manifest.json", "test.jsonl", "train.jsonl"]


def test_check_exits_1_when_not_ready(ws_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.engine.tasks_data import add_examples, classification_task

    with Workspace.open(ws_dir) as ws:
        task = classification_task(ws)
        ids = add_examples(ws, task.id, [t for t, _ in fault_corpus()[:30]])
        for ex in ids:
            ws.tasks.set_label(ex, "electrical")
        ws.tasks.set_label(ids[0], "mechanical", annotator="ben")
        from engine.datasets.freeze import SplitPlan

        version = ws.datasets.freeze(task.id, "v1", SplitPlan(token_lengths=False), signature=SIGNED)
    r = subprocess.run([sys.executable, "-m", "engine.cli", "dataset", "check", str(version.id), "--json",
                        "--workspace", str(ws_dir)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert report["ready"] is False
    assert {c["name"]: c["level"] for c in report["checks"]} == {
        "examples": "refuse", "agreement": "refuse", "leakage": "ok", "disagreements": "refuse", "balance": "ok"}
    code, out, _err = run(capsys, "dataset", "rejections", str(version.id), "--workspace", str(ws_dir))
    assert code == 0 and out.strip() == (f"example {ids[0]}: annotators disagree (electrical, mechanical); "
                                         "resolve it first")


def test_examples_from_documents_preview_then_create(ws_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.engine.tasks_data import add_cleared_document, classification_task

    with Workspace.open(ws_dir) as ws:
        task = classification_task(ws)
        doc = add_cleared_document(ws, "shift.txt", "The press stopped.\n\nOil under the pump.", label="hydraulic")
    w = ["--workspace", str(ws_dir), "--task", str(task.id)]
    code, out, _err = run(capsys, "examples", "from-documents", "--mode", "paragraph", "--preview", *w)
    assert code == 0 and out.splitlines() == [
        "--- shift.txt #1 (18 characters)", "The press stopped.", "--- shift.txt #2 (19 characters)",
        "Oil under the pump.", "2 examples would be created from 1 documents (preview; nothing stored)"]
    code, out, err = run(capsys, "examples", "from-documents", str(doc), "--mode", "size", "--size", "10",
                         "--overlap", "10", *w)
    assert code == 2 and "the overlap must be between 0 and 9 characters" in err
    code, out, _err = run(capsys, "examples", "from-documents", str(doc), "--mode", "paragraph",
                          "--label-from-source", *w)
    assert code == 0 and out == "created 2 examples from 1 documents (paragraph)\n"
    with Workspace.open(ws_dir) as ws:
        assert ws.tasks.final_labels(task.id) and set(ws.tasks.final_labels(task.id).values()) == {"hydraulic"}
