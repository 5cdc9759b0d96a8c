"""The CLI's shared options are defined once (engine/cli/options.py) and every command has them: --workspace
on every command, --json on every command that prints data; the one table printer; progress as a bar on a
terminal and as lines elsewhere."""

from __future__ import annotations

import argparse
import fcntl
import io
import json
import os
import re
import struct
import termios
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.cli import build_parser, main
from engine.cli.progress import ConsoleProgress, close_open
from engine.cli.table import Column, print_rows, table_lines
from engine.workspace import Workspace

CLI = Path(__file__).resolve().parents[2] / "engine" / "cli"

# Every command that prints data a script may want; `status`, `train show` and `train logs` print JSON always.
PRINTS_DATA = ["documents list", "pii scan", "pii findings", "pii policy", "examples review", "task list",
               "dataset freeze", "dataset check", "dataset diff", "dataset list", "dataset rejections", "models list",
               "train status", "train compare", "export", "extract", "classify", "monitor", "review", "eval compare",
               "eval predictions", "eval settings", "eval gate", "iterate", "audit show", "members list", "lineage",
               "token show", "doctor"]


def _commands(parser: argparse.ArgumentParser,
              path: tuple[str, ...] = ()) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield " ".join(path), parser
    for action in subs:
        for name, sub in action.choices.items():
            yield from _commands(sub, (*path, name))


def _help(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as done:
        main([*command.split(), "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def test_every_command_lists_workspace_and_the_data_commands_json(capsys: pytest.CaptureFixture[str]) -> None:
    commands = dict(_commands(build_parser()))
    assert len(commands) > 60 and set(PRINTS_DATA) <= set(commands)
    for command in commands:
        text = _help(command, capsys)
        assert "--workspace" in text, command
        if command in PRINTS_DATA:
            assert "--json" in text, command


def test_each_common_option_is_defined_once() -> None:
    """No command module adds --workspace, --json or --quiet itself: they come from options.py's parents
    (`demo --json FILE` is another option: the file to write the results to). No importlib either."""
    for path in CLI.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "importlib" not in text, path.name
        if path.name == "options.py":
            continue
        assert not re.search(r'add_argument\("--workspace"|"--quiet"|"--json", action', text), path.name
        assert "def workspace_arg" not in text, path.name


def test_workspace_after_a_command_that_had_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`pii scan` stores nothing; it takes --workspace after its name like every command (as before it)."""
    note = tmp_path / "note.txt"
    note.write_text("Call Maria Jensen on +49 151 4556 9479.", encoding="utf-8")
    assert main(["pii", "scan", str(note), "--json", "--workers", "1", "-w", str(tmp_path / "ws")]) == 0
    assert json.loads(capsys.readouterr().out)[0]["file"] == str(note)
    assert not (tmp_path / "ws").exists()


def test_list_commands_print_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    with Workspace.create(root):
        pass
    w = ["--workspace", str(root)]
    expected = {"task list": [], "dataset list": [], "train status": [], "monitor": [], "review": [],
                "examples review": [], "documents list": [], "token show": None}
    for command, value in expected.items():
        assert main([*command.split(), "--json", *w]) == 0, command
        assert json.loads(capsys.readouterr().out) == value, command
    assert main(["eval", "settings", "--json", *w]) == 0
    settings = json.loads(capsys.readouterr().out)
    assert {"key", "value", "meaning"} == set(settings[0]) and any(s["key"] == "cost.power_watts" for s in settings)
    assert main(["pii", "policy", "--json", *w]) == 0
    policy = {r["entity"]: (r["action"], r["changed"]) for r in json.loads(capsys.readouterr().out)}
    assert policy["DATE_TIME"] == ("review", False)
    assert main(["members", "list", "--json", *w]) == 0
    assert [m["role"] for m in json.loads(capsys.readouterr().out)] == ["admin"]


def test_the_table_printer() -> None:
    rows = [{"id": 7, "name": "alpha", "score": 0.91234, "note": None},
            {"id": 123, "name": "a much longer name", "score": None, "note": "x"}]
    columns = (Column("id", 4, right=True, title="id"), Column("name", 8, clip=True, title="name"),
               Column("score", fmt="{:.2f}", title="score"), Column("note", title="note"))
    assert table_lines(rows, columns, sep=" | ", header=True) == [
        "  id | name     | score | note", "   7 | alpha    | 0.91  | -", " 123 | a much l | -     | x"]
    assert table_lines(rows, (Column("id"), Column("name"), Column("score")), sep="\t") == [
        "7\talpha\t0.9123", "123\ta much longer name\t-"]  # tab-separated: never padded
    out = io.StringIO()
    from contextlib import redirect_stdout

    with redirect_stdout(out):
        print_rows(argparse.Namespace(json=True), rows, columns)
    assert json.loads(out.getvalue()) == rows


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise() -> None:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal 100 columns wide
    with os.fdopen(slave, "w", closefd=True) as terminal:
        bar = ConsoleProgress(stream=terminal)
        assert bar.terminal
        bar(0.25, "Freezing")
        bar(0.5, "Freezing")
        close_open()  # what `airlock` does when a command ends before its job reached 1
        terminal.flush()
        drawn = os.read(master, 65536).decode()
    os.close(master)
    assert "25.0%" in drawn and "50.0%" in drawn and "Freezing" in drawn and "\r" in drawn and "[ 25.0%]" not in drawn

    lines = io.StringIO()
    plain = ConsoleProgress(stream=lines)
    assert not plain.terminal
    plain(0.25, "Freezing")
    plain(0.5, "Freezing")  # the same message within 5 s: not repeated
    plain(1.0, "Done")
    assert lines.getvalue().splitlines() == ["[ 25.0%] Freezing", "[100.0%] Done"]

    quiet = io.StringIO()
    ConsoleProgress(quiet=True, stream=quiet)(0.5, "Freezing")
    assert quiet.getvalue() == ""
