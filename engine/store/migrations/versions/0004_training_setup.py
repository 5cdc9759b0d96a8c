"""Base model registry and training setup (issue 5).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BASE_COLUMNS = (("shape", sa.Text()), ("size_bytes", sa.Integer()))
RUN_COLUMNS = (("dataset_hash", sa.String(length=64)), ("base_model_sha256", sa.String(length=64)),
               ("seed", sa.Integer()), ("stored_files", sa.Text()), ("estimate", sa.Text()))


def upgrade() -> None:
    with op.batch_alter_table("base_models") as batch:
        for name, kind in BASE_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("training_runs") as batch:
        for name, kind in RUN_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("training_runs") as batch:
        for name, _kind in RUN_COLUMNS:
            batch.drop_column(name)
    with op.batch_alter_table("base_models") as batch:
        for name, _kind in BASE_COLUMNS:
            batch.drop_column(name)
