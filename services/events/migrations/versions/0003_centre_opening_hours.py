"""centres: opening hours

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 03:40:00

"""
from collections.abc import Sequence

from alembic import op

from services.messaging import migration_helpers as shared

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    shared.add_centre_opening_hours()


def downgrade() -> None:
    shared.drop_centre_opening_hours()
