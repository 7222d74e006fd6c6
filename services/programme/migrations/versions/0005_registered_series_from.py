"""the first date a registration for the whole series covers, from notify's registration.changed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 19:00:00

``registered_refs.series_from``: a whole-series registration made once the series had begun is listed at the roll
calls of its dates from that one on. Rows kept before have none: listed at every date, as before.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('registered_refs') as batch:
        batch.add_column(sa.Column('series_from', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('registered_refs') as batch:
        batch.drop_column('series_from')
