"""registration_slots.of_series: a row of places made for one date of a series

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 23:30:00

When an event drops its repeat rule (the series becomes a single event), the registrations for the dates the single
event no longer has are told their date is cancelled, while a single event's one date moves with the event. Only the
row knows which it was made for. Existing rows of one date (``occurrence`` not empty) of an event whose copy is
recurring now are marked; the rest (single events, whole series) are not.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

slots = sa.table('registration_slots', sa.column('event_id', sa.String), sa.column('occurrence', sa.String),
                 sa.column('of_series', sa.Boolean))
copies = sa.table('event_copies', sa.column('id', sa.String), sa.column('recurring', sa.Boolean))


def upgrade() -> None:
    with op.batch_alter_table('registration_slots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('of_series', sa.Boolean(), server_default=sa.false(), nullable=False))
    recurring = sa.select(copies.c.id).where(copies.c.recurring.is_(True))
    op.execute(slots.update().where(slots.c.occurrence != '', slots.c.event_id.in_(recurring))
               .values(of_series=True))


def downgrade() -> None:
    with op.batch_alter_table('registration_slots', schema=None) as batch_op:
        batch_op.drop_column('of_series')
