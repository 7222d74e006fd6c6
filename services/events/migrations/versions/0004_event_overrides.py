"""events.overrides: dates of a series changed on their own (moved or cancelled); every stored VEVENT rendered again

The feeds now say the installation's name, Polish categories and the event's page, and carry a series' changed
dates: the VEVENTs stored before are cleared, so the feeds render each again the first time they are asked for it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 04:10:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overrides', sa.JSON(), nullable=False, server_default='[]'))
    op.execute("UPDATE events SET vevent = NULL")


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('overrides')
