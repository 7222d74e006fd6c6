"""The pool of migrated PostgreSQL databases the tests share (tests/conftest.py ``MigratedDatabases``): a database
given back is as new when the next test takes it."""

from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.conftest import fast_bus, require_server

pytestmark = pytest.mark.postgres


@pytest.fixture
def pooled(migrated):
    """A partners database taken from the pool: ``engine`` on it, and ``again()``, which gives it back and takes it
    again (the same database, as the next test would find it)."""
    from services.partners import create_app

    require_server("PostgreSQL")
    bus = fast_bus(broker_url="filesystem://", prefix="osl-pool")
    url = migrated.take("partners", create_app, bus)
    engine = create_engine(url, poolclass=NullPool)

    def again():
        migrated.give_back("partners", url)
        assert migrated.take("partners", create_app, bus) == url  # the same database, from the pool

    try:
        yield SimpleNamespace(engine=engine, again=again)
    finally:
        engine.dispose()
        migrated.give_back("partners", url)


def test_a_database_given_back_has_no_rows_and_counts_its_ids_from_one_again(pooled):
    with pooled.engine.begin() as connection:
        for slug in ("rakow", "stradom"):
            connection.execute(text("INSERT INTO districts (name, slug, version) VALUES (:slug, :slug, 1)"),
                               {"slug": slug})
        connection.execute(text("INSERT INTO centres (name, slug, kind, district_id, version) "
                                "VALUES ('OSL Raków', 'osl-rakow', 'osl', 2, 1)"))
    pooled.again()
    with pooled.engine.begin() as connection:
        assert connection.scalar(text("SELECT count(*) FROM districts")) == 0
        assert connection.scalar(text("SELECT count(*) FROM centres")) == 0
        new = connection.scalar(text("INSERT INTO districts (name, slug, version) VALUES ('a', 'a', 1) RETURNING id"))
        assert new == 1
        assert connection.scalar(text("SELECT count(*) FROM alembic_version")) == 1  # still at head


def test_a_database_given_back_is_as_new_page_for_page_and_sequence_for_sequence(pooled):
    """Rows deleted by the test leave their pages behind and a number drawn leaves its sequence moved on: both are
    emptied too, so rows read without a full ORDER BY come back in the order they were written, and ids from 1."""
    with pooled.engine.begin() as connection:
        connection.execute(text("INSERT INTO districts (name, slug, version) VALUES ('a', 'a', 1)"))
        connection.execute(text("DELETE FROM districts"))
        connection.execute(text("SELECT nextval(pg_get_serial_sequence('organisations', 'id'))"))
    pooled.again()
    with pooled.engine.begin() as connection:
        written = connection.scalars(text(
            "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' "
            "AND relname <> 'alembic_version' AND pg_relation_size(oid) > 0")).all()
        drawn = connection.scalars(text("SELECT sequencename FROM pg_sequences WHERE last_value IS NOT NULL")).all()
        assert (written, drawn) == ([], [])
        assert connection.scalar(text("INSERT INTO organisations (name, slug, kind, version) "
                                      "VALUES ('b', 'b', 'ngo', 1) RETURNING id")) == 1
