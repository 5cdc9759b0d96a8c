"""Workspace storage: WAL SQLite, blobs by sha256, migrations with a backup first."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from engine.errors import WorkspaceNotFound
from engine.store import migrate
from engine.workspace import Workspace


def test_create_gives_wal_db_blobs_and_admin(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "w")
    con = sqlite3.connect(ws.db_path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (tmp_path / "w" / "blobs").is_dir()
    assert ws.identity.role == "admin" and ws.members() == [("tester", "admin")]
    ws.close()


def test_open_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceNotFound, match="no Airlock workspace"):
        Workspace.open(tmp_path / "nothing")


def test_blob_store_is_content_addressed(workspace: Workspace, tmp_path: Path) -> None:
    data = b"some model bytes"
    sha = workspace.blobs.put_bytes(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert workspace.blobs.path_for(sha).read_bytes() == data
    f = tmp_path / "f.bin"
    f.write_bytes(data)
    assert workspace.blobs.put_file(f) == sha and f.exists()
    assert workspace.blobs.put_file(f, move=True) == sha and not f.exists()


def test_upgrade_takes_a_backup_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = Workspace.create(tmp_path / "w")
    ws.set_setting("marker", "before-upgrade")
    current = migrate.head_revision(ws.engine)
    ws.close()
    # A copy of the real migrations plus one new revision, as a future release would ship.
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_add_note.py").write_text(
        'import sqlalchemy as sa\nfrom alembic import op\n'
        f'revision = "9999"\ndown_revision = "{current}"\nbranch_labels = None\ndepends_on = None\n'
        'def upgrade():\n    with op.batch_alter_table("tasks") as b:\n'
        '        b.add_column(sa.Column("note", sa.Text(), nullable=True))\n'
        'def downgrade():\n    pass\n')
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    upgraded = Workspace.open(tmp_path / "w")
    assert upgraded.last_backup is not None and upgraded.last_backup.is_file()
    assert current in upgraded.last_backup.name
    con = sqlite3.connect(upgraded.last_backup)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == current
    assert con.execute("SELECT value FROM settings WHERE key='marker'").fetchone()[0] == "before-upgrade"
    live = sqlite3.connect(upgraded.db_path)
    assert live.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999"
    assert "note" in [r[1] for r in live.execute("PRAGMA table_info(tasks)")]
    assert upgraded.audit.verify().ok
    upgraded.close()


def test_opening_current_schema_takes_no_backup(tmp_path: Path) -> None:
    Workspace.create(tmp_path / "w").close()
    with Workspace.open(tmp_path / "w") as ws:
        assert ws.last_backup is None


def test_migrations_build_exactly_the_schema_the_models_declare(tmp_path: Path) -> None:
    """A model change without its migration (or the reverse) fails here, not on a user's machine."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from engine.store.models import Base

    with Workspace.create(tmp_path / "w") as ws, ws.engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con, opts={"render_as_batch": True}), Base.metadata)
    assert diff == []
