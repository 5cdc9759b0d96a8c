"""One place for timestamps, so every table and the audit log agree on UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def iso(ts: datetime | None = None) -> str:
    return (ts or now()).isoformat(timespec="microseconds") + "Z"
