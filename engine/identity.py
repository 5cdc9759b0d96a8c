"""Who is acting: the OS account (from the process's uid) and the role it holds in the workspace.

There is no environment variable or option that changes who you are: the name comes from the
account database for the real uid. The one exception is ``use_test_user``, an explicit call made
only by the test suite's own fixture (tests/conftest.py) so tests can act as several people.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

ROLES = ("admin", "expert", "operator", "auditor")

_test_user: str | None = None


@dataclass(frozen=True)
class Identity:
    os_user: str
    role: str


def use_test_user(name: str | None) -> None:
    """For the test suite's fixture only: act as ``name`` (None: the real OS account again)."""
    global _test_user
    _test_user = name


def current_os_user() -> str:
    if _test_user:
        return _test_user
    uid = os.getuid() if hasattr(os, "getuid") else None
    if uid is None:  # Windows: GetUserNameW for this process (getpass would read USERNAME first)
        return os.getlogin()
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (KeyError, ImportError):  # no passwd entry in some containers
        return f"uid-{uid}"
