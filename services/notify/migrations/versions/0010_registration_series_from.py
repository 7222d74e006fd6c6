"""the first date a registration for the whole series covers, sent to the programme service's roll calls

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 19:00:00

``registrations.series_from``: the start (UTC ISO 8601, as the rule gives it) of the next date that had not ended when
a whole-series registration was made. Empty for one date; registrations made before stay empty (programme lists them
at every date, as before).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('registrations') as batch:
        batch.add_column(sa.Column('series_from', sa.String(length=40), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('registrations') as batch:
        batch.drop_column('series_from')
