"""longer_slugs: a centre's or an organisation's slug may be 200 characters, as in the partners service

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 11:40:00

Partners makes a slug from a name of up to 200 characters; a replica column of 100 refused it on PostgreSQL and the
message was dead-lettered. Downgrading cuts a longer slug to 100 characters.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('centres', 'organisations')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('slug', existing_type=sa.String(length=100), type_=sa.String(length=200),
                                  existing_nullable=False)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"UPDATE {table} SET slug = substr(slug, 1, 100) WHERE length(slug) > 100")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('slug', existing_type=sa.String(length=200), type_=sa.String(length=100),
                                  existing_nullable=False)
