"""Set-up shared by the events tests: a seeded events app that imports calendars from a local feed server."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.events.imports.runner import pull
from services.events.models import Event
from services.messaging.models import utcnow
from tests.events.factories import seed
from tests.events.feedserver import FeedServer, Route
from tests.events.icaljs import icaljs
from tests.events.icaljs.checks import assert_valid_feed

SOURCE = {"district": "rakow", "centre": "osl-rakow", "audiences": ["seniors"], "category": "meeting"}
#: When the importer's and the feeds' clock starts in these tests: the imported dates (December 2026 to July 2027)
#: are in the import window and the feeds' window.
IMPORT_NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


class Importing:
    def __init__(self, app):
        self.app = app
        app.config["IMPORT_ALLOW_LOOPBACK"] = True
        app.config["FEED_RECHECK_SECONDS"] = 0
        self.world = seed(app)
        self.client = app.test_client()
        self.server = FeedServer()

    def register(self, path: str, body: bytes | None = None, key=None, **route) -> dict:
        if body is not None:
            self.server.routes[path] = Route(body=body, **route)
        answer = self.client.post("/api/v1/import-sources", json={"url": self.server.url(path), **SOURCE},
                                  headers=key or self.world.own)
        assert answer.status_code == 201, answer.json
        return answer.json

    def pull(self, source_id: int) -> dict:
        pull(self.app, source_id)
        answer = self.client.get(f"/api/v1/import-sources/{source_id}", headers=self.world.own)
        assert answer.status_code == 200, answer.json
        return answer.json

    def events(self, source_id: int) -> dict[str, dict]:
        """The source's events as the API shows them, by title."""
        with self.app.extensions["osl"].database.session() as session:
            ids = session.scalars(select(Event.id).where(Event.import_source_id == source_id)).all()
        shown = [self.client.get(f"/api/v1/events/{event_id}").json for event_id in ids]
        return {event["title"]: event for event in shown}

    def icaljs(self, event_id: str) -> dict:
        ics = self.client.get(f"/events/{event_id}.ics").get_data()
        return assert_valid_feed(ics, icaljs())["events"]


@pytest.fixture
def importing(events_app, monkeypatch):
    """The seeded events app allowed to fetch from loopback, with a local feed server; its importer's and feeds'
    clock runs from IMPORT_NOW."""
    offset = IMPORT_NOW - utcnow()
    for clock in ("services.events.imports.runner.utcnow", "services.events.imports.sources.utcnow",
                  "services.events.feeds.build.utcnow"):
        monkeypatch.setattr(clock, lambda: utcnow() + offset)
    importing = Importing(events_app)
    yield importing
    importing.server.close()
