"""The local endpoint's bearer token: one per workspace, shown once, rotatable, audited.

Only its sha256 is stored (as a workspace setting); the token itself is printed once when it is
issued. Every request must carry ``Authorization: Bearer <token>``; calls are logged under the
token's name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.clock import iso
from engine.errors import AirlockError
from engine.store.models import Setting

if TYPE_CHECKING:
    from engine.members import MembershipService
    from engine.store.workspace_store import WorkspaceStore
    from engine.workspace import Workspace

TOKEN_SETTING = "console.endpoint_token"
PREFIX = "airlock-"


@dataclass(frozen=True)
class TokenInfo:
    name: str
    fingerprint: str  # the first 12 hex digits of the token's sha256: enough to tell tokens apart
    issued_at: str
    issued_by: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class EndpointToken:
    """The endpoint's bearer token, over the workspace store; ``ws.console.token``."""

    def __init__(self, store: WorkspaceStore, membership: MembershipService) -> None:
        self.store = store
        self.membership = membership

    def current(self) -> TokenInfo | None:
        raw = self.store.setting(TOKEN_SETTING)
        if not raw:
            return None
        d = json.loads(raw)
        return TokenInfo(d["name"], d["sha256"][:12], d["issued_at"], d["issued_by"])

    def issue(self, name: str = "default") -> str:
        """A new token (replacing any earlier one, which stops working at once). Returned once, never stored."""
        name = name.strip()
        if not name or len(name) > 60:
            raise AirlockError("a token needs a name of 1-60 characters (it names the calls made with it)")
        self.membership.require("operator", "the local endpoint's token")
        token = PREFIX + secrets.token_urlsafe(32)
        record = {"name": name, "sha256": _digest(token), "issued_at": iso(),
                  "issued_by": self.store.identity.os_user}
        with self.store.unit() as s:
            row = s.get(Setting, TOKEN_SETTING)
            replaced = json.loads(row.value)["name"] if row is not None and row.value else None
            if row is None:
                s.add(Setting(key=TOKEN_SETTING, value=json.dumps(record)))
            else:
                row.value = json.dumps(record)
            self.store.audit.record(s, "console.endpoint_token_issued", "endpoint:token",
                                    {"name": name, "fingerprint": record["sha256"][:12], "replaces": replaced})
        return token

    def holder(self, authorization: str | None) -> str | None:
        """The token's name when ``authorization`` is ``Bearer <the current token>``, else None."""
        raw = self.store.setting(TOKEN_SETTING)
        if not raw or not authorization or not authorization.startswith("Bearer "):
            return None
        d = json.loads(raw)
        given = _digest(authorization[len("Bearer "):].strip())
        return str(d["name"]) if hmac.compare_digest(given, d["sha256"]) else None


# The module's functions, as before: they go through the workspace's console service.
def current(ws: Workspace) -> TokenInfo | None:
    return ws.console.token.current()


def issue(ws: Workspace, name: str = "default") -> str:
    return ws.console.token.issue(name)


def holder(ws: Workspace, authorization: str | None) -> str | None:
    return ws.console.token.holder(authorization)
