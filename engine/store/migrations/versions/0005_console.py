"""Export and the operators' console (issue 6): console calls know their task and the example a
review turned them into.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("console_calls") as batch:
        batch.add_column(sa.Column("task_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("example_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reviewed", sa.String(length=20), nullable=True))
        batch.create_foreign_key("fk_console_calls_task_id_tasks", "tasks", ["task_id"], ["id"])
        batch.create_foreign_key("fk_console_calls_example_id_examples", "examples", ["example_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("console_calls") as batch:
        batch.drop_constraint("fk_console_calls_example_id_examples", type_="foreignkey")
        batch.drop_constraint("fk_console_calls_task_id_tasks", type_="foreignkey")
        batch.drop_column("reviewed")
        batch.drop_column("example_id")
        batch.drop_column("task_id")
