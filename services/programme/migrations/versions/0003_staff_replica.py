"""the replica of staff accounts and sessions, so that one sign-in at partners opens the programme's pages

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 08:00:00

"""
from collections.abc import Sequence

from alembic import op

from services.messaging import migration_helpers as shared

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    shared.create_staff_replica()


def downgrade() -> None:
    shared.drop_staff_replica()
