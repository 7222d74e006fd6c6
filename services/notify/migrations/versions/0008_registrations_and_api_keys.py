"""registrations for events with limited places; the partners' API key hashes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 06:30:00

Registrations, the per-occurrence row of their places (the row each registration locks), the organisers' settings,
and notices.registration_id (a registration's own mails, once per kind and occurrence). On SQLite the notices table
is rebuilt, and dropping the old one would cascade to digest_items: their rows are kept aside and put back.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.messaging import migration_helpers as shared

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _keeping_digest_items(change) -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute('CREATE TEMPORARY TABLE _digest_items_kept AS SELECT notice_id, event_id FROM digest_items')
    change()
    if sqlite:
        op.execute('INSERT INTO digest_items (notice_id, event_id) SELECT notice_id, event_id FROM _digest_items_kept'
                   ' WHERE notice_id IN (SELECT id FROM notices)')
        op.execute('DROP TABLE _digest_items_kept')


def upgrade() -> None:
    shared.create_api_key_replica()
    op.create_table(
        'registration_slots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('occurrence', sa.String(length=40), server_default='', nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=True),
        sa.Column('confirmed', sa.Integer(), nullable=False),
        sa.Column('waiting', sa.Integer(), nullable=False),
        sa.Column('last_seq', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id', 'occurrence', name='uq_registration_slots'),
    )
    op.create_index('ix_registration_slots_ends_at', 'registration_slots', ['ends_at'])
    op.create_table(
        'registrations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('slot_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('occurrence', sa.String(length=40), server_default='', nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.Column('contact', sa.String(length=5), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('phone', sa.String(length=30), nullable=True),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('by_staff', sa.Boolean(), nullable=False),
        sa.Column('consent_version', sa.String(length=20), nullable=False),
        sa.Column('consent_text', sa.Text(), nullable=False),
        sa.Column('consent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['slot_id'], ['registration_slots.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )
    op.create_index('ix_registrations_slot_id', 'registrations', ['slot_id'])
    op.create_index('ix_registrations_event_id', 'registrations', ['event_id'])
    op.create_index('ix_registrations_email', 'registrations', ['email'])
    op.create_index('ix_registrations_slot_status_seq', 'registrations', ['slot_id', 'status', 'seq'])
    op.create_table(
        'registration_settings',
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('whole_series', sa.Boolean(), nullable=False),
        sa.Column('max_people', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('event_id'),
    )

    def add_column() -> None:
        with op.batch_alter_table('notices', schema=None) as batch_op:
            batch_op.add_column(sa.Column('registration_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key('fk_notices_registration_id', 'registrations', ['registration_id'], ['id'],
                                        ondelete='CASCADE')
            batch_op.create_index('ix_notices_registration_id', ['registration_id'])
            batch_op.create_unique_constraint('uq_notices_once_registration', ['registration_id', 'kind', 'occurrence'])

    _keeping_digest_items(add_column)


def downgrade() -> None:
    def drop_column() -> None:
        with op.batch_alter_table('notices', schema=None) as batch_op:
            batch_op.drop_constraint('uq_notices_once_registration', type_='unique')
            batch_op.drop_index('ix_notices_registration_id')
            batch_op.drop_constraint('fk_notices_registration_id', type_='foreignkey')
            batch_op.drop_column('registration_id')

    op.execute("DELETE FROM notices WHERE registration_id IS NOT NULL")
    _keeping_digest_items(drop_column)
    op.drop_table('registration_settings')
    op.drop_table('registrations')
    op.drop_table('registration_slots')
    op.drop_table('api_keys')
