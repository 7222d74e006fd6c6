"""centres: opening hours

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 03:40:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('centres') as batch:
        batch.add_column(sa.Column('opening_hours', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('centres') as batch:
        batch.drop_column('opening_hours')
