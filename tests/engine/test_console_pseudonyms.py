"""Reversible pseudonymisation in the console (issue 17): within one call the input's names and dates
become typed placeholders for the model and the call log; the operator's answer has the real values
mapped back; the log, the review queue and any example made from the call keep only placeholders."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.console.pseudonyms import pseudonymise
from engine.workspace import Workspace

BOOKING = ("Hello, this is Margarethe Vogelsang. Please book a table for Bartholomew Quigley and me "
           "on 14 March 2026 at 7 pm. Thanks!")
NAMES = ("Margarethe Vogelsang", "Bartholomew Quigley")


def test_placeholders_map_back_within_the_call_only(workspace: Workspace) -> None:
    pseudo = pseudonymise(workspace, BOOKING)
    assert not any(n in pseudo.text for n in NAMES) and "14 March 2026" not in pseudo.text
    assert {"<PERSON_1>", "<PERSON_2>", "<DATE_TIME_1>"} <= set(pseudo.values)
    assert pseudo.reveal(pseudo.text) == BOOKING  # every placeholder maps back to its value
    record = {"guest": "<PERSON_2>", "date": "<DATE_TIME_1>", "note": "<PERSON_9> unknown stays"}
    shown = pseudo.reveal_value(record)
    assert shown == {"guest": "Bartholomew Quigley", "date": "14 March 2026", "note": "<PERSON_9> unknown stays"}
    assert "Quigley" not in repr(pseudo)  # the map is not in the object's printed form (logs)


SCHEMA = {"type": "object", "properties": {
    "booked_by": {"enum": ["<PERSON_1>", "<PERSON_2>"]},
    "guest": {"type": "string", "maxLength": 40},
    "date": {"type": "string", "maxLength": 40}}, "required": ["booked_by", "guest", "date"]}


@pytest.fixture(scope="module")
def booking_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, int, int]]:
    from engine.paths import demo_model_path

    root = tmp_path_factory.mktemp("pseudo") / "ws"
    ws = Workspace.create(root)
    model = demo_model_path()
    assert model is not None
    copy = root.parent / "demo.gguf"
    shutil.copyfile(model, copy)
    base = ws.models.ensure_demo_model()
    art = ws.models.add_artifact("demo-chat", "gguf", copy, "Q4_1", None, base.id, "test copy")
    task = ws.tasks.create("Bookings", "extraction", {"schema": SCHEMA},
                           "Extract who booked, the guest's name and the date as JSON.", "Message:\n{input}")
    yield ws, art.id, task.id
    from engine.console.models import unload_all

    unload_all()
    ws.close()


@pytest.mark.slow
def test_extraction_of_names_and_dates_shows_values_and_logs_placeholders(
        booking_ws: tuple[Workspace, int, int], tmp_path: Path) -> None:
    from engine.console import extract_text
    from engine.console.calls import call

    ws, art_id, task_id = booking_ws
    ans = extract_text(ws, art_id, BOOKING, task_id=task_id, threshold=0.99)
    assert ans.revealed and ans.value["booked_by"] in NAMES  # the model answered a placeholder; shown: the name
    logged = call(ws, ans.call_id)
    stored = logged.redacted_input + logged.output
    assert not any(n in stored for n in NAMES) and "14 March 2026" not in stored
    assert json.loads(logged.output)["booked_by"] in ("<PERSON_1>", "<PERSON_2>")
    assert pseudonymise(ws, BOOKING).reveal_value(json.loads(logged.output)) == ans.value
    # the review queue turns the call into a labelled example: placeholders only
    from engine.console.review import resolve

    detail = ws.tasks.example_detail(resolve(ws, ans.call_id))
    assert detail is not None and not any(n in detail.input_text + str(detail.labels) for n in NAMES)
    assert "<PERSON_1>" in detail.input_text
    raw = b"".join(p.read_bytes() for p in Path(ws.root).rglob("*") if p.is_file() and p.suffix != ".gguf")
    assert not any(n.encode() in raw for n in NAMES)
