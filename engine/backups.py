"""Migration backups never keep what redaction removed from the live database.

``Workspace.open`` copies the database to ``backups/`` before a schema upgrade, originals of
not-yet-reviewed documents included. Whenever a redaction commits (a document cleared, originals
dropped, an import review finished), ``scrub`` redacts every backup in place to match: each document's
original text is dropped where the live one has none, its redacted text and (redacted) source name are
copied over; imported example rows that waited for a PII review with their original text
(``staged_examples``) are deleted once the review has ended in the live database; then the backup is
rebuilt (VACUUM) so no freed page keeps the old text.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.store.models import Document, ExampleImportReview, StagedExample

if TYPE_CHECKING:
    from engine.store.workspace_store import WorkspaceStore

log = logging.getLogger(__name__)

# Committed audit actions after which the backups are scrubbed.
REDACTING_ACTIONS = ("pii.redacted", "pii.keep_originals_changed", "pii.bulk", "examples.review_finished",
                     "documents.deleted")


def backups(root: Path) -> list[Path]:
    folder = root / "backups"
    return sorted(folder.glob("*.db")) if folder.is_dir() else []


def needs_scrub(actions: list[str]) -> bool:
    return any(a.startswith(REDACTING_ACTIONS) for a in actions)


def scrub(ws: WorkspaceStore) -> int:
    """Redact every backup to match the live documents; returns how many backup rows changed."""
    files = backups(ws.root)
    if not files:
        return 0
    with ws.reader() as s:
        live = {d.id: (d.original_text, d.redacted_text, d.source_name)
                for d in s.execute(select(Document.id, Document.original_text, Document.redacted_text,
                                          Document.source_name))}
        staged = Staged(set(s.scalars(select(ExampleImportReview.id))), set(s.scalars(select(StagedExample.id))))
    changed = 0
    for path in files:
        try:
            changed += _scrub_one(path, live, staged)
        except sqlite3.Error as exc:  # a backup we cannot fix must not fail the redaction that committed
            log.warning("could not scrub the backup %s: %s", path.name, exc)
    return changed


@dataclass(frozen=True)
class Staged:
    """The example import reviews and their waiting rows that are still open in the live database."""

    reviews: set[int]
    rows: set[int]


def _drop_ended_reviews(con: sqlite3.Connection, staged: Staged) -> int:
    """Delete the original rows (and their findings and reviews) of reviews that have ended since."""
    tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "staged_examples" not in tables:  # a backup from before example imports were reviewed
        return 0
    gone = [row_id for (row_id,) in con.execute("SELECT id FROM staged_examples") if row_id not in staged.rows]
    for row_id in gone:
        if "staged_findings" in tables:
            con.execute("DELETE FROM staged_findings WHERE staged_id=?", (row_id,))
        con.execute("DELETE FROM staged_examples WHERE id=?", (row_id,))
    ended = [rid for (rid,) in con.execute("SELECT id FROM example_import_reviews") if rid not in staged.reviews]
    for review_id in ended:
        con.execute("DELETE FROM example_import_reviews WHERE id=?", (review_id,))
    return len(gone) + len(ended)


def _scrub_one(path: Path, live: dict[int, tuple[str | None, str | None, str]], staged: Staged) -> int:
    con = sqlite3.connect(str(path))
    try:
        con.execute("PRAGMA secure_delete=ON")
        changed = _drop_ended_reviews(con, staged)
        rows = con.execute("SELECT id, original_text, redacted_text, source_name FROM documents").fetchall()
        for doc_id, original, redacted, name in rows:
            now = live.get(doc_id)
            if now is None:  # deleted since the backup: keep nothing of it
                con.execute("UPDATE documents SET original_text=NULL, redacted_text=NULL, source_name='(deleted)' "
                            "WHERE id=?", (doc_id,))
                changed += 1
                continue
            live_original, live_redacted, live_name = now
            if (original is not None and live_original is None) or name != live_name:
                con.execute("UPDATE documents SET original_text=?, redacted_text=?, source_name=? WHERE id=?",
                            (live_original, live_redacted if live_original is None else redacted, live_name,
                             doc_id))
                changed += 1
        con.commit()
        if changed:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.execute("VACUUM")
    finally:
        con.close()
    return changed
