"""staff accounts, their sessions, one-time links and failed sign-ins

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 06:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.messaging import migration_helpers as shared

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'staff_accounts',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('email', sa.String(length=254), nullable=False, unique=True),
        sa.Column('password_hash', sa.String(length=200), nullable=True),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        *shared.staff_account_columns(),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_staff_accounts_organisation_id', 'staff_accounts', ['organisation_id'])
    shared.create_staff_sessions()
    op.create_table(
        'account_tokens',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('account_id', sa.Integer(), sa.ForeignKey('staff_accounts.id'), nullable=True),
        sa.Column('hash', sa.String(length=64), nullable=False, unique=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_account_tokens_account_id', 'account_tokens', ['account_id'])
    op.create_table(
        'sign_in_attempts',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_sign_in_attempts_key_at', 'sign_in_attempts', ['key', 'at'])
    op.create_index('ix_sign_in_attempts_at', 'sign_in_attempts', ['at'])


def downgrade() -> None:
    op.drop_table('sign_in_attempts')
    op.drop_table('account_tokens')
    op.drop_table('staff_sessions')
    op.drop_table('staff_accounts')
