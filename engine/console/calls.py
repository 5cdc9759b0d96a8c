"""The console's call log: every answer recorded (redacted input only), and what monitoring reads.

Monitoring buckets the calls by hour or day: volume, p50/p95 latency and the share of
answers under the confidence threshold (flagged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.clock import now
from engine.evaluation.metrics import percentile
from engine.store.models import ConsoleCall

if TYPE_CHECKING:
    from engine.workspace import Workspace

DEFAULT_THRESHOLD = 0.7
THRESHOLD_SETTING = "console.confidence_threshold"


def threshold(ws: Workspace, override: float | None = None) -> float:
    """The confidence under which answers are flagged for review (a workspace setting)."""
    if override is not None:
        return override
    return float(ws.setting(THRESHOLD_SETTING, str(DEFAULT_THRESHOLD)) or DEFAULT_THRESHOLD)


@dataclass(frozen=True)
class CallInfo:
    id: int
    artifact_id: int | None
    mode: str
    redacted_input: str
    output: str
    confidence: float | None
    flagged: bool
    latency_ms: float
    tokens: int
    task_id: int | None
    example_id: int | None
    reviewed: str | None
    created_at: datetime


def _info(c: ConsoleCall) -> CallInfo:
    return CallInfo(c.id, c.artifact_id, c.mode, c.redacted_input, c.output, c.confidence, c.flagged,
                    c.latency_ms, c.tokens, c.task_id, c.example_id, c.reviewed, c.created_at)


def log_call(ws: Workspace, *, artifact_id: int | None, model_sha256: str, mode: str, redacted_input: str,
             output: str, confidence: float | None, flagged: bool, latency_ms: float, tokens: int,
             task_id: int | None, audit: dict[str, object]) -> int:
    """Record one console call and its audit event in one transaction; returns the call id."""
    ws.membership.require("operator", "the console")
    with ws.unit() as s:
        call = ConsoleCall(artifact_id=artifact_id, model_sha256=model_sha256, mode=mode,
                           redacted_input=redacted_input, output=output, confidence=confidence,
                           flagged=flagged, latency_ms=latency_ms, tokens=tokens, task_id=task_id,
                           os_user=ws.identity.os_user, created_at=now())
        s.add(call)
        s.flush()
        details = {"artifact": model_sha256, "flagged": flagged,
                   "confidence": None if confidence is None else round(confidence, 4), **audit}
        ws.audit.record(s, f"console.{mode}", f"console_call:{call.id}", details)
        return call.id


def calls(ws: Workspace, mode: str | None = None, flagged: bool | None = None, unreviewed: bool = False,
          limit: int = 500) -> list[CallInfo]:
    with ws.reader() as s:
        stmt = select(ConsoleCall).order_by(ConsoleCall.id.desc()).limit(limit)
        if mode is not None:
            stmt = stmt.where(ConsoleCall.mode == mode)
        if flagged is not None:
            stmt = stmt.where(ConsoleCall.flagged == flagged)
        if unreviewed:
            stmt = stmt.where(ConsoleCall.reviewed.is_(None))
        return [_info(c) for c in s.scalars(stmt)]


def call(ws: Workspace, call_id: int) -> CallInfo:
    from engine.errors import AirlockError

    with ws.reader() as s:
        c = s.get(ConsoleCall, call_id)
        if c is None:
            raise AirlockError(f"no console call with id {call_id}")
        return _info(c)


@dataclass(frozen=True)
class Bucket:
    start: datetime
    calls: int
    p50_ms: float
    p95_ms: float
    low_confidence_share: float | None  # among answers that carry a confidence


def monitoring(ws: Workspace, by: str = "hour", since: datetime | None = None) -> list[Bucket]:
    """Volume, latency percentiles and low-confidence share per hour or day, oldest first."""
    if by not in ("hour", "day"):
        raise ValueError("bucket by 'hour' or 'day'")
    with ws.reader() as s:
        stmt = select(ConsoleCall.created_at, ConsoleCall.latency_ms, ConsoleCall.confidence, ConsoleCall.flagged)
        if since is not None:
            stmt = stmt.where(ConsoleCall.created_at >= since)
        rows = s.execute(stmt).all()
    groups: dict[datetime, list[tuple[float, float | None, bool]]] = {}
    for created, latency, confidence, flagged in rows:
        key = created.replace(minute=0, second=0, microsecond=0)
        if by == "day":
            key = key.replace(hour=0)
        groups.setdefault(key, []).append((latency, confidence, flagged))
    buckets = []
    for key in sorted(groups):
        items = groups[key]
        lat = [i[0] for i in items]
        scored = [i for i in items if i[1] is not None]
        share = sum(1 for i in scored if i[2]) / len(scored) if scored else None
        buckets.append(Bucket(key, len(items), percentile(lat, 50), percentile(lat, 95), share))
    return buckets
