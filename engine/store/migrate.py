"""Apply Alembic migrations on open, backing the database up before an upgrade."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def upgrade(engine: Engine, db_path: Path, backups_dir: Path) -> Path | None:
    """Bring the schema to head. Returns the backup path when one was taken."""
    from engine.store.db import backup_database

    current = current_revision(engine)
    head = head_revision(engine)
    if current == head:
        return None
    backup: Path | None = None
    if current is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = backups_dir / f"airlock-{current}-{stamp}.db"
        backup_database(db_path, backup)
    command.upgrade(alembic_config(engine), "head")
    return backup
