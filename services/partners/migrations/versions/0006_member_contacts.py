"""people: the organisation a person is the contact for; partnerships: the version of their member contacts list

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 06:20:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('people') as batch:
        batch.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_people_organisation_id', 'organisations', ['organisation_id'], ['id'])
        batch.create_unique_constraint('uq_people_organisation_id', ['organisation_id'])
    with op.batch_alter_table('partnerships') as batch:
        batch.add_column(sa.Column('contacts_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('partnerships') as batch:
        batch.drop_column('contacts_version')
    with op.batch_alter_table('people') as batch:
        batch.drop_constraint('uq_people_organisation_id', type_='unique')
        batch.drop_constraint('fk_people_organisation_id', type_='foreignkey')
        batch.drop_column('organisation_id')
