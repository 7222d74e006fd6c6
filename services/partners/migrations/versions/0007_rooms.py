"""rooms: the bookable rooms of the centres, with their hours, closures, buffer and horizon (issue #13)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 06:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.messaging import migration_helpers as shared

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'rooms',
        sa.Column('id', sa.Integer(), nullable=False),
        *shared.room_columns(),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id']),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_rooms_centre_id', 'rooms', ['centre_id'])


def downgrade() -> None:
    op.drop_index('ix_rooms_centre_id', table_name='rooms')
    op.drop_table('rooms')
