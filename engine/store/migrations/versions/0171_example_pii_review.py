"""Example imports reviewed for PII before they become examples (issue 17).

Revision ID: 0171
Revises: 0181
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0171"
down_revision = "0181"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "example_import_reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("tasks.id"), nullable=False, index=True),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "staged_examples",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("example_import_reviews.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("input_text", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("label", sa.Text(), nullable=True),
    )
    op.create_table(
        "staged_findings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staged_id", sa.Integer(), sa.ForeignKey("staged_examples.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("field", sa.String(10), nullable=False),
        sa.Column("entity_type", sa.String(80), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("staged_findings")
    op.drop_table("staged_examples")
    op.drop_table("example_import_reviews")
