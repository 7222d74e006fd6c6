"""the replica of staff accounts and sessions, so that one sign-in at partners works here too

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 06:10:00

"""
from collections.abc import Sequence

from alembic import op

from services.messaging import migration_helpers as shared

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    shared.create_staff_replica()


def downgrade() -> None:
    shared.drop_staff_replica()
