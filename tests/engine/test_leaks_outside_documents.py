"""Nothing unredacted outlives redaction outside the documents' text either: personal data planted in
file names never reaches the database or the audit log, and after redaction no value survives in the
migration backups, the write-ahead log or anywhere else under the workspace folder.

Real presidio + spaCy, real SQLite files (the backup is made with the same function the migration
uses before an upgrade); the bytes of every file are searched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.store.db import backup_database
from engine.workspace import Workspace
from tests.signed import SIGNED

pytestmark = pytest.mark.slow  # presidio

NAME_IN_FILE = "Margarethe Vogelsang"
MAIL_IN_FILE = "jonas.weber@northplant.example"
TEXT = ("Dear Bartholomew Quigley,\nthe hydraulic pump on press 4 leaks oil again. Call +49 171 9384 2210 "
        "or write to ottilie.brandstaetter@kestrel-mail.example.\n")
IN_TEXT = ["Bartholomew Quigley", "+49 171 9384 2210", "ottilie.brandstaetter@kestrel-mail.example"]
VALUES = [NAME_IN_FILE, "Vogelsang", MAIL_IN_FILE, *IN_TEXT]


def _leaks(root: Path) -> list[tuple[str, str]]:
    return [(str(p.relative_to(root)), v) for p in sorted(root.rglob("*")) if p.is_file()
            for v in VALUES if v.encode() in p.read_bytes()]


def test_file_names_are_redacted_before_they_are_stored_or_audited(workspace: Workspace, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / f"{NAME_IN_FILE} sick note.txt").write_text("Back pain, off work until Monday.")
    (inbox / f"{MAIL_IN_FILE}.txt").write_text("Please call back about the invoice.")
    (inbox / "rows.csv").write_text("text,label\nfuse blown on line 3,electrical\n")
    report = workspace.documents.import_files([inbox])
    assert len(report.imported) == 3
    with workspace.reader() as s:
        from sqlalchemy import select

        from engine.store.models import Document

        names = sorted(s.scalars(select(Document.source_name)))
    assert "<PERSON_1> sick note.txt" in names and "<EMAIL_ADDRESS_1>.txt" in names
    assert "rows.csv#2" in names  # a row keeps its line number
    subjects = [e.subject for e in workspace.audit.entries(action="documents.imported")]
    assert "file:<PERSON_1> sick note.txt" in subjects and "file:rows.csv" in subjects
    assert _leaks(workspace.root) == []


def test_backups_and_the_wal_keep_nothing_that_redaction_removed(workspace: Workspace, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / f"{NAME_IN_FILE} letter.txt").write_text(TEXT)
    (doc_id,) = workspace.documents.import_files([inbox]).imported
    root = workspace.root
    # the backup a schema upgrade takes before migrating: the original text is in it
    backup = root / "backups" / "airlock-0006_evaluation_review-20260101T000000Z.db"
    backup_database(root / "airlock.db", backup)
    assert IN_TEXT[0].encode() in backup.read_bytes()

    workspace.privacy.scan(doc_id)
    workspace.privacy.accept_all(doc_id)
    workspace.privacy.redact_document(doc_id)

    assert _leaks(root) == []  # database, WAL, backups, blobs: nothing anywhere
    wal = root / "airlock.db-wal"
    assert not wal.exists() or not any(v.encode() in wal.read_bytes() for v in VALUES)
    import sqlite3

    con = sqlite3.connect(backup)
    try:
        original, redacted, name = con.execute("SELECT original_text, redacted_text, source_name FROM documents "
                                               "WHERE id=?", (doc_id,)).fetchone()
    finally:
        con.close()
    assert original is None and "<PERSON_1>" in redacted and name.startswith("<PERSON_1>")
    assert workspace.audit.verify().ok


def test_keep_originals_off_scrubs_the_backups_too(workspace: Workspace, tmp_path: Path) -> None:
    workspace.privacy.set_keep_originals(True, SIGNED)
    letter = tmp_path / "letter.txt"
    letter.write_text(TEXT)
    (doc_id,) = workspace.documents.import_files([letter]).imported
    workspace.privacy.scan(doc_id)
    workspace.privacy.accept_all(doc_id)
    workspace.privacy.redact_document(doc_id)  # the original is kept, on purpose
    backup = workspace.root / "backups" / "airlock-0006_evaluation_review-20260102T000000Z.db"
    backup_database(workspace.root / "airlock.db", backup)
    assert IN_TEXT[0].encode() in backup.read_bytes()
    workspace.privacy.set_keep_originals(False)
    assert _leaks(workspace.root) == []


def test_an_example_file_name_is_redacted_before_it_is_stored_or_audited(workspace: Workspace,
                                                                         tmp_path: Path) -> None:
    task = workspace.tasks.create("triage", "classification",
                                  {"labels": [{"name": "electrical", "description": "power"}]}, "Triage.", "{input}")
    rows = tmp_path / f"{NAME_IN_FILE} tickets.csv"
    rows.write_text("text,label\nfuse blown on line 3,electrical\nrelay chatters at start-up,electrical\n")
    workspace.tasks.import_examples(task.id, rows)
    (event,) = workspace.audit.entries(action="examples.imported")
    assert event.details["file"] == "<PERSON_1> tickets.csv"
    assert _leaks(workspace.root) == []


def test_a_finished_example_review_leaves_no_original_row_in_the_backups(workspace: Workspace,
                                                                         tmp_path: Path) -> None:
    """Imported rows with personal data wait for review with their original text; a backup taken then
    holds it. Once the review ends, the backups keep none of those rows."""
    task = workspace.tasks.create("triage", "classification",
                                  {"labels": [{"name": "electrical", "description": "power"}]}, "Triage.", "{input}")
    rows = tmp_path / "tickets.csv"
    rows.write_text(f'text,label\n"Call {IN_TEXT[0]} on {IN_TEXT[1]}: the relay chatters.",electrical\n'
                    "fuse blown on line 3,electrical\n")
    workspace.tasks.import_examples(task.id, rows)
    reviews = workspace.tasks.example_reviews
    (review,) = reviews.open_reviews(task.id)
    backup = workspace.root / "backups" / "airlock-0008_before_upgrade-20260103T000000Z.db"
    backup_database(workspace.root / "airlock.db", backup)
    assert IN_TEXT[0].encode() in backup.read_bytes()
    reviews.decide([f.id for item in reviews.items(review.review_id) for f in item.findings], "accepted")
    reviews.finish(review.review_id)
    assert _leaks(workspace.root) == []
    import sqlite3

    con = sqlite3.connect(backup)
    try:
        assert con.execute("SELECT count(*) FROM staged_examples").fetchone() == (0,)
    finally:
        con.close()
