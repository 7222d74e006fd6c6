"""date_until_whole_day: the VEVENTs of series with an UNTIL are rendered again; a date UNTIL is that whole day

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 23:40:00

An UNTIL given as a date (UNTIL=20270330) next to a timed start was expanded and rendered as that day's Warsaw
midnight, so the series lost its last day; the check, the staff form and the imports took it as the whole day. The
calendar core now reads it as the whole day everywhere (services/calendar/rules.py until_moment), and the feeds write
it in UTC as that day's 23:59:59. The stored VEVENTs of series with an UNTIL are cleared, so the feeds render them
again. Nothing to undo: a downgrade leaves the VEVENTs as they are.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE events SET vevent = NULL WHERE rrule LIKE '%UNTIL=%'")


def downgrade() -> None:
    pass
