"""An audit event's details in words: what changed (old -> new), the reason, a signature's meaning.

Shared by `airlock audit show` and the Audit page; the raw JSON stays one flag or click away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.audit import AuditEntry


def short(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {short(v)}" for k, v in value.items())
    if isinstance(value, list):
        shown = ", ".join(short(v) for v in value[:5])
        return shown + (f" … ({len(value)} in all)" if len(value) > 5 else "")
    text = "—" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def readable_lines(entry: AuditEntry) -> list[str]:
    """What changed, old → new, the reason and a signature's meaning, in words; the rest as `key: value`."""
    d = dict(entry.details)
    lines = []
    signature = d.pop("signature", None)
    if isinstance(signature, dict):
        lines.append(f"Signed by {signature.get('signer', entry.os_user)} as “{signature.get('meaning', '?')}”: "
                     f"{signature.get('reason', '')}")
    if "old" in d or "new" in d:
        lines.append(f"Changed: {short(d.pop('old', None))} → {short(d.pop('new', None))}")
    for key in ("reason", "override_reason"):
        if d.get(key):
            lines.append(f"Reason: {d.pop(key)}")
    lines.extend(f"{key.replace('_', ' ')}: {short(value)}" for key, value in d.items())
    return lines
