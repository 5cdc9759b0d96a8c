"""Shared data for the task, labelling and dataset tests: tasks of each kind and examples stored
through the real services (documents are stored already cleared, as after a PII review)."""

from __future__ import annotations

from typing import Any

from engine.clock import now
from engine.store.models import Document, Example

LABELS = [{"name": "electrical", "description": "power, wiring"},
          {"name": "mechanical", "description": "bearings, belts"},
          {"name": "hydraulic", "description": "oil, pumps"}]
SCHEMA = {"type": "object",
          "properties": {"machine": {"type": "string"},
                         "severity": {"type": "string", "enum": ["low", "high"]},
                         "hours": {"type": "integer"},
                         "stopped": {"type": "boolean"}},
          "required": ["machine", "severity"]}


def classification_task(ws: Any, name: str = "triage") -> Any:
    return ws.tasks.create(name, "classification", {"labels": LABELS}, "Triage the report.",
                           "Report:\n{input}\nCategory:")


def extraction_task(ws: Any, name: str = "extract") -> Any:
    return ws.tasks.create(name, "extraction", {"schema": SCHEMA}, "Extract the fields as JSON.",
                           "Report:\n{input}")


def generation_task(ws: Any, name: str = "summarise", max_chars: int | None = None) -> Any:
    spec = {"max_chars": max_chars} if max_chars else {}
    return ws.tasks.create(name, "generation", spec, "Summarise the report.", "{input}")


def add_examples(ws: Any, task_id: int, texts: list[str]) -> list[int]:
    """Examples as an import would store them (input text already redacted)."""
    with ws.unit() as s:
        rows = [Example(task_id=task_id, origin="import", input_text=t, created_at=now()) for t in texts]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def labelled(ws: Any, task_id: int, rows: list[tuple[str, str]]) -> list[int]:
    """Examples each labelled by the current user."""
    ids = add_examples(ws, task_id, [t for t, _ in rows])
    for ex, (_t, label) in zip(ids, rows, strict=True):
        ws.tasks.set_label(ex, label)
    return ids


def add_cleared_document(ws: Any, name: str, text: str, label: str | None = None) -> int:
    with ws.unit() as s:
        doc = Document(source_name=name, format="txt", size_bytes=len(text), sha256=f"{hash(name):064x}"[-64:],
                       original_text=None, redacted_text=text, status="cleared", source_label=label,
                       imported_by="tester", imported_at=now())
        s.add(doc)
        s.flush()
        return int(doc.id)


FAULTS = {
    "electrical": ["the breaker trips when the {m} starts", "a fuse blows on the {m} control cabinet",
                   "the {m} motor has no power after the night shift", "wiring to the {m} sensor is burnt"],
    "mechanical": ["a bearing of the {m} grinds loudly", "the {m} belt slips under load",
                   "the gear of the {m} has broken teeth", "the {m} frame vibrates at high speed"],
    "hydraulic": ["the {m} pump leaks oil at the seal", "pressure drops in the {m} cylinder",
                  "a hose of the {m} burst during the test", "the {m} valve sticks open"],
}
MACHINES = ["press", "lathe", "conveyor", "filler", "robot", "mill", "crane", "saw", "drill", "packer",
            "mixer", "oven", "pallet wrapper", "labeller", "capper", "boiler", "compressor", "chiller",
            "extruder", "shredder", "welder", "loader", "sorter", "printer", "cutter"]


def fault_corpus() -> list[tuple[str, str]]:
    """(text, label): 300 distinct short reports, 100 per label, none a near-duplicate of another."""
    rows = []
    for label, patterns in FAULTS.items():
        for i in range(100):
            machine = MACHINES[i % len(MACHINES)]
            pattern = patterns[(i // len(MACHINES)) % len(patterns)]
            rows.append((f"Line {i * 7 + len(label)}: {pattern.format(m=machine)} (ticket {label[:3]}-{i})", label))
    return rows
