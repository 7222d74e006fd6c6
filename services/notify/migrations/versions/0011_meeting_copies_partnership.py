"""event_copies.partnership_id: the partnership of a meeting's event copy, so that its meetings are found by an index

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 20:00:00

When a partnership's list of member contacts arrives, notify invites the members whose address came after a meeting
ahead; it read every event copy ahead to find the partnership's few meetings. The column holds the snapshot's
``partnership_id`` for a meeting's event (one with a ``meeting_id``) and nothing for any other event (one a partnership
organises is not a meeting). Existing copies get it from their stored snapshot, read in Python (the same on SQLite and
PostgreSQL).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

event_copies = sa.table('event_copies', sa.column('id', sa.String), sa.column('snapshot', sa.JSON),
                        sa.column('partnership_id', sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table('event_copies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partnership_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_copies_partnership_id'), ['partnership_id'], unique=False)
    bind = op.get_bind()
    for copy_id, snapshot in bind.execute(sa.select(event_copies.c.id, event_copies.c.snapshot)).all():
        if snapshot.get('meeting_id') is not None and snapshot.get('partnership_id') is not None:
            bind.execute(event_copies.update().where(event_copies.c.id == copy_id)
                         .values(partnership_id=snapshot['partnership_id']))


def downgrade() -> None:
    with op.batch_alter_table('event_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_copies_partnership_id'))
        batch_op.drop_column('partnership_id')
