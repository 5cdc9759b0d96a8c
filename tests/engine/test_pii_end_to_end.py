"""The leak test: personal data planted in real files never reaches anything the workspace writes.

Driven from the `airlock` CLI (in process): import a PDF, a DOCX, a text file and a
CSV with known values, in their text and in their file names, detect, review (reject a false
positive, accept by type, mark a customer number the detector cannot know), redact, make examples,
freeze, export as chat JSONL and as a Hugging Face folder. A migration backup is taken before the
redaction (as a schema upgrade would) and a second connection keeps the write-ahead log from being
folded away at each command's end, so both demonstrably hold the values before redaction. Then
every file under the workspace (database, WAL, backups, blobs), the exports, the temporary folder
the run used, the state folder's anchors, every log record and the CLI's own output is searched
for the values. The training file is covered by tests/engine/test_demo_loop.py on the trained demo.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import tempfile
from pathlib import Path

import pytest

from engine.cli import main
from engine.store.db import backup_database
from engine.workspace import Workspace
from tests.engine.tasks_data import classification_task
from tests.engine.test_documents import pdf_bytes, simple_docx, write
from tests.signed import SIGN_ARGS

pytestmark = pytest.mark.slow  # presidio, two reader processes and a Hugging Face export: ~40 s

CUSTOMER_ID = "KX-77120-Q"  # the workspace has no pattern for it: a reviewer marks it by hand
PLANTED = {
    "PERSON": ["Margarethe Vogelsang", "Bartholomew Quigley", "Ottilie Brandstaetter", "Jonas Weber"],
    "EMAIL_ADDRESS": ["m.vogelsang@kestrel-mail.example", "jonas.weber@northplant.example"],
    "PHONE_NUMBER": ["+49 171 9384 2210", "(415) 555-0187"],
    "IBAN_CODE": ["DE44 5001 0517 5407 3249 31"],
    "CREDIT_CARD": ["4532 0151 1283 0366"],
    "US_SSN": ["536-22-8146"],
    "IP_ADDRESS": ["198.51.100.77"],
    "STREET_ADDRESS": ["17 Wexford Lane"],
}
VALUES = [v for vs in PLANTED.values() for v in vs] + [CUSTOMER_ID]
# the files as they arrive: personal data in three of the names too
LETTER_FILE = "Margarethe Vogelsang letter.txt"
MEMO_FILE = "memo for m.vogelsang@kestrel-mail.example.docx"
FEEDBACK_FILE = "feedback from Jonas Weber.csv"

LETTER = ("Dear Margarethe Vogelsang,\n"
          "the hydraulic pump on press 4 leaks oil again. Write to m.vogelsang@kestrel-mail.example or call "
          f"+49 171 9384 2210. Customer number {CUSTOMER_ID}; refund to IBAN DE44 5001 0517 5407 3249 31, "
          "card 4532 0151 1283 0366 was charged twice.\n")
MEMO = ("Bartholomew Quigley reported that the control cabinet fuse blew; he logged in from 198.51.100.77. "
        "Payroll asked for his SSN 536-22-8146 by mistake.")
REPORT = [["Reporter: Ottilie Brandstaetter, 17 Wexford Lane, Springfield."],
          ["The conveyor belt bearing on line 2 is worn and squeals."]]
FEEDBACK = ("text,label\n"
            '"Jonas Weber (jonas.weber@northplant.example) says the motor trips the breaker.",electrical\n'
            '"Call Jonas Weber on (415) 555-0187: the gearbox grinds.",mechanical\n'
            '"Oil pressure drops on the hydraulic press; valve replaced.",hydraulic\n'
            '"The belt tensioner on line 3 is loose.",mechanical\n'
            '"A relay in the panel chatters at start-up.",electrical\n')


def cli(capsys: pytest.CaptureFixture[str], outputs: list[str], *args: str) -> str:
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    outputs.append(out.out + out.err)
    return out.out


def _holding(path: Path, values: list[str]) -> list[str]:
    data = path.read_bytes() if path.is_file() else b""
    return [v for v in values if v.encode() in data]


def test_planted_values_never_leave_review(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    scratch = tmp_path / "tmp"  # every temporary file of the run (ours, the readers', SQLite's) lands here
    scratch.mkdir()
    for name in ("TMPDIR", "SQLITE_TMPDIR"):
        monkeypatch.setenv(name, str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    root = tmp_path / "ws"
    ws_arg = ["--workspace", str(root)]
    inbox = tmp_path / "inbox"
    write(inbox, LETTER_FILE, LETTER)
    write(inbox, MEMO_FILE, simple_docx(MEMO))
    write(inbox, "report.pdf", pdf_bytes(REPORT))
    write(inbox, FEEDBACK_FILE, FEEDBACK)
    outputs: list[str] = []  # everything the CLI printed, except the reviewer's own view of findings

    cli(capsys, outputs, "init", *ws_arg)
    # another connection stays open, so closing a command does not fold the WAL into the database
    holder = sqlite3.connect(str(root / "airlock.db"))
    holder.execute("SELECT count(*) FROM documents").fetchone()
    wal = root / "airlock.db-wal"
    assert "imported 8 documents" in cli(capsys, outputs, "import", *ws_arg, "--workers", "1", str(inbox))
    docs = {d["name"]: d["id"] for d in json.loads(cli(capsys, outputs, "documents", "list", *ws_arg, "--json"))}
    assert [n for n in docs if any(v in n for v in VALUES)] == []  # the names were redacted on import
    assert any(n.endswith("letter.txt") and n.startswith("<PERSON_") for n in docs)
    assert any(n.startswith("memo for <EMAIL_ADDRESS_") for n in docs)
    assert any(n.startswith("feedback from <PERSON_") and ".csv#" in n for n in docs)
    # the backup a schema upgrade takes before migrating, and the WAL: both hold originals now
    backup = root / "backups" / "airlock-0007_before_upgrade-20260101T000000Z.db"
    backup_database(root / "airlock.db", backup)
    assert _holding(backup, VALUES) and _holding(wal, VALUES)
    cli(capsys, outputs, "pii", "detect", *ws_arg, "--quiet")

    for name, doc_id in docs.items():
        main(["pii", "findings", *ws_arg, str(doc_id), "--json"])
        found = json.loads(capsys.readouterr().out)
        assert all(f["decision"] == "pending" and f["source"] == "detector" for f in found)
        doubtful = [str(f["id"]) for f in found if f["type"] in ("DATE_TIME", "NRP", "LOCATION", "URL")]
        if doubtful:  # a reviewer rejects what is not personal data here
            cli(capsys, outputs, "pii", "decide", *ws_arg, "reject", *doubtful)
        if name.endswith("letter.txt"):
            assert not any(CUSTOMER_ID in (f["value"] or "") for f in found), "the detector knows it after all"
            assert "marked 1 spans" in cli(capsys, outputs, "pii", "add", *ws_arg, str(doc_id), "customer_id",
                                           "--text", CUSTOMER_ID)
        cli(capsys, outputs, "pii", "accept-all", *ws_arg, str(doc_id), "--type", "PERSON")
        cli(capsys, outputs, "pii", "accept-all", *ws_arg, str(doc_id))
    redacted = cli(capsys, outputs, "pii", "redact", *ws_arg)
    assert redacted.count("cleared") == 8
    assert _holding(backup, VALUES) == [] and _holding(wal, VALUES) == []  # scrubbed, checkpointed

    with Workspace.open(root) as ws:
        assert ws.documents.ids(status="cleared") == sorted(docs.values())
        decided = [e for e in ws.audit.entries(action="pii.") if e.action in ("pii.decided", "pii.added")]
        assert decided and all(e.os_user == ws.identity.os_user for e in decided)
        task = classification_task(ws)
        examples = ws.tasks.examples_from_documents(task.id, sorted(docs.values()), label_from_source=True)
        unlabelled = {"letter.txt": "hydraulic", ".docx": "electrical", "report.pdf": "mechanical"}
        for example_id, name in zip(examples, docs, strict=True):
            for ending, label in unlabelled.items():
                if name.endswith(ending):
                    ws.tasks.set_label(example_id, label)
    freeze = json.loads(cli(capsys, outputs, "dataset", "freeze", *ws_arg, "--task", str(task.id), "--name", "v1",
                            "--no-tokens", "--json", "--quiet", "--eval-share", "0.2", "--test-share", "0.2",
                            *SIGN_ARGS))
    version = str(freeze["id"])
    chat, hf = tmp_path / "export-chat", tmp_path / "export-hf"
    cli(capsys, outputs, "examples", "export", *ws_arg, "--version", version, "--format", "chat", str(chat))
    cli(capsys, outputs, "examples", "export", *ws_arg, "--version", version, "--format", "hf", str(hf))

    exported = " ".join(p.read_text(errors="replace") for p in chat.rglob("*.jsonl"))
    assert "<PERSON_1>" in exported and "<CUSTOMER_ID_1>" in exported and "<IBAN_CODE_1>" in exported
    assert "hydraulic pump on press 4" in exported  # the rest of the text survives
    needles = {v: v.encode() for v in VALUES}
    anchors = Path(os.environ["AIRLOCK_STATE_DIR"]) / "anchors"
    files = [p for folder in (root, chat, hf, scratch, anchors) for p in folder.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"airlock.db", "airlock.db-wal", backup.name} <= names and len(files) > 3
    leaks = [(str(p), v) for p in files for v, n in needles.items() if n in p.read_bytes() or v in str(p)]
    holder.close()
    assert leaks == []
    said = [f"output: {o}" for o in outputs] + [f"log {r.name}: {r.getMessage()}" for r in caplog.records]
    assert [(line[:300], v) for line in said for v in VALUES if v in line] == []
