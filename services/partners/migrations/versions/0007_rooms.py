"""rooms: the bookable rooms of the centres, with their hours, closures, buffer and horizon (issue #13)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 06:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'rooms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=True),
        sa.Column('step_free', sa.Boolean(), nullable=False),
        sa.Column('accessible_toilet', sa.Boolean(), nullable=False),
        sa.Column('equipment', sa.JSON(), nullable=False),
        sa.Column('bookable_hours', sa.JSON(), nullable=False),
        sa.Column('closures', sa.JSON(), nullable=False),
        sa.Column('open_on', sa.JSON(), nullable=False),
        sa.Column('buffer_minutes', sa.Integer(), nullable=False),
        sa.Column('horizon_days', sa.Integer(), nullable=False),
        sa.Column('requires_approval', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id']),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_rooms_centre_id', 'rooms', ['centre_id'])


def downgrade() -> None:
    op.drop_index('ix_rooms_centre_id', table_name='rooms')
    op.drop_table('rooms')
