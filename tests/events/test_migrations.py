"""The events service's Alembic history builds exactly the tables its models describe, on both databases."""

from services.events.models import Base
from services.messaging.testing import schema_drift


def test_the_migrated_database_matches_the_models(events_app):
    assert schema_drift(events_app, Base.metadata) == []


def test_0004_clears_the_stored_vevents_so_the_feeds_render_them_again(stack):
    import uuid

    from sqlalchemy import create_engine, text

    from services.events import MIGRATIONS
    from services.messaging.db import upgrade

    url = stack.database_url("events")
    upgrade(url, MIGRATIONS, "0003")
    engine = create_engine(url)
    columns = ("id, visibility, title, description, starts_at, ends_at, all_day, exdates, district_id, audiences, "
               "category, registration_required, status, sequence, version, created_at, updated_at, search_text, "
               "vevent")
    with engine.begin() as connection:
        connection.execute(text(f"INSERT INTO events ({columns}) VALUES (:id, 'public', 'Piknik', '', "
                                "'2026-12-05 14:00:00', '2026-12-05 17:00:00', false, '[]', 1, '[]', 'picnic', "
                                "false, 'scheduled', 0, 1, '2026-11-01 10:00:00', '2026-11-01 10:00:00', '', "
                                "'BEGIN:VEVENT\r\nEND:VEVENT\r\n')"), {"id": str(uuid.uuid4()).replace("-", "")})
    upgrade(url, MIGRATIONS)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT vevent, overrides FROM events")).one() in [(None, "[]"), (None, [])]
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
