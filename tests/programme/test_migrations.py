"""The programme service's Alembic history builds exactly the tables its models describe, on both databases."""

from services.messaging.testing import schema_drift
from services.programme.models import Base


def test_the_migrated_database_matches_the_models(programme_app):
    assert schema_drift(programme_app, Base.metadata) == []
