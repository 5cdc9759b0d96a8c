"""Who is acting: the OS user and the role they hold in the workspace."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

ROLES = ("admin", "expert", "operator", "auditor")


@dataclass(frozen=True)
class Identity:
    os_user: str
    role: str


def current_os_user() -> str:
    override = os.environ.get("AIRLOCK_USER")
    if override:
        return override
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"
