"""organisations: trusted, or needing MOPS's review of their events

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 06:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: on SQLite a batch would rebuild the table and lose its AUTOINCREMENT.
    op.add_column('organisations', sa.Column('needs_review', sa.Boolean(), nullable=False,
                                             server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('organisations') as batch:
        batch.drop_column('needs_review')
