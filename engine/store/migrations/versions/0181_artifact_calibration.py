"""Confidence calibration stored with the model artifact (issue 18).

Revision ID: 0181
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0181"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("model_artifacts") as batch:
        batch.add_column(sa.Column("calibration", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("model_artifacts") as batch:
        batch.drop_column("calibration")
