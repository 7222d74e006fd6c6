"""Ids are never reused, on SQLite too, so that a replica that keeps a deleted record's tombstone by id still takes
the next record: create, delete, create gives a new id, and the events service learns of the new record."""

from sqlalchemy import MetaData, select, text

from services.events.models import Organisation as EventsOrganisation
from services.messaging.db import Database, upgrade
from services.partners import MIGRATIONS
from tests.events.factories import deliver
from tests.partners.helpers import make_organisation, outbox, with_etag


def test_a_deleted_organisations_id_is_not_given_to_the_next_and_the_next_reaches_events(partners_app, events_app):
    client = partners_app.test_client()
    first = make_organisation(client, "Fundacja Pierwsza")
    url = f"/api/v1/organisations/{first['id']}"
    assert client.delete(url, headers=with_etag(client, url)).status_code == 204
    second = make_organisation(client, "Fundacja Druga")
    assert second["id"] != first["id"]

    # The events service is handed partners' messages in their order, as its consumer would be.
    for envelope in outbox(partners_app):
        if envelope.type.startswith("organisation."):
            deliver(events_app, envelope.type, envelope.data)
    with events_app.extensions["osl"].database.session() as session:
        live = session.scalars(select(EventsOrganisation.slug).where(EventsOrganisation.deleted_at.is_(None))).all()
    assert live == [second["slug"]]
    assert events_app.test_client().get(f"/api/v1/events?organisation={second['slug']}").status_code == 200


def test_an_existing_sqlite_database_is_upgraded_keeping_its_rows_and_references(tmp_path):
    url = f"sqlite:///{tmp_path}/partners.db"
    upgrade(url, MIGRATIONS, "0002")
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection)
            [district] = connection.execute(old.tables["districts"].insert(), dict(
                name="Raków", slug="rakow", version=1)).inserted_primary_key
            connection.execute(old.tables["centres"].insert(), dict(
                name="OSL Raków", slug="osl-rakow", kind="osl", district_id=district, version=1))
            connection.execute(old.tables["districts"].insert(), dict(name="Zawodzie", slug="zawodzie", version=1))
            connection.execute(old.tables["districts"].delete().where(old.tables["districts"].c.slug == "zawodzie"))
        upgrade(url, MIGRATIONS)
        with database.engine.begin() as connection:
            assert connection.scalar(text("SELECT district_id FROM centres")) == district
            assert connection.scalar(text("PRAGMA foreign_key_check")) is None
            sql = connection.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'districts'"))
            assert "AUTOINCREMENT" in sql
            connection.execute(text("INSERT INTO districts (name, slug, version) VALUES ('Wrzosowiak', 'w', 1)"))
            # The deleted Zawodzie had id district + 1; AUTOINCREMENT counts on from the highest id it has seen.
            new_id = connection.scalar(text("SELECT id FROM districts WHERE slug = 'w'"))
            assert new_id == district + 1 or new_id > district
    finally:
        database.dispose()
