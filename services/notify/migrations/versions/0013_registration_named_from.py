"""registrations.named_from: the start a date's mails name it by in the calendar, kept when its series moves it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 02:30:00

A registration for one date of a series names the date's calendar entry (its UID) by the date's start as the rule
gives it. When the series gets a new time, the date's registrations follow it to its new start, and the mail telling
them the new time, and every later one, must update the entry their first mail made, not add a second: the start
the entry was named by is kept. Empty for existing rows (named by ``occurrence``, as before).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('named_from', sa.String(length=40), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('named_from')
