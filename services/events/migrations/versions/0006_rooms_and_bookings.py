"""rooms (replica), bookings and their dates; on PostgreSQL no two blocking dates of a room overlap (issue #13)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 06:40:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.messaging import migration_helpers as shared

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'rooms',
        *shared.room_columns(),
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_rooms_centre_id', 'rooms', ['centre_id'])
    op.create_table(
        'bookings',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('event_id', sa.Uuid(), nullable=True),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('visibility', sa.String(length=20), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('rrule', sa.String(length=500), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('meeting_id'),
    )
    op.create_index('ix_bookings_room_id', 'bookings', ['room_id'])
    op.create_index('ix_bookings_event_id', 'bookings', ['event_id'])
    op.create_index('ix_bookings_organisation_id', 'bookings', ['organisation_id'])
    op.create_table(
        'booking_dates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Uuid(), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('busy_from', sa.DateTime(timezone=True), nullable=False),
        sa.Column('busy_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.String(length=30), nullable=True),
        sa.Column('blocks', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('booking_id', 'starts_at'),
    )
    op.create_index('ix_booking_dates_booking_id', 'booking_dates', ['booking_id'])
    op.create_index('ix_booking_dates_room_busy', 'booking_dates', ['room_id', 'busy_from'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS btree_gist')
        op.execute('ALTER TABLE booking_dates ADD CONSTRAINT booking_dates_no_overlap EXCLUDE USING gist '
                   '(room_id WITH =, tstzrange(busy_from, busy_until) WITH &&) WHERE (blocks)')


def downgrade() -> None:
    op.drop_table('booking_dates')
    op.drop_table('bookings')
    op.drop_index('ix_rooms_centre_id', table_name='rooms')
    op.drop_table('rooms')
