"""registrations from notify, as pseudonymous references only, and their ticks at roll calls

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'registered_refs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('event_id', sa.Uuid(), nullable=False),
        sa.Column('occurrence_start', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ref', sa.String(length=12), nullable=False),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('event_id', 'ref'),
    )
    op.create_index(op.f('ix_registered_refs_event_id'), 'registered_refs', ['event_id'], unique=False)
    op.create_table(
        'registered_marks',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('roll_call_id', sa.Integer(), sa.ForeignKey('roll_calls.id', ondelete='CASCADE'), nullable=False),
        sa.Column('ref', sa.String(length=12), nullable=False),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.UniqueConstraint('roll_call_id', 'ref'),
    )
    op.create_index(op.f('ix_registered_marks_roll_call_id'), 'registered_marks', ['roll_call_id'], unique=False)


def downgrade() -> None:
    op.drop_table('registered_marks')
    op.drop_table('registered_refs')
