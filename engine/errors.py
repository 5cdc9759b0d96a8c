"""Errors a user can act on. The CLI prints their message as one line."""

from __future__ import annotations

from pathlib import Path


class AirlockError(Exception):
    """Base class: the message is written for the user, not for a developer."""


class WorkspaceNotFound(AirlockError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"no Airlock workspace at {path} (create one with `airlock init --workspace {path}`)")


class WorkspaceLocked(AirlockError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"the workspace database {path} is locked by another process; "
                         "close the other Airlock window or job and try again")


class WorkspaceInUse(WorkspaceLocked):
    """The workspace is open in another Airlock window (``holder``: who, where, since when)."""

    def __init__(self, path: Path, holder: str) -> None:
        self.holder = holder
        AirlockError.__init__(self, f"the workspace {path} is open in another window: {holder}. Close it there "
                                    "first (the `airlock` command line still works alongside it)")


class InputFileError(AirlockError):
    """A file the user gave us cannot be used; names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class NotReady(AirlockError):
    """A step was asked for before what it needs exists (e.g. training with no dataset)."""


class DoesNotFit(AirlockError):
    """An input is too long for the batching context (engine/inference/batched.py); one at a time it fits."""


class RoleRefused(AirlockError):
    """The acting OS account's role in the workspace does not allow this; names who can change that."""


class NotAMember(RoleRefused):
    """The acting OS account is not a member of the workspace."""

    def __init__(self, user: str, workspace: Path, admins: list[str]) -> None:
        self.user = user
        who = ", ".join(admins) if admins else "the workspace's admin"
        super().__init__(f"{user} is not a member of the workspace {workspace}; ask its admin ({who}) to add "
                         f"you: airlock members add {user} --role expert")


def storage_problem(exc: BaseException, folder: Path | None = None) -> AirlockError | None:
    """A full, read-only or vanished disk behind ``exc``, as one line the user can act on (else None)."""
    from engine.store.storage_errors import storage_problem as diagnose

    return diagnose(exc, folder)
