"""The tables and columns that more than one service's Alembic migrations create, each written once.

A migration calls these where it would call ``op.create_table``. What each function creates is frozen: an applied
migration must build the same schema for ever, so never change what a function here makes (column order included);
a new shape is a new function, called from a new migration.
"""

import sqlalchemy as sa
from alembic import op


def create_outbox() -> None:
    """The outbox every service writes its messages to (``models.service_tables``), in the order it is relayed."""
    op.create_table('outbox',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('message_id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('message_id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_outbox_pending', ['published_at', 'seq'], unique=False)


def drop_outbox() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending')
        batch_op.drop_index('ix_outbox_created_at')
    op.drop_table('outbox')


def create_inbox() -> None:
    """The inbox of a service that consumes messages: each message handled once per handler."""
    op.create_table('inbox',
    sa.Column('message_id', sa.String(length=36), nullable=False),
    sa.Column('handler', sa.String(length=100), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('message_id', 'handler')
    )


def api_key_columns() -> list[sa.Column]:
    """What an API key is but for its id: partners' own table, and each other service's replica of it."""
    return [
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    ]


def create_api_key_replica() -> None:
    """The replica of partners' API key hashes (``models.ApiKeyMixin``), kept from ``api_key.*`` messages."""
    op.create_table('api_keys',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key_id', sa.Integer(), autoincrement=False, nullable=False),
    *api_key_columns(),
    sa.PrimaryKeyConstraint('kind', 'key_id'),
    sa.UniqueConstraint('hash')
    )


def staff_account_columns() -> list[sa.Column]:
    """The columns of a staff account that partners owns and every other service replicates (``staff.py``)."""
    return [
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    ]


def create_staff_sessions() -> None:
    """Staff sessions (by the hash of the cookie): partners' own table, and each other service's replica of it."""
    op.create_table(
        'staff_sessions',
        sa.Column('session_hash', sa.String(length=64), primary_key=True),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_staff_sessions_account_id', 'staff_sessions', ['account_id'])


def create_staff_replica() -> None:
    """The replica of staff accounts and sessions, so that one sign-in at partners works in this service too."""
    op.create_table(
        'staff_accounts',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=False),
        *staff_account_columns(),
    )
    op.create_index('ix_staff_accounts_organisation_id', 'staff_accounts', ['organisation_id'])
    create_staff_sessions()


def drop_staff_replica() -> None:
    op.drop_table('staff_sessions')
    op.drop_table('staff_accounts')


def room_columns() -> list[sa.Column]:
    """What a centre's room is (partners owns rooms, events replicates them), but for its id and version."""
    return [
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=True),
        sa.Column('step_free', sa.Boolean(), nullable=False),
        sa.Column('accessible_toilet', sa.Boolean(), nullable=False),
        sa.Column('equipment', sa.JSON(), nullable=False),
        sa.Column('bookable_hours', sa.JSON(), nullable=False),
        sa.Column('closures', sa.JSON(), nullable=False),
        sa.Column('open_on', sa.JSON(), nullable=False),
        sa.Column('buffer_minutes', sa.Integer(), nullable=False),
        sa.Column('horizon_days', sa.Integer(), nullable=False),
        sa.Column('requires_approval', sa.Boolean(), nullable=False),
    ]


def add_centre_opening_hours() -> None:
    """A centre's opening hours, as words (partners' centres and events' replica of them)."""
    with op.batch_alter_table('centres') as batch:
        batch.add_column(sa.Column('opening_hours', sa.String(length=500), nullable=True))


def drop_centre_opening_hours() -> None:
    with op.batch_alter_table('centres') as batch:
        batch.drop_column('opening_hours')
