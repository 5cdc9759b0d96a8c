"""The worker's events, defined once: written as one JSON line each, read back as the same types;
a line still being written, an unknown type or a broken line is skipped, never an error."""

from __future__ import annotations

import json
from pathlib import Path

from engine.training.events import (
    PROGRESS_FILE,
    Begin,
    Cancelled,
    Done,
    Failed,
    Message,
    Metrics,
    Started,
    Step,
    append_event,
    read_events,
)


def test_every_event_round_trips(tmp_path: Path) -> None:
    written = [Started(backend="trl", reason="no GPU", t=0.1), Begin(total_steps=4, t=0.2),
               Step(step=1, total_steps=4, epoch=0.25, eta_s=3.0, memory_mb=512.0, t=0.5),
               Metrics(step=1, epoch=0.25, loss=2.5, learning_rate=1e-4, t=0.6), Message(text="Merging", t=0.7),
               Done(bookkeeping_s=0.01, extra={"adapter_dir": "/a", "final_metrics": {"final_loss": 1.5}}, t=0.9),
               Failed(error="out of memory"), Cancelled(checkpoint="/c", reason="window closed")]
    for event in written:
        append_event(tmp_path, event)
    events, offset = read_events(tmp_path)
    assert events == written and offset == (tmp_path / PROGRESS_FILE).stat().st_size
    line = json.loads((tmp_path / PROGRESS_FILE).read_text().splitlines()[5])
    assert line["type"] == "done" and line["adapter_dir"] == "/a"  # the result sits flat in the line


def test_only_new_complete_known_lines_are_read(tmp_path: Path) -> None:
    append_event(tmp_path, Begin(total_steps=2))
    _, offset = read_events(tmp_path)
    with open(tmp_path / PROGRESS_FILE, "a") as fh:
        fh.write('{"type": "telemetry", "x": 1}\n{not json\n{"type": "step", "step": 1, "total_steps": 2}\n'
                 '{"type": "step", "st')  # the worker is still writing this one
    events, later = read_events(tmp_path, offset)
    assert events == [Step(step=1, total_steps=2)]
    with open(tmp_path / PROGRESS_FILE, "a") as fh:
        fh.write('ep": 2, "total_steps": 2}\n')
    assert read_events(tmp_path, later)[0] == [Step(step=2, total_steps=2)]
    assert read_events(tmp_path / "nowhere") == ([], 0)
