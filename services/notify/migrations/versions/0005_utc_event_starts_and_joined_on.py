"""event_copies.starts_at in UTC; memberships.joined_on; no meeting_copies

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 04:00:00

On SQLite, which keeps no offset, the first start of each copied event was stored as Warsaw wall-clock time and
compared with UTC: reminders went out an hour late (two in summer). Every start is written again in UTC, from the
snapshot. Memberships get the day the member joined, which the calendar core's "current member" rule reads; copies
made before stay without it until their next message. Meetings now reach notify as the events service's events, so
the copies of partners' meeting snapshots are no longer kept.
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

event_copies = sa.table('event_copies', sa.column('id', sa.String), sa.column('snapshot', sa.JSON),
                        sa.column('starts_at', sa.DateTime(timezone=True)))


def upgrade() -> None:
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joined_on', sa.Date(), nullable=True))
    op.drop_table('meeting_copies')
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    for copy_id, snapshot in bind.execute(sa.select(event_copies.c.id, event_copies.c.snapshot)).all():
        start = datetime.fromisoformat(snapshot['starts_at']).astimezone(UTC)
        bind.execute(event_copies.update().where(event_copies.c.id == copy_id)
                     .values(starts_at=start.replace(tzinfo=None) if sqlite else start))


def downgrade() -> None:
    op.create_table('meeting_copies',
                    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('version', sa.Integer(), nullable=False),
                    sa.Column('snapshot', sa.JSON(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_column('joined_on')
