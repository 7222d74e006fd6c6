"""activities: the dates of a series moved or called off on their own (the event message's overrides)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 03:00:00

``activities.overrides``: a roll call is taken at a date's new time. Rows kept before have none until the event's
next message: their dates are the rule's, as before.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('activities') as batch:
        batch.add_column(sa.Column('overrides', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('activities') as batch:
        batch.drop_column('overrides')
