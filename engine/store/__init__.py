"""Persistence: the typed ORM, the SQLite session factory, Alembic migrations."""
