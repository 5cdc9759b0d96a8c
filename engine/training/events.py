"""What a training worker tells whoever follows its run, defined once.

The worker appends one JSON object per line to the run's ``progress.jsonl`` (its ``type`` names the
event, ``t`` is seconds since the worker started); ``read_events`` turns the new complete lines back
into these dataclasses. The service's ``wait`` and ``follow``, the CLI's ``train logs``, the Training
page's live view and the tests all read the same types.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

PROGRESS_FILE = "progress.jsonl"


@dataclass(frozen=True)
class Event:
    TYPE: ClassVar[str] = ""
    t: float | None = field(default=None, kw_only=True)  # seconds since the worker started

    def to_dict(self) -> dict[str, Any]:
        body = {k: v for k, v in asdict(self).items() if v is not None or k == "t"}
        extra = body.pop("extra", None) or {}
        return {"type": self.TYPE, **body, **extra}


@dataclass(frozen=True)
class Started(Event):
    TYPE: ClassVar[str] = "started"
    backend: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Begin(Event):
    TYPE: ClassVar[str] = "begin"
    total_steps: int = 0


@dataclass(frozen=True)
class Step(Event):
    TYPE: ClassVar[str] = "step"
    step: int = 0
    total_steps: int = 0
    epoch: float = 0.0
    eta_s: float | None = None
    memory_mb: float | None = None
    gpu_memory_mb: float | None = None
    bookkeeping_s: float = 0.0  # the worker's own overhead up to the previous step


@dataclass(frozen=True)
class Metrics(Event):
    TYPE: ClassVar[str] = "metrics"
    step: int = 0
    epoch: float = 0.0
    memory_mb: float | None = None
    loss: float | None = None
    eval_loss: float | None = None
    learning_rate: float | None = None
    tokens_per_second: float | None = None


@dataclass(frozen=True)
class Message(Event):
    TYPE: ClassVar[str] = "message"
    text: str = ""


@dataclass(frozen=True)
class Done(Event):
    TYPE: ClassVar[str] = "done"
    bookkeeping_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)  # the run's result (adapter_dir, final_metrics ...)


@dataclass(frozen=True)
class Failed(Event):
    TYPE: ClassVar[str] = "failed"
    error: str = ""


@dataclass(frozen=True)
class Cancelled(Event):
    TYPE: ClassVar[str] = "cancelled"
    checkpoint: str | None = None
    reason: str | None = None


KINDS: dict[str, type[Event]] = {k.TYPE: k for k in (Started, Begin, Step, Metrics, Message, Done, Failed,
                                                      Cancelled)}
ENDS = (Done, Failed, Cancelled)


def parse(data: dict[str, Any]) -> Event | None:
    """The event a progress line holds (None: a type this version does not know)."""
    kind = KINDS.get(str(data.get("type")))
    if kind is None:
        return None
    known = {f.name for f in fields(kind)} - {"extra"}
    args = {k: v for k, v in data.items() if k in known}
    if kind is Done:
        args["extra"] = {k: v for k, v in data.items() if k not in known and k != "type"}
    return kind(**args)


def append_event(run_dir: Path, event: Event) -> None:
    with open(run_dir / PROGRESS_FILE, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(event.to_dict()) + "\n")
        fh.flush()


def read_events(run_dir: Path, offset: int = 0) -> tuple[list[Event], int]:
    """The events of the complete lines after byte ``offset``, and the offset to read from next."""
    path = run_dir / PROGRESS_FILE
    if not path.is_file():
        return [], offset
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    events: list[Event] = []
    consumed = 0
    for line in data.splitlines(keepends=True):
        if not line.endswith(b"\n"):
            break  # the worker is still writing it
        consumed += len(line)
        try:
            event = parse(json.loads(line))
        except (json.JSONDecodeError, TypeError):
            continue
        if event is not None:
            events.append(event)
    return events, offset + consumed
