"""Tasks, labelling, agreement and dataset checks (issue 4).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("example_id", sa.Integer(), nullable=False),
        sa.Column("annotator", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["example_id"], ["examples.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("example_id", "annotator"),
    )
    with op.batch_alter_table("assignments") as batch:
        batch.create_index(batch.f("ix_assignments_example_id"), ["example_id"], unique=False)
        batch.create_index(batch.f("ix_assignments_annotator"), ["annotator"], unique=False)
    with op.batch_alter_table("examples") as batch:
        batch.create_index("ix_examples_task_flagged", ["task_id", "flagged"], unique=False)
        batch.create_index("ix_examples_task_golden", ["task_id", "is_golden"], unique=False)
        batch.create_index("ix_examples_task_ood", ["task_id", "is_ood"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("examples") as batch:
        batch.drop_index("ix_examples_task_ood")
        batch.drop_index("ix_examples_task_golden")
        batch.drop_index("ix_examples_task_flagged")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_index(batch.f("ix_assignments_annotator"))
        batch.drop_index(batch.f("ix_assignments_example_id"))
    op.drop_table("assignments")
