"""Members and roles: who may do what in a workspace, enforced by the engine.

- admin: members and roles, workspace settings, keep-originals (and everything an expert may do);
- expert: documents, PII review, tasks, labelling, datasets, training, export, evaluation, promotion
  (and everything an operator may do);
- operator: the console, batches and the review queue's corrections;
- auditor: reads everything, verifies, exports reports and signs seals; changes nothing.

Two places check. Each service entry point calls ``require(work)`` first, so a refused user is
stopped before any work starts; and every audit event is checked against the role its action needs
(``work_for_action``) inside the same transaction, so a change no entry point guarded still cannot be
committed by the wrong role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import now
from engine.errors import AirlockError, NotAMember, RoleRefused
from engine.identity import ROLES
from engine.store.models import Member

if TYPE_CHECKING:
    from engine.store.workspace_store import WorkspaceStore

# Kinds of work -> the roles allowed to do it.
WORK: dict[str, frozenset[str]] = {
    "admin": frozenset({"admin"}),
    "expert": frozenset({"admin", "expert"}),
    "operator": frozenset({"admin", "expert", "operator"}),
    "seal": frozenset({"auditor"}),
    "read": frozenset(ROLES),
}

WORK_WORDS = {"admin": "the admin role", "expert": "the expert (or admin) role",
              "operator": "the operator, expert or admin role", "seal": "the auditor role",
              "read": "membership"}

# Audit actions -> the work they are. Longest matching prefix wins; anything else is expert work.
ACTION_WORK: dict[str, str] = {
    "workspace.created": "admin",
    "member.": "admin",
    "pii.keep_originals": "admin",
    "console.": "operator",
    "setting.changed": "operator",  # which setting needs which role: change_setting checks the key
    "audit.sealed": "seal",
    "audit.key_registered": "seal",
    "evaluation.report_exported": "read",
    "lineage.exported": "read",
    "network.blocked": "read",
    "inference.crashed": "read",
}


def work_for_action(action: str) -> str:
    matches = [p for p in ACTION_WORK if action.startswith(p)]
    return ACTION_WORK[max(matches, key=len)] if matches else "expert"


@dataclass(frozen=True)
class MemberInfo:
    os_user: str
    role: str
    added_at: str


def refusal(user: str, role: str, work: str, admins: list[str], doing: str | None = None) -> RoleRefused:
    what = f" ({doing})" if doing else ""
    who = ", ".join(admins) if admins else "the workspace's admin"
    return RoleRefused(f"{user} acts as {role}; this{what} needs {WORK_WORDS[work]}. "
                       f"Ask the admin ({who}) to change your role: airlock members set-role {user} ROLE")


def check_role(session: Session, user: str, work: str, doing: str | None = None) -> str:
    """The member's current role, read in ``session``; raises if it does not allow ``work``."""
    member = session.get(Member, user)
    if member is not None and member.role in WORK[work]:
        return member.role
    admins = sorted(session.scalars(select(Member.os_user).where(Member.role == "admin")))
    if member is None:
        from pathlib import Path

        database = session.get_bind().engine.url.database
        raise NotAMember(user, Path(database or "workspace").parent, admins)
    if member.role not in WORK[work]:
        raise refusal(user, member.role, work, admins, doing)
    return member.role


class UnknownRole(AirlockError):
    def __init__(self, role: str) -> None:
        super().__init__(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")


class MembershipService:
    def __init__(self, store: WorkspaceStore) -> None:
        self.store = store

    # -- checks -------------------------------------------------------------------
    def require(self, work: str, doing: str | None = None) -> None:
        """Raise ``RoleRefused`` unless the acting user's current role allows ``work``."""
        with self.store.reader() as s:
            check_role(s, self.store.identity.os_user, work, doing)

    def change_setting(self, key: str, value: str) -> None:
        """Store a workspace setting, audited, once the role it needs is checked (``console.*``: operator;
        any other: expert)."""
        self.require("operator" if key.startswith("console.") else "expert", f"setting {key}")
        self.store.write_setting(key, value)

    def can(self, work: str) -> bool:
        """For the GUI: whether to show or enable what needs ``work`` (the engine still checks)."""
        return self.role_of(self.store.identity.os_user) in WORK[work]

    def role_of(self, user: str) -> str | None:
        with self.store.reader() as s:
            member = s.get(Member, user)
            return member.role if member else None

    def admins(self) -> list[str]:
        return [m.os_user for m in self.list() if m.role == "admin"]

    # -- the list -----------------------------------------------------------------
    def list(self) -> list[MemberInfo]:
        with self.store.reader() as s:
            return [MemberInfo(m.os_user, m.role, m.added_at.isoformat(timespec="seconds"))
                    for m in s.scalars(select(Member).order_by(Member.os_user))]

    def add(self, user: str, role: str) -> MemberInfo:
        user = _valid_name(user)
        _valid_role(role)
        with self.store.unit() as s:
            check_role(s, self.store.identity.os_user, "admin", "adding a member")
            if s.get(Member, user) is not None:
                raise AirlockError(f"{user} is already a member; change their role with "
                                   f"`airlock members set-role {user} {role}`")
            added = now()
            s.add(Member(os_user=user, role=role, added_at=added))
            self.store.audit.record(s, "member.added", f"member:{user}", {"role": role})
        return MemberInfo(user, role, added.isoformat(timespec="seconds"))

    def set_role(self, user: str, role: str) -> None:
        _valid_role(role)
        with self.store.unit() as s:
            check_role(s, self.store.identity.os_user, "admin", "changing a role")
            member = self._member(s, user)
            old = member.role
            if old == role:
                return
            self._keep_an_admin(s, member, role)
            member.role = role
            self.store.audit.record(s, "member.role_changed", f"member:{user}", {"old": old, "new": role})

    def remove(self, user: str) -> None:
        with self.store.unit() as s:
            check_role(s, self.store.identity.os_user, "admin", "removing a member")
            member = self._member(s, user)
            self._keep_an_admin(s, member, None)
            old = member.role
            s.delete(member)
            self.store.audit.record(s, "member.removed", f"member:{user}", {"old": old})

    @staticmethod
    def _member(s: Session, user: str) -> Member:
        member = s.get(Member, user)
        if member is None:
            raise AirlockError(f"{user} is not a member of this workspace")
        return member

    @staticmethod
    def _keep_an_admin(s: Session, member: Member, new_role: str | None) -> None:
        if member.role != "admin" or new_role == "admin":
            return
        others = s.scalars(select(Member).where(Member.role == "admin", Member.os_user != member.os_user)).all()
        if not others:
            raise AirlockError(f"{member.os_user} is the only admin; make someone else admin first")


def _valid_role(role: str) -> None:
    if role not in ROLES:
        raise UnknownRole(role)


def _valid_name(user: str) -> str:
    name = user.strip()
    if not name or any(c.isspace() for c in name) or len(name) > 200:
        raise AirlockError(f"{user!r} is not an OS account name (no spaces, at most 200 characters)")
    return name
