"""The programme service's Alembic history builds exactly the tables its models describe, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.programme.models import Base


def test_the_migrated_database_matches_the_models(programme_app):
    engine = programme_app.extensions["osl"].database.engine
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                       Base.metadata)
    assert differences == []
