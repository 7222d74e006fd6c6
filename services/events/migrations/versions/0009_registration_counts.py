"""registration_counts: places left per date, from notify's registration.counts messages

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 06:40:00

The feeds now say how to register (and, for a single date, the places left): the VEVENTs stored before are cleared,
so the feeds render each again the first time they are asked for it.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'registration_counts',
        sa.Column('event_id', sa.Uuid(), nullable=False),
        sa.Column('occurrence', sa.String(length=40), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=True),
        sa.Column('confirmed', sa.Integer(), nullable=False),
        sa.Column('waiting', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('event_id', 'occurrence'),
    )
    op.execute("UPDATE events SET vevent = NULL")


def downgrade() -> None:
    op.drop_table('registration_counts')
