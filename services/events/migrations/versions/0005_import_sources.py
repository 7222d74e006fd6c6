"""import_sources: organisations' calendars kept in sync; events.import_*: which calendar and UID an event comes from

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 06:10:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'import_sources',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=True),
        sa.Column('audiences', sa.JSON(), nullable=False),
        sa.Column('category', sa.String(length=30), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('etag', sa.String(length=500), nullable=True),
        sa.Column('last_modified', sa.String(length=100), nullable=True),
        sa.Column('body_hash', sa.String(length=64), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_fetch_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('new_count', sa.Integer(), nullable=False),
        sa.Column('changed_count', sa.Integer(), nullable=False),
        sa.Column('cancelled_count', sa.Integer(), nullable=False),
        sa.Column('unchanged_count', sa.Integer(), nullable=False),
        sa.Column('warnings', sa.JSON(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('failing_since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('failure_reported_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('refresh_seconds', sa.Integer(), nullable=True),
        sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_import_sources_organisation_id', 'import_sources', ['organisation_id'])
    op.create_index('ix_import_sources_next_due_at', 'import_sources', ['next_due_at'])
    with op.batch_alter_table('events') as batch:
        batch.add_column(sa.Column('import_source_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('import_uid', sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column('import_hashes', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('cancelled_here', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index('ix_events_import_source_id', ['import_source_id'])
        batch.create_unique_constraint('uq_events_import_uid', ['import_source_id', 'import_uid'])


def downgrade() -> None:
    with op.batch_alter_table('events') as batch:
        batch.drop_constraint('uq_events_import_uid', type_='unique')
        batch.drop_index('ix_events_import_source_id')
        batch.drop_column('cancelled_here')
        batch.drop_column('import_hashes')
        batch.drop_column('import_uid')
        batch.drop_column('import_source_id')
    op.drop_index('ix_import_sources_next_due_at', 'import_sources')
    op.drop_index('ix_import_sources_organisation_id', 'import_sources')
    op.drop_table('import_sources')
