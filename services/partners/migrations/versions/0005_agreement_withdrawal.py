"""agreements: withdrawn (kept and marked) with a reason

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 03:50:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('agreements') as batch:
        batch.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('withdrawal_reason', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agreements') as batch:
        batch.drop_column('withdrawal_reason')
        batch.drop_column('withdrawn_at')
