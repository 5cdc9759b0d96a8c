"""Extraction records are written one way everywhere the model sees them: the decoder's order
(required properties first, each group in schema order) and json.dumps' spacing."""

from __future__ import annotations

import json
from typing import Any

from engine.evaluation.runs import pick_shots
from engine.tasks.record_text import record_text, schema_key_order, served_answer
from tests.engine.tasks_data import add_examples
from tests.signed import SIGNED

BOOKING = {"type": "object",
           "properties": {"people": {"type": "string"}, "date": {"type": "string"}, "time": {"type": "string"},
                          "first_name": {"type": "string"}, "last_name": {"type": "string"}},
           "required": ["people", "date", "time"]}
NESTED = {"type": "object",
          "properties": {"z": {"type": "integer"},
                         "items": {"type": "array", "items": {"type": "object",
                                                              "properties": {"b": {"type": "string"},
                                                                             "a": {"type": "string"}},
                                                              "required": ["b", "a"]}}},
          "required": ["z"]}


def test_keys_follow_the_decoders_order_not_the_sorted_storage() -> None:
    stored = json.dumps({"date": "5 May", "first_name": "Ana", "last_name": "", "people": "2", "time": "19:00"},
                        sort_keys=True)
    assert schema_key_order(BOOKING) == ["people", "date", "time", "first_name", "last_name"]
    served = served_answer("extraction", {"schema": BOOKING}, stored)
    assert served == '{"people": "2", "date": "5 May", "time": "19:00", "first_name": "Ana", "last_name": ""}'
    assert json.loads(served) == json.loads(stored)
    # required first even when the schema lists an optional property before it
    schema = {"type": "object", "properties": {"note": {"type": "string"}, "id": {"type": "integer"}},
              "required": ["id"]}
    assert record_text(schema, {"note": "x", "id": 1}) == '{"id": 1, "note": "x"}'


def test_nested_objects_unknown_keys_and_other_kinds() -> None:
    value = {"items": [{"a": "1", "b": "2"}], "z": 3, "extra": "é"}
    assert record_text(NESTED, value) == '{"z": 3, "items": [{"b": "2", "a": "1"}], "extra": "é"}'
    assert served_answer("classification", {}, "electrical") == "electrical"
    assert served_answer("extraction", {"schema": BOOKING}, "not json") == "not json"


def test_frozen_targets_training_pairs_and_shots_use_the_served_form(workspace: Any) -> None:
    task = workspace.tasks.create("booking", "extraction", {"schema": BOOKING}, "Extract the booking as JSON.",
                                  "Message:\n{input}")
    bookings = [(2, 5, 19, "Ana", "Diaz"), (4, 6, 20, "Bo", ""), (3, 7, 18, "Cy", "Ng"), (5, 8, 21, "Di", ""),
                (6, 9, 17, "Ed", "Li")]
    ids = add_examples(workspace, task.id, [f"Table for {n} on {d} May at {h}:00, name {f} {last}"
                                            for n, d, h, f, last in bookings])
    for ex, (n, d, h, f, last) in zip(ids, bookings, strict=True):
        record = {"people": str(n), "date": f"{d} May", "time": f"{h}:00", "first_name": f, "last_name": last}
        workspace.tasks.set_label(ex, json.dumps(record))
    from engine.datasets.freeze import SplitPlan

    version = workspace.datasets.freeze(task.id, "v1", SplitPlan(seed=3, eval_fraction=0.2, test_fraction=0.2,
                                                                 token_lengths=False), signature=SIGNED)
    rows = workspace.datasets.rows(version.id)
    assert rows and all(r.target.startswith('{"people": ') for r in rows)
    assert all(list(json.loads(r.target)) == schema_key_order(BOOKING)[:len(json.loads(r.target))] for r in rows)
    shots = pick_shots([(r.input_text, r.target) for r in rows], 2, seed=1, by_label=False)
    assert all(s.answer.startswith('{"people": ') for s in shots)
