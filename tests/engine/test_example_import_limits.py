"""Example files that break naive readers: a CSV cell over the csv module's 128 KiB field limit,
JSON nested deeper than the parser can go, a file too large to read whole. Each bad row is a
rejection naming its line; a too-large file is one clear error naming it and the limit."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from engine.cli import main
from engine.tasks.example_formats import MAX_FILE_BYTES, Row, RowRejection, read_rows
from engine.tasks.json_rows import MAX_DEPTH
from tests.engine.tasks_data import classification_task

TEMPLATE = "Report:\n{input}\nCategory:"


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def chat_row(user: str, answer: str, extra: str | None = None) -> str:
    row: dict[str, Any] = {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]}
    text = json.dumps(row)
    return text[:-1] + f', "extra": {extra}}}' if extra is not None else text


def outcome(rows: list[Row | RowRejection]) -> list[str]:
    return [str(r) if isinstance(r, RowRejection) else f"ok {r.line}: {r.input_text}" for r in rows]


def test_a_csv_cell_over_128_kib_rejects_that_row_only(tmp_path: Path) -> None:
    huge = "x" * (csv.field_size_limit() + 10)
    text = ("text,label\n"
            "Breaker trips,electrical\n"
            f"{huge},mechanical\n"
            "Pump leaks,hydraulic\n"
            "\"Two\nlines\",mechanical\n"
            f"\"{huge}\",hydraulic\n"
            "Belt slips,mechanical\n")
    path = tmp_path / "big.csv"
    path.write_text(text)
    fmt, rows = read_rows(path, path.read_bytes(), "auto", TEMPLATE)
    assert fmt == "csv"
    assert outcome(rows) == [
        "ok 2: Breaker trips",
        "line 3: a cell is larger than 128 KiB (the limit for one CSV cell)",
        "ok 4: Pump leaks",
        "ok 6: Two\nlines",
        "line 7: a cell is larger than 128 KiB (the limit for one CSV cell)",
        "ok 8: Belt slips",
    ]


def test_deeply_nested_json_lines_are_rejected_by_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text("\n".join([
        chat_row("Breaker trips", "electrical"),
        chat_row("Pump leaks", "hydraulic", extra=nested(100_000)),  # past Python's parser: RecursionError
        chat_row("Belt slips", "mechanical", extra=nested(MAX_DEPTH)),  # parses, but deeper than we allow
        nested(50_000),
        chat_row("Fan hums", "electrical", extra=nested(3)),
    ]) + "\n")
    fmt, rows = read_rows(path, path.read_bytes(), "auto", TEMPLATE)
    assert fmt == "chat"
    assert outcome(rows) == [
        "ok 1: Breaker trips",
        f"line 2: nested more than {MAX_DEPTH} levels deep",
        f"line 3: nested more than {MAX_DEPTH} levels deep",
        f"line 4: nested more than {MAX_DEPTH} levels deep",
        "ok 5: Fan hums",
    ]


def test_a_json_array_with_one_item_too_deep_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    items = [chat_row("Breaker, \"trips\" [x]", "electrical"),
             chat_row("Pump leaks", "hydraulic", extra=nested(100_000)),
             chat_row("Belt slips", "mechanical")]
    path.write_text("[\n" + ",\n".join(items) + "\n]\n")
    _fmt, rows = read_rows(path, path.read_bytes(), "chat", TEMPLATE)
    assert outcome(rows) == ['ok 1: Breaker, "trips" [x]', f"item 2: nested more than {MAX_DEPTH} levels deep",
                             "ok 3: Belt slips"]


def test_a_file_over_the_size_limit_is_one_clear_error(workspace: Any, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    task = classification_task(workspace)
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as fh:  # sparse: as large as it says, without writing it
        fh.truncate(MAX_FILE_BYTES + 1)
    before = workspace.summary()["examples"]
    assert main(["examples", "import", "-w", str(workspace.root), str(path), "--task", str(task.id)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"airlock: error: {path}: is 256 MiB; an example file can be at most 256 MiB (split it, or "
                   "import a Hugging Face datasets folder)")
    assert workspace.summary()["examples"] == before


@pytest.mark.slow
def test_cli_import_reports_the_oversized_cell_and_keeps_the_good_rows(workspace: Any, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Through the whole import (PII detection included, so slow on its first run in a process)."""
    task = classification_task(workspace)
    path = tmp_path / "big.csv"
    path.write_text(f"text,label\nBreaker trips,electrical\n{'x' * 200_000},mechanical\nPump leaks,hydraulic\n")
    assert main(["examples", "import", "-w", str(workspace.root), str(path), "--task", str(task.id), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert f"rejected {path}: line 3: a cell is larger than 128 KiB" in captured.err
    assert "Traceback" not in captured.err
    assert "imported 2 examples" in captured.out
