"""meetings at a room: the room, what became of its booking; the inbox of the events service's answers

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 10:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.messaging import migration_helpers as shared

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs: on SQLite a batch would rebuild the table and lose its AUTOINCREMENT.
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite takes a column's REFERENCES in an ADD COLUMN (Alembic would ask for a batch: a rebuild).
        op.execute('ALTER TABLE meetings ADD COLUMN room_id INTEGER REFERENCES rooms (id)')
    else:
        op.add_column('meetings', sa.Column('room_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_meetings_room_id_rooms', 'meetings', 'rooms', ['room_id'], ['id'])
    op.add_column('meetings', sa.Column('room_status', sa.String(length=10), nullable=True))
    op.add_column('meetings', sa.Column('room_reason', sa.String(length=20), nullable=True))
    op.create_index('ix_meetings_room_id', 'meetings', ['room_id'])
    shared.create_inbox()


def downgrade() -> None:
    op.drop_table('inbox')
    op.drop_index('ix_meetings_room_id', 'meetings')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_meetings_room_id_rooms', 'meetings', type_='foreignkey')
    with op.batch_alter_table('meetings', table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.drop_column('room_reason')
        batch.drop_column('room_status')
        batch.drop_column('room_id')
