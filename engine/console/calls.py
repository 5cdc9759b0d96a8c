"""The console's call log: every answer recorded (redacted input only), and what monitoring reads.

Monitoring buckets the calls by hour or day: volume, p50/p95 latency and the share of
answers under the confidence threshold (flagged).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Row, select

from engine.clock import now
from engine.errors import AirlockError
from engine.evaluation.metrics import percentile
from engine.store.models import ConsoleCall

if TYPE_CHECKING:
    from engine.members import MembershipService
    from engine.store.workspace_store import WorkspaceStore
    from engine.workspace import Workspace

DEFAULT_THRESHOLD = 0.7
THRESHOLD_SETTING = "console.confidence_threshold"


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


@dataclass(frozen=True)
class Bucket:
    start: datetime
    calls: int
    p50_ms: float
    p95_ms: float
    low_confidence_share: float | None  # among answers that carry a confidence



class CallLog:
    """The console's call log, over the workspace store; ``ws.console.log``."""

    def __init__(self, store: WorkspaceStore, membership: MembershipService) -> None:
        self.store = store
        self.membership = membership

    def threshold(self, override: float | None = None) -> float:
        """The confidence under which answers are flagged for review (a workspace setting)."""
        if override is not None:
            return override
        return float(self.store.setting(THRESHOLD_SETTING, str(DEFAULT_THRESHOLD)) or DEFAULT_THRESHOLD)

    def record(self, *, artifact_id: int | None, model_sha256: str, mode: str, redacted_input: str,
               output: str, confidence: float | None, flagged: bool, latency_ms: float, tokens: int,
               task_id: int | None, audit: dict[str, object]) -> int:
        """Record one console call and its audit event in one transaction; returns the call id."""
        self.membership.require("operator", "the console")
        with self.store.unit() as s:
            call = ConsoleCall(artifact_id=artifact_id, model_sha256=model_sha256, mode=mode,
                               redacted_input=redacted_input, output=output, confidence=confidence,
                               flagged=flagged, latency_ms=latency_ms, tokens=tokens, task_id=task_id,
                               os_user=self.store.identity.os_user, created_at=now())
            s.add(call)
            s.flush()
            details = {"artifact": model_sha256, "flagged": flagged,
                       "confidence": None if confidence is None else round(confidence, 4), **audit}
            self.store.audit.record(s, f"console.{mode}", f"console_call:{call.id}", details)
            return call.id

    def calls(self, mode: str | None = None, flagged: bool | None = None, unreviewed: bool = False,
              limit: int = 500) -> list[CallInfo]:
        with self.store.reader() as s:
            stmt = select(ConsoleCall).order_by(ConsoleCall.id.desc()).limit(limit)
            if mode is not None:
                stmt = stmt.where(ConsoleCall.mode == mode)
            if flagged is not None:
                stmt = stmt.where(ConsoleCall.flagged == flagged)
            if unreviewed:
                stmt = stmt.where(ConsoleCall.reviewed.is_(None))
            return [_info(c) for c in s.scalars(stmt)]

    def call(self, call_id: int) -> CallInfo:
        with self.store.reader() as s:
            c = s.get(ConsoleCall, call_id)
            if c is None:
                raise AirlockError(f"no console call with id {call_id}")
            return _info(c)

    def monitoring(self, by: str = "hour", since: datetime | None = None) -> list[Bucket]:
        """Volume, latency percentiles and low-confidence share per hour or day, oldest first."""
        if by not in ("hour", "day"):
            raise ValueError("bucket by 'hour' or 'day'")
        with self.store.reader() as s:
            stmt = select(ConsoleCall.created_at, ConsoleCall.latency_ms, ConsoleCall.confidence,
                          ConsoleCall.flagged)
            if since is not None:
                stmt = stmt.where(ConsoleCall.created_at >= since)
            rows = s.execute(stmt).all()
        return _buckets(rows, by)


def _buckets(rows: Sequence[Row[datetime, float, float | None, bool]], by: str) -> list[Bucket]:
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


# The module's functions, as before: they go through the workspace's console service.
def threshold(ws: Workspace, override: float | None = None) -> float:
    return ws.console.log.threshold(override)


def log_call(ws: Workspace, *, artifact_id: int | None, model_sha256: str, mode: str, redacted_input: str,
             output: str, confidence: float | None, flagged: bool, latency_ms: float, tokens: int,
             task_id: int | None, audit: dict[str, object]) -> int:
    return ws.console.log.record(artifact_id=artifact_id, model_sha256=model_sha256, mode=mode,
                                 redacted_input=redacted_input, output=output, confidence=confidence,
                                 flagged=flagged, latency_ms=latency_ms, tokens=tokens, task_id=task_id,
                                 audit=audit)


def calls(ws: Workspace, mode: str | None = None, flagged: bool | None = None, unreviewed: bool = False,
          limit: int = 500) -> list[CallInfo]:
    return ws.console.log.calls(mode, flagged, unreviewed, limit)


def call(ws: Workspace, call_id: int) -> CallInfo:
    return ws.console.log.call(call_id)


def monitoring(ws: Workspace, by: str = "hour", since: datetime | None = None) -> list[Bucket]:
    return ws.console.log.monitoring(by, since)
