"""The events service's Alembic history builds exactly the tables its models describe, on both databases."""

import pytest

from services.events.models import Base
from services.messaging.testing import schema_drift


def test_the_migrated_database_matches_the_models(events_app):
    assert schema_drift(events_app, Base.metadata) == []


def _insert_event(connection, rrule: str | None = None) -> None:
    """One event row as the early migrations know it, with a stored VEVENT."""
    import uuid

    from sqlalchemy import text

    columns = ("id, visibility, title, description, starts_at, ends_at, all_day, exdates, district_id, audiences, "
               "category, registration_required, status, sequence, version, created_at, updated_at, search_text, "
               "rrule, vevent")
    connection.execute(text(f"INSERT INTO events ({columns}) VALUES (:id, 'public', 'Piknik', '', "
                            "'2026-12-05 14:00:00', '2026-12-05 17:00:00', false, '[]', 1, '[]', 'picnic', "
                            "false, 'scheduled', 0, 1, '2026-11-01 10:00:00', '2026-11-01 10:00:00', '', :rrule, "
                            "'BEGIN:VEVENT\r\nEND:VEVENT\r\n')"), {"id": uuid.uuid4().hex, "rrule": rrule})


def test_0004_clears_the_stored_vevents_so_the_feeds_render_them_again(stack):
    from sqlalchemy import create_engine, text

    from services.events import MIGRATIONS
    from services.messaging.db import upgrade

    url = stack.database_url("events")
    upgrade(url, MIGRATIONS, "0003")
    engine = create_engine(url)
    with engine.begin() as connection:
        _insert_event(connection)
    upgrade(url, MIGRATIONS)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT vevent, overrides FROM events")).one() in [(None, "[]"), (None, [])]
    engine.dispose()


@pytest.mark.parametrize("before", ["0010", "0011"])
def test_0011_and_0012_clear_the_stored_vevents_of_series_with_an_until(stack, before):
    """0011: UNTIL in UTC; 0012: a date UNTIL is that whole day. Each renders such series again."""
    from sqlalchemy import create_engine, text

    from services.events import MIGRATIONS
    from services.messaging.db import upgrade

    url = stack.database_url("events")
    upgrade(url, MIGRATIONS, before)
    engine = create_engine(url)
    rules = ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270331T235959", "FREQ=WEEKLY;BYDAY=TU", None)
    with engine.begin() as connection:
        for rule in rules:
            _insert_event(connection, rule)
    upgrade(url, MIGRATIONS)
    with engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT rrule, vevent FROM events")).all())
    assert rows == {rules[0]: None, rules[1]: "BEGIN:VEVENT\r\nEND:VEVENT\r\n", None: "BEGIN:VEVENT\r\nEND:VEVENT\r\n"}
    engine.dispose()


def test_0010_widens_the_replica_slugs_and_its_downgrade_cuts_them(stack):
    from alembic import command
    from sqlalchemy import create_engine, text

    from services.events import MIGRATIONS
    from services.messaging.db import alembic_config, upgrade

    url = stack.database_url("events")
    upgrade(url, MIGRATIONS, "0010")
    engine = create_engine(url)
    slug = "-".join(["stowarzyszenie"] * 13)  # 194 characters
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO organisations (id, version, name, slug, kind, needs_review) "
                                "VALUES (1, 1, 'Stowarzyszenie', :slug, 'ngo', false)"), {"slug": slug})
    command.downgrade(alembic_config(url, MIGRATIONS), "0009")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT slug FROM organisations")).scalar_one() == slug[:100]
    upgrade(url, MIGRATIONS)
    with engine.begin() as connection:
        connection.execute(text("UPDATE organisations SET slug = :slug"), {"slug": slug})
        assert connection.execute(text("SELECT slug FROM organisations")).scalar_one() == slug
    engine.dispose()


def test_0013_fills_the_folded_search_text_with_the_organiser_and_the_place(stack):
    import uuid

    from sqlalchemy import create_engine, text

    from services.events import MIGRATIONS
    from services.messaging.db import upgrade

    url = stack.database_url("events")
    upgrade(url, MIGRATIONS, "0012")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO organisations (id, version, name, slug, kind, needs_review) "
                                "VALUES (1, 1, 'Fundacja Żółta Łódka', 'zolta', 'ngo', false)"))
        connection.execute(text("INSERT INTO centres (id, version, name, slug, kind, district_id, address) "
                                "VALUES (2, 1, 'OSL Raków', 'osl-rakow', 'osl', 1, 'ul. Łukasińskiego 40')"))
        _insert_event(connection)
        connection.execute(text("UPDATE events SET title = 'Wieczór KOLĘD', description = 'Ćwiczenia', "
                                "organisation_id = 1, centre_id = 2, location = 'Sala 2, ul. Łukasińskiego 40'"))
        connection.execute(text("INSERT INTO events (id, visibility, title, description, starts_at, ends_at, all_day, "
                                "exdates, district_id, audiences, category, registration_required, status, sequence, "
                                "version, created_at, updated_at, search_text) SELECT :id, visibility, 'Sam', '', "
                                "starts_at, ends_at, all_day, exdates, district_id, audiences, category, "
                                "registration_required, status, sequence, version, created_at, updated_at, '' "
                                "FROM events"), {"id": uuid.uuid4().hex})
    upgrade(url, MIGRATIONS)
    with engine.connect() as connection:
        found = set(connection.execute(text("SELECT search_text FROM events")).scalars())
    assert found == {"wieczor koled\ncwiczenia\nfundacja zolta lodka\nsala 2, ul. lukasinskiego 40\nosl rakow",
                     "sam\n"}
    engine.dispose()


def test_0014_adds_the_district_and_leaves_out_a_deleted_organiser(stack):
    from sqlalchemy import create_engine, text

    from services.events import MIGRATIONS
    from services.messaging.db import upgrade

    url = stack.database_url("events")
    upgrade(url, MIGRATIONS, "0013")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO districts (id, version, name, slug) VALUES (1, 1, 'Raków', 'rakow')"))
        connection.execute(text("INSERT INTO organisations (id, version, name, slug, kind, needs_review, deleted_at) "
                                "VALUES (1, 1, 'Fundacja Zamknięta', 'zamknieta', 'ngo', false, "
                                "'2026-11-30 10:00:00')"))
        _insert_event(connection)
        connection.execute(text("UPDATE events SET organisation_id = 1, search_text = 'piknik'"))
    upgrade(url, MIGRATIONS)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT search_text FROM events")).scalars().all() == ["piknik\n\nrakow"]
    engine.dispose()
