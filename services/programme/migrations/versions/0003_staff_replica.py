"""the replica of staff accounts and sessions, so that one sign-in at partners opens the programme's pages

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 08:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'staff_accounts',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_staff_accounts_organisation_id', 'staff_accounts', ['organisation_id'])
    op.create_table(
        'staff_sessions',
        sa.Column('session_hash', sa.String(length=64), primary_key=True),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_staff_sessions_account_id', 'staff_sessions', ['account_id'])


def downgrade() -> None:
    op.drop_table('staff_sessions')
    op.drop_table('staff_accounts')
