"""until_in_utc: the VEVENTs of series with an UNTIL are rendered again, their UNTIL in UTC (RFC 5545 3.3.10)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 21:00:00

Next to a DTSTART with TZID=Europe/Warsaw the renderer wrote UNTIL as it was stored (a Warsaw wall time without Z,
or a date); it now converts it to UTC (a date for an all-day series). The stored VEVENTs of those series are cleared,
so the feeds render them again. Nothing to undo: a downgrade leaves the VEVENTs as they are.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE events SET vevent = NULL WHERE rrule LIKE '%UNTIL=%'")


def downgrade() -> None:
    pass
