"""Evaluation review and promotion (issue 7): per-item scores and the reviewer's verdicts.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.add_column(sa.Column("score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reviewed_by", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
    op.create_index("ix_predictions_run_item", "predictions", ["evaluation_run_id", "dataset_item_id"])


def downgrade() -> None:
    op.drop_index("ix_predictions_run_item", table_name="predictions")
    with op.batch_alter_table("predictions") as batch:
        for name in ("reviewed_at", "reviewed_by", "review_note", "score"):
            batch.drop_column(name)
