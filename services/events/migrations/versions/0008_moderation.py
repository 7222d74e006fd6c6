"""moderation: organisations needing review; events waiting for it (event_reviews)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 06:35:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: on SQLite a batch would rebuild the table and lose its AUTOINCREMENT.
    op.add_column('organisations', sa.Column('needs_review', sa.Boolean(), nullable=False,
                                             server_default=sa.false()))
    op.create_table(
        'event_reviews',
        sa.Column('event_id', sa.Uuid(), sa.ForeignKey('events.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_event_reviews_status', 'event_reviews', ['status'])


def downgrade() -> None:
    op.drop_table('event_reviews')
    with op.batch_alter_table('organisations') as batch:
        batch.drop_column('needs_review')
