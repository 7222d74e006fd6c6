"""Alembic revisions and the models agree, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.notify.models import Base


def test_the_migrated_database_matches_the_models(notify):
    engine = notify.extensions["osl"].database.engine
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
