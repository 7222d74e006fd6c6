"""member_contacts and contact_lists (partners' private member_contacts.replaced); notices.member_contact_id

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 06:25:00

Partner meeting e-mails go to every member with a contact address, from the list partners sends notify alone. On
SQLite the notices table is rebuilt, and dropping the old one would cascade to digest_items: their rows are kept
aside in a temporary table and put back.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONCE_MEMBER = ['member_contact_id', 'event_id', 'sequence', 'kind', 'occurrence']


def _keeping_digest_items(change) -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute('CREATE TEMPORARY TABLE _digest_items_kept AS SELECT notice_id, event_id FROM digest_items')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        change(batch_op)
    if sqlite:
        op.execute('INSERT INTO digest_items (notice_id, event_id) SELECT notice_id, event_id FROM _digest_items_kept'
                   ' WHERE notice_id IN (SELECT id FROM notices)')
        op.execute('DROP TABLE _digest_items_kept')


def upgrade() -> None:
    op.create_table(
        'contact_lists',
        sa.Column('partnership_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('partnership_id'),
    )
    op.create_table(
        'member_contacts',
        sa.Column('membership_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=200), nullable=False),
        sa.Column('basis', sa.String(length=200), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('notices_stopped_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('membership_id'),
    )
    op.create_index('ix_member_contacts_partnership_id', 'member_contacts', ['partnership_id'], unique=False)

    def add(batch_op) -> None:
        batch_op.add_column(sa.Column('member_contact_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_notices_member_contact_id', ['member_contact_id'], unique=False)
        batch_op.create_foreign_key('fk_notices_member_contact_id', 'member_contacts', ['member_contact_id'],
                                    ['membership_id'], ondelete='CASCADE')
        batch_op.create_unique_constraint('uq_notices_once_member', ONCE_MEMBER)

    _keeping_digest_items(add)


def downgrade() -> None:
    def drop(batch_op) -> None:
        batch_op.drop_constraint('uq_notices_once_member', type_='unique')
        batch_op.drop_constraint('fk_notices_member_contact_id', type_='foreignkey')
        batch_op.drop_index('ix_notices_member_contact_id')
        batch_op.drop_column('member_contact_id')

    op.execute('DELETE FROM notices WHERE member_contact_id IS NOT NULL')
    _keeping_digest_items(drop)
    op.drop_index('ix_member_contacts_partnership_id', table_name='member_contacts')
    op.drop_table('member_contacts')
    op.drop_table('contact_lists')
