"""a reminder for each occurrence of a series: notices.occurrence in the unique constraints, event_copies.recurring

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 15:00:00

Existing rows are filled in: a copy is recurring when its snapshot has an RRULE, and a reminder already queued or
sent was for the first occurrence of its event (the only one reminded before), so it gets that start and is not
sent again. On SQLite the notices table is rebuilt, and dropping the old one would cascade to digest_items: their
rows are kept aside in a temporary table and put back.
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONCE = ['subscriber_id', 'event_id', 'sequence', 'kind']
ONCE_ORGANISATION = ['organisation_id', 'event_id', 'sequence', 'kind']

event_copies = sa.table('event_copies', sa.column('id', sa.String), sa.column('snapshot', sa.JSON),
                        sa.column('recurring', sa.Boolean))
notices = sa.table('notices', sa.column('id', sa.Integer), sa.column('subscriber_id', sa.Integer),
                   sa.column('event_id', sa.String), sa.column('sequence', sa.Integer), sa.column('kind', sa.String),
                   sa.column('payload', sa.JSON), sa.column('occurrence', sa.String))


def _rebuild_notices(constraints: list[tuple[str, list[str]]], column: sa.Column | None, drop: str | None) -> None:
    """Add or drop a column of notices and put back its two unique constraints, digest_items surviving on SQLite."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute('CREATE TEMPORARY TABLE _digest_items_kept AS SELECT notice_id, event_id FROM digest_items')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        if column is not None:
            batch_op.add_column(column)
        batch_op.drop_constraint('uq_notices_once', type_='unique')
        batch_op.drop_constraint('uq_notices_once_organisation', type_='unique')
        for name, columns in constraints:
            batch_op.create_unique_constraint(name, columns)
        if drop is not None:
            batch_op.drop_column(drop)
    if sqlite:
        op.execute('INSERT INTO digest_items (notice_id, event_id) SELECT notice_id, event_id FROM _digest_items_kept'
                   ' WHERE notice_id IN (SELECT id FROM notices)')
        op.execute('DROP TABLE _digest_items_kept')


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('event_copies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recurring', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_event_copies_recurring'), ['recurring'], unique=False)
    series = [row.id for row in bind.execute(sa.select(event_copies.c.id, event_copies.c.snapshot))
              if (row.snapshot or {}).get('rrule')]
    for start in range(0, len(series), 500):
        bind.execute(event_copies.update().where(event_copies.c.id.in_(series[start:start + 500]))
                     .values(recurring=True))

    _rebuild_notices([('uq_notices_once', [*ONCE, 'occurrence']),
                      ('uq_notices_once_organisation', [*ONCE_ORGANISATION, 'occurrence'])],
                     sa.Column('occurrence', sa.String(length=40), server_default='', nullable=False), None)
    reminders = bind.execute(sa.select(notices.c.id, notices.c.payload).where(notices.c.kind == 'reminder')).all()
    for row in reminders:
        starts_at = ((row.payload or {}).get('event') or {}).get('starts_at')
        if starts_at:
            first = datetime.fromisoformat(starts_at).astimezone(UTC).isoformat()
            bind.execute(notices.update().where(notices.c.id == row.id).values(occurrence=first))


def downgrade() -> None:
    bind = op.get_bind()
    # Without occurrences a series has one reminder per sequence: keep the first of each, as before 0004.
    kept = sa.select(sa.func.min(notices.c.id)).where(notices.c.kind == 'reminder').group_by(
        notices.c.subscriber_id, notices.c.event_id, notices.c.sequence)
    bind.execute(notices.delete().where(notices.c.kind == 'reminder', notices.c.id.not_in(kept)))
    _rebuild_notices([('uq_notices_once', ONCE), ('uq_notices_once_organisation', ONCE_ORGANISATION)], None,
                     'occurrence')

    with op.batch_alter_table('event_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_copies_recurring'))
        batch_op.drop_column('recurring')
