"""How numbers, sizes, times and hashes read on screen. "—" stands for "not known"."""

from __future__ import annotations

from datetime import UTC, datetime

MISSING = "—"


def size(n: int | None) -> str:
    if n is None:
        return MISSING
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def when(ts: datetime | str | None) -> str:
    """A UTC timestamp from the database, shown in local time to the minute."""
    if ts is None:
        return MISSING
    if isinstance(ts, str):
        try:
            return when(datetime.fromisoformat(ts.rstrip("Z")))
        except ValueError:
            return ts
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone().strftime("%Y-%m-%d %H:%M")


def when_key(ts: datetime | None) -> str:
    """A sort key for a timestamp column (no time sorts first)."""
    return ts.isoformat() if ts is not None else ""


def when_seconds(ts: str) -> str:
    try:
        parsed = datetime.fromisoformat(ts.rstrip("Z")).replace(tzinfo=UTC)
    except ValueError:
        return ts
    return parsed.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def number(x: float | None, digits: int = 3) -> str:
    return MISSING if x is None else f"{x:.{digits}f}"


def percent(x: float | None, digits: int = 1) -> str:
    return MISSING if x is None else f"{x * 100:.{digits}f}%"


def millis(x: float | None) -> str:
    if x is None:
        return MISSING
    return f"{x:,.0f} ms" if x >= 100 else f"{x:.1f} ms"


def rate(x: float | None) -> str:
    return MISSING if x is None else f"{x:,.1f}"


def short_hash(h: str | None, n: int = 12) -> str:
    return MISSING if not h else h[:n]


def count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
