"""a registration's pseudonymous reference, the one thing of it the programme service gets

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:00:00

``registrations.ref``: random, shown on the printed list next to the name and sent to the programme service in place
of the person. Registrations that still hold personal data get one now; anonymised ones stay without.
"""
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('registrations') as batch:
        batch.add_column(sa.Column('ref', sa.String(length=12), nullable=True))
        batch.create_index('ix_registrations_ref', ['ref'])
    bind = op.get_bind()
    ids = bind.execute(sa.text('SELECT id FROM registrations WHERE anonymised_at IS NULL')).scalars().all()
    for registration_id in ids:
        bind.execute(sa.text('UPDATE registrations SET ref = :ref WHERE id = :id'),
                     {'ref': secrets.token_hex(5).upper(), 'id': registration_id})


def downgrade() -> None:
    with op.batch_alter_table('registrations') as batch:
        batch.drop_index('ix_registrations_ref')
        batch.drop_column('ref')
