"""The audit log's anchor outside the workspace: every committed head, appended to a file of the user's own.

The hash chain proves the events agree with each other, but whoever can write the database can also
roll it back to an older copy, cut its newest events and fix the head, or recompute every hash.
So after each commit that added events, the new head (sequence number and hash) is appended to
``<user state dir>/anchors/<workspace id>.log``, a file outside the workspace folder that a copy or
restore of the folder does not touch. ``compare`` then names what differs and where.

Each OS account anchors the heads it committed itself; ``audit verify`` compares the chain with the
anchor of the account that runs it. Each head also names the folder it was committed in: a copy of a
workspace folder keeps the workspace id but goes its own way from then on, so only the heads anchored
for this folder are compared (a head covers every event before it, since each hash chains them all).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from engine.clock import iso

ID_KEY = "workspace_id"


def state_dir() -> Path:
    """The user's own state folder (AIRLOCK_STATE_DIR, default the platform's per-user state dir)."""
    env = os.environ.get("AIRLOCK_STATE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_state_dir

    return Path(user_state_dir("airlock", appauthor=False))


def workspace_id(marker: Path) -> str:
    """The workspace's id, kept in its marker file (given one on first open if it has none)."""
    data = json.loads(marker.read_text())
    if not isinstance(data.get(ID_KEY), str):
        data[ID_KEY] = uuid.uuid4().hex
        marker.write_text(json.dumps(data))
    return str(data[ID_KEY])


@dataclass(frozen=True)
class AnchoredHead:
    seq: int
    hash: str
    ts: str
    folder: str = ""


@dataclass(frozen=True)
class AnchorCheck:
    ok: bool
    anchored: int  # heads compared
    problem: str | None = None
    first_bad_seq: int | None = None
    elsewhere: tuple[str, ...] = ()  # other folders this workspace's heads were anchored for


class Anchor:
    def __init__(self, ws_id: str, root: Path) -> None:
        self.ws_id = ws_id
        self.path = state_dir() / "anchors" / f"{ws_id}.log"
        self.root = root

    def append(self, seq: int, digest: str) -> None:
        """Best effort: a full or read-only home must not undo a change that already committed.
        Not fsynced: SQLite (WAL, synchronous=NORMAL) may itself lose its newest commits on power
        loss, so forcing this line to disk first would not make the pair any more consistent."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(f"{seq} {digest} {iso()} {self.root}\n")  # no fsync: see the note above
        except OSError:
            pass

    def heads(self) -> list[AnchoredHead]:
        """The heads this account anchored for this folder (not those of copies elsewhere)."""
        if not self.path.is_file():
            return []
        heads = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[0].isdigit():
                head = AnchoredHead(int(parts[0]), parts[1], parts[2], parts[3] if len(parts) > 3 else "")
                if not head.folder or _same_folder(head.folder, self.root):
                    heads.append(head)
        return heads

    def compare(self, chain: list[str]) -> AnchorCheck:
        """``chain``: every event's hash in order (event n at index n-1)."""
        heads = self.heads()
        for head in heads:
            if head.seq <= len(chain) and chain[head.seq - 1] != head.hash:
                return AnchorCheck(False, len(heads), f"event {head.seq} is not the event this account "
                                   f"committed and anchored on {head.ts[:19]} (hash {head.hash[:12]}…, now "
                                   f"{chain[head.seq - 1][:12]}…): the log was rewritten and its hashes "
                                   "recomputed, or events were inserted before it", head.seq)
        newest = max(heads, key=lambda h: h.seq, default=None)
        if newest is not None and newest.seq > len(chain):
            backup = self._matching_backup(chain)
            how = (f"the database is a copy of the migration backup {backup}" if backup else
                   "the database was rolled back to an older copy, or its newest events were cut "
                   "and the head fixed")
            return AnchorCheck(False, len(heads), f"the log ends at event {len(chain)} but this account "
                               f"anchored event {newest.seq} on {newest.ts[:19]}: {how}", len(chain) + 1)
        return AnchorCheck(True, len(heads), elsewhere=() if heads else tuple(self.other_folders()))

    def other_folders(self) -> list[str]:
        """Folders this workspace's heads were anchored for besides this one (it was moved or copied)."""
        if not self.path.is_file():
            return []
        found = {line.split(" ", 3)[3] for line in self.path.read_text(encoding="utf-8").splitlines()
                 if len(line.split(" ", 3)) > 3}
        return sorted(f for f in found if not _same_folder(f, self.root))

    def _matching_backup(self, chain: list[str]) -> str | None:
        import sqlite3

        backups = self.root / "backups"
        for candidate in sorted(backups.glob("*.db")) if backups.is_dir() else []:
            try:
                con = sqlite3.connect(f"file:{candidate}?mode=ro", uri=True)
                try:
                    row = con.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
                finally:
                    con.close()
            except sqlite3.Error:
                continue
            if row and chain and row == (len(chain), chain[-1]):
                return str(candidate.relative_to(self.root))
        return None


def _same_folder(recorded: str, root: Path) -> bool:
    try:
        return Path(recorded).resolve() == root.resolve()
    except OSError:
        return recorded == str(root)
