"""Importing examples (chat, prompt/completion, Alpaca, ShareGPT, CSV) with every bad row reported
and every input redacted; exporting a frozen version as chat JSONL and a Hugging Face folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine.datasets.freeze import SplitPlan
from engine.errors import AirlockError, InputFileError
from engine.store.models import Example, Label
from tests.engine.tasks_data import classification_task, extraction_task, generation_task
from tests.signed import SIGNED


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def stored(ws: Any, ids: list[int]) -> list[tuple[str, str | None]]:
    with ws.reader() as s:
        out = []
        for i in ids:
            label = s.scalar(select(Label.value).where(Label.example_id == i))
            out.append((s.get_one(Example, i).input_text, label))
        return out


def chat(user: str, answer: str, system: str | None = "Triage.") -> dict[str, Any]:
    msgs = [{"role": "system", "content": system}] if system else []
    return {"messages": [*msgs, {"role": "user", "content": user}, {"role": "assistant", "content": answer}]}


@pytest.mark.slow
def test_chat_jsonl_keeps_good_rows_and_reports_each_bad_one(workspace: Any, tmp_path: Path) -> None:
    """Slow only as the first import of a process: redacting the rows loads presidio/spaCy (~30 s) once."""
    task = classification_task(workspace)
    path = write_jsonl(tmp_path / "chat.jsonl", [
        chat("The breaker trips at start-up.", "electrical"),
        "{not json",
        {"messages": [{"role": "assistant", "content": "hydraulic"}, {"role": "user", "content": "x"}]},
        chat("", "mechanical"),
        chat("A bearing grinds.", "pneumatic"),
        {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "electrical"},
                      {"role": "user", "content": "b"}, {"role": "assistant", "content": "mechanical"}]},
        {"messages": [{"role": "user", "content": "Pump leaks."}, {"role": "bot", "content": "hydraulic"}]},
        [1, 2],
        "",
        chat("Report:\nOil under the press.\nCategory:", "hydraulic", system=None),
        chat("Report:\n \nCategory:", "hydraulic"),
    ])
    report = workspace.tasks.import_examples(task.id, path)
    assert report.format == "chat"
    assert [str(r) for r in report.rejected] == [
        "line 2: not JSON (Expecting property name enclosed in double quotes at column 2)",
        "line 3: wrong roles: the conversation starts with the assistant turn; it must start with system or user",
        "line 4: empty content: turn 2 (user) is empty",
        "line 5: label 'pneumatic' is not in the task's label set (electrical, mechanical, hydraulic)",
        "line 6: wrong roles: 2 user/assistant exchanges; an example is one user turn and its answer",
        "line 7: wrong roles: turn 2 has the role 'bot'; roles are system, user and assistant",
        "line 8: not a JSON object (a list)",
        "line 11: empty content: the input is empty",
    ]
    # the task's own template around the input (as an export writes it) is taken off again
    assert stored(workspace, report.created) == [("The breaker trips at start-up.", "electrical"),
                                                  ("Oil under the press.", "hydraulic")]
    assert report.labelled == 2


def test_imported_text_is_redacted_before_it_is_stored(workspace: Any, tmp_path: Path) -> None:
    task = generation_task(workspace)
    path = write_jsonl(tmp_path / "pc.jsonl", [
        {"prompt": "Jonas Weber reports: the pump whines. Mail jonas.weber@acme-works.example.org",
         "completion": "Pump noise reported by Jonas Weber (jonas.weber@acme-works.example.org)."},
        {"prompt": "The saw stopped."},
    ])
    report = workspace.tasks.import_examples(task.id, path, fmt="prompt-completion")
    assert [str(r) for r in report.rejected] == ["line 2: missing field 'completion'"]
    # the row with personal data waits for review: nothing stored as an example, nothing redacted yet
    assert report.created == [] and report.held_for_review == 1 and report.review_id is not None
    reviews = workspace.tasks.example_reviews
    reviews.decide_type(report.review_id, "PERSON", "accepted")
    reviews.decide_type(report.review_id, "EMAIL_ADDRESS", "accepted")
    finished = reviews.finish(report.review_id)
    [(text, answer)] = stored(workspace, finished.created)
    assert "jonas" not in (text + str(answer)).lower() and finished.redacted_rows == 1
    assert "<EMAIL_ADDRESS_1>" in text and "<EMAIL_ADDRESS_1>" in str(answer)  # same placeholder in both
    assert "<PERSON_1>" in text and "<PERSON_1>" in str(answer)


def test_extraction_answers_are_checked_against_the_schema(workspace: Any, tmp_path: Path) -> None:
    task = extraction_task(workspace)
    good = {"machine": "press 4", "severity": "high"}
    path = write_jsonl(tmp_path / "ex.jsonl", [
        chat("Press 4 is down, severity high.", json.dumps(good)),
        chat("Lathe slow.", '{"machine": "lathe"}'),
        chat("Mill noisy.", "machine: mill"),
        chat("Saw stuck.", '{"machine": "saw", "severity": "urgent"}'),
    ])
    report = workspace.tasks.import_examples(task.id, path)
    assert [str(r) for r in report.rejected] == [
        "line 2: schema violation: 'severity' is a required property",
        "line 3: the answer is not valid JSON: Expecting value (line 1, column 1)",
        "line 4: schema violation: severity: 'urgent' is not one of ['low', 'high']",
    ]
    assert stored(workspace, report.created) == [("Press 4 is down, severity high.",
                                                  json.dumps(good, sort_keys=True))]


def test_alpaca_json_array_and_sharegpt(workspace: Any, tmp_path: Path) -> None:
    task = generation_task(workspace)
    alpaca = tmp_path / "alpaca.json"
    alpaca.write_text(json.dumps([
        {"instruction": "Summarise the report.", "input": "The conveyor belt slipped twice.", "output": "Belt slips."},
        {"instruction": "Name the part.", "output": "A valve."},
        {"instruction": "", "input": "x", "output": "y"},
        {"instruction": "Summarise.", "input": "Motor hot.", "output": 3},
    ]))
    report = workspace.tasks.import_examples(task.id, alpaca)
    assert report.format == "alpaca"
    assert [str(r) for r in report.rejected] == ["item 3: empty content: 'instruction' is empty",
                                                 "item 4: field 'output' must be text, not int"]
    assert stored(workspace, report.created) == [
        ("Summarise the report.\n\nThe conveyor belt slipped twice.", "Belt slips."),
        ("Name the part.", "A valve.")]

    share = write_jsonl(tmp_path / "share.jsonl", [
        {"conversations": [{"from": "human", "value": "Crane cable frayed."}, {"from": "gpt", "value": "Cable wear."}]},
        {"conversations": [{"from": "narrator", "value": "x"}, {"from": "gpt", "value": "y"}]},
        {"conversations": [{"from": "human", "value": "Only a question"}]},
        {"dialogue": []},
    ])
    report = workspace.tasks.import_examples(task.id, share, fmt="sharegpt")
    assert [str(r) for r in report.rejected] == [
        "line 2: wrong roles: turn 1 is from 'narrator'; ShareGPT turns are from system, human or gpt",
        "line 3: wrong roles: the conversation does not end with the assistant's answer",
        "line 4: missing field 'conversations' (a list of turns with 'from' and 'value')"]
    assert stored(workspace, report.created) == [("Crane cable frayed.", "Cable wear.")]


def test_csv_text_and_label_columns(workspace: Any, tmp_path: Path) -> None:
    task = classification_task(workspace)
    path = tmp_path / "rows.csv"
    path.write_text("report,category\nThe fuse blew,electrical\n,mechanical\nBelt slips,mechanical\n"
                    "Valve stuck,plumbing\nGear noise,\nthe fuse   BLEW,electrical\n\"a,b\",hydraulic,extra\n")
    report = workspace.tasks.import_examples(task.id, path, text_column="report", label_column="category")
    assert report.format == "csv"
    assert [str(r) for r in report.rejected] == [
        "line 3: empty content: column 'report' is empty",
        "line 5: label 'plumbing' is not in the task's label set (electrical, mechanical, hydraulic)",
        "line 7: duplicate: same input as line 2 of this file",
        "line 8: has 3 fields; the header has 2"]
    assert stored(workspace, report.created) == [("The fuse blew", "electrical"), ("Belt slips", "mechanical"),
                                                  ("Gear noise", None)]
    again = workspace.tasks.import_examples(task.id, path, text_column="report", label_column="category")
    assert again.created == [] and str(again.rejected[0]).startswith("line 2: duplicate: same input as example ")
    with pytest.raises(InputFileError, match="has no column 'text'; its columns are report, category"):
        workspace.tasks.import_examples(task.id, path)


def test_file_level_problems(workspace: Any, tmp_path: Path) -> None:
    task = classification_task(workspace)
    odd = write_jsonl(tmp_path / "odd.jsonl", [{"question": "q", "answer": "a"}])
    with pytest.raises(InputFileError, match="cannot tell the format"):
        workspace.tasks.import_examples(task.id, odd)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text\nStörung\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="is not UTF-8 text"):
        workspace.tasks.import_examples(task.id, latin)
    with pytest.raises(InputFileError, match="unknown format 'xml'"):
        workspace.tasks.import_examples(task.id, odd, fmt="xml")


def _frozen_version(ws: Any, tmp_path: Path) -> tuple[Any, int]:
    task = classification_task(ws)
    rows = [chat(f"Report {i}: {w} on machine {i}", label, system=None)
            for i, (w, label) in enumerate([("breaker trips", "electrical"), ("belt slips", "mechanical"),
                                            ("oil leaks", "hydraulic")] * 4)]
    report = ws.tasks.import_examples(task.id, write_jsonl(tmp_path / "in.jsonl", rows))
    assert len(report.created) == 12
    version = ws.datasets.freeze(task.id, "v1", SplitPlan(seed=2, token_lengths=False), signature=SIGNED)
    return task, version.id


def test_export_chat_jsonl_imports_back_unchanged(workspace: Any, tmp_path: Path) -> None:
    _task, version_id = _frozen_version(workspace, tmp_path)
    out = workspace.datasets.export(version_id, "chat", tmp_path / "export")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["content_hash"] == workspace.datasets.get(version_id).content_hash
    assert sum(manifest["splits"].values()) == 12
    first = json.loads((out / "train.jsonl").read_text().splitlines()[0])
    assert [m["role"] for m in first["messages"]] == ["system", "user", "assistant"]
    assert first["messages"][1]["content"].startswith("Report:\n")
    other = classification_task(workspace, "triage copy")
    back = [workspace.tasks.import_examples(other.id, p) for p in sorted(out.glob("*.jsonl"))]
    rows = [r for rep in back for r in stored(workspace, rep.created)]
    original = [(r.input_text, r.target) for r in workspace.datasets.rows(version_id)]
    assert sorted(rows) == sorted(original)
    with pytest.raises(AirlockError, match="not an empty folder"):
        workspace.datasets.export(version_id, "chat", out)


def test_export_hugging_face_folder(workspace: Any, tmp_path: Path) -> None:
    from datasets import load_from_disk

    _task, version_id = _frozen_version(workspace, tmp_path)
    out = workspace.datasets.export(version_id, "hf", tmp_path / "hf")
    loaded = load_from_disk(str(out))
    counts = {split: len(loaded[split]) for split in loaded}
    assert counts == workspace.datasets.get(version_id).stats["splits"]
    train = {r.example_id: r for r in workspace.datasets.rows(version_id, "train")}
    for rec in loaded["train"]:
        assert rec["target"] == train[rec["example_id"]].target
        assert rec["messages"][-1] == {"role": "assistant", "content": rec["target"]}


def test_a_hugging_face_folder_imports_back_and_its_bad_records_are_named(workspace: Any, tmp_path: Path) -> None:
    from datasets import Dataset, DatasetDict

    _task, version_id = _frozen_version(workspace, tmp_path)
    out = workspace.datasets.export(version_id, "hf", tmp_path / "hf")
    other = classification_task(workspace, "triage copy")
    report = workspace.tasks.import_examples(other.id, out)
    assert report.format == "hf" and report.rejected == [] and report.labelled == 12
    original = [(r.input_text, r.target) for r in workspace.datasets.rows(version_id)]
    assert sorted(stored(workspace, report.created)) == sorted(original)

    # a plain text/label dataset with two splits: records are numbered across the splits in name order
    DatasetDict({"train": Dataset.from_dict({"text": ["The fuse blew", "Valve stuck"],
                                             "label": ["electrical", "plumbing"]}),
                 "test": Dataset.from_dict({"text": ["", "Belt slips"], "label": ["mechanical", None]})},
                ).save_to_disk(str(tmp_path / "plain"))
    report = workspace.tasks.import_examples(other.id, tmp_path / "plain", fmt="hf")
    assert [str(r) for r in report.rejected] == [
        "row 1: empty content: column 'text' is empty",
        "row 4: label 'plumbing' is not in the task's label set (electrical, mechanical, hydraulic)"]
    assert stored(workspace, report.created) == [("Belt slips", None), ("The fuse blew", "electrical")]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError, match="is not a Hugging Face datasets folder"):
        workspace.tasks.import_examples(other.id, tmp_path / "empty")
