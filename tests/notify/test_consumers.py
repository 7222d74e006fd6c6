"""Notices from the events service's messages: who gets one, exactly once, and what an update says."""

from sqlalchemy import select

from services.messaging.consumer import Worker
from services.messaging.envelope import Envelope
from services.messaging.models import utcnow
from services.notify.consumers import HANDLERS
from services.notify.models import EventCopy, InboxMessage, Notice, Subscriber
from tests.notify.events import event_snapshot

#: name: (status, frequency, districts, audiences)
SUBSCRIBERS = {
    "rakow-seniors": ("confirmed", "immediate", ["rakow"], ["seniors"]),
    "everything": ("confirmed", "immediate", [], []),
    "polnoc": ("confirmed", "immediate", ["polnoc"], []),
    "children": ("confirmed", "immediate", [], ["children"]),
    "daily": ("confirmed", "daily", ["rakow"], []),
    "pending": ("pending", "immediate", ["rakow"], []),
    "gone": ("unsubscribed", "immediate", [], []),
}


def add_subscribers(app) -> None:
    with app.extensions["osl"].database.session() as session:
        for name, (status, frequency, districts, audiences) in SUBSCRIBERS.items():
            session.add(Subscriber(key=name, email=f"{name}@example.org", status=status, frequency=frequency,
                                   districts=districts, audiences=audiences, reminders=False, language="pl",
                                   consent_version="2026-11-23", consent_text="…", consent_at=utcnow()))


def worker(app) -> Worker:
    service = app.extensions["osl"]
    return Worker("notify", HANDLERS, service.database, InboxMessage, service.bus)


def handle(app, type_name: str, **changes) -> Envelope:
    envelope = Envelope.new(type_name, event_snapshot(**changes))
    worker(app).handle("events", envelope)
    return envelope


def notified(app, kind: str | None = None) -> list[tuple[str, str, int]]:
    with app.extensions["osl"].database.session() as session:
        query = select(Subscriber.key, Notice.kind, Notice.sequence).join(Subscriber).order_by(Subscriber.key)
        if kind:
            query = query.where(Notice.kind == kind)
        return [tuple(row) for row in session.execute(query)]


def test_a_published_event_goes_to_matching_confirmed_immediate_subscribers_once(notify):
    add_subscribers(notify)
    envelope = handle(notify, "event.published")
    assert notified(notify) == [("everything", "published", 0), ("rakow-seniors", "published", 0)]
    assert worker(notify).handle("events", envelope) is False  # redelivered: nothing new
    assert len(notified(notify)) == 2


def test_an_event_for_everyone_reaches_every_audience(notify):
    add_subscribers(notify)
    handle(notify, "event.published", audiences=["everyone"])
    assert [key for key, _, _ in notified(notify)] == ["children", "everything", "rakow-seniors"]


def test_events_that_are_not_public_are_never_sent(notify):
    add_subscribers(notify)
    handle(notify, "event.published", visibility="partnership", partnership_id=3, partnership_name="PL Raków")
    assert notified(notify) == []


def test_updates_only_for_significant_changes_and_cancellation_to_everyone_told(notify):
    add_subscribers(notify)
    handle(notify, "event.published")
    handle(notify, "event.updated", version=2, description="Nowy opis.", changed_fields=["description"])
    assert notified(notify, "updated") == []
    handle(notify, "event.updated", version=3, sequence=1, starts_at="2026-12-05T16:00:00+01:00",
           changed_fields=["starts_at"])
    assert notified(notify, "updated") == [("everything", "updated", 1), ("rakow-seniors", "updated", 1)]
    with notify.extensions["osl"].database.session() as session:
        payload = session.scalars(select(Notice.payload).where(Notice.kind == "updated")).first()
    assert payload["previous"]["starts_at"] == "2026-12-05T15:00:00+01:00"
    assert payload["event"]["starts_at"] == "2026-12-05T16:00:00+01:00"

    handle(notify, "event.updated", version=2, sequence=1, title="Stara wersja", changed_fields=["title"])  # late
    assert len(notified(notify, "updated")) == 2

    # Someone told about the event who has since narrowed their districts still hears it is cancelled.
    with notify.extensions["osl"].database.session() as session:
        session.scalar(select(Subscriber).where(Subscriber.key == "everything")).districts = ["polnoc"]
    handle(notify, "event.cancelled", version=4, sequence=2, status="cancelled",
           cancelled_at="2026-11-24T10:00:00+00:00")
    assert notified(notify, "cancelled") == [("everything", "cancelled", 2), ("rakow-seniors", "cancelled", 2)]
    with notify.extensions["osl"].database.session() as session:
        assert session.get(EventCopy, event_snapshot()["id"]).version == 4


def test_a_cancellation_of_an_event_nobody_was_told_about_sends_nothing(notify):
    add_subscribers(notify)
    handle(notify, "event.cancelled", status="cancelled", sequence=1, cancelled_at="2026-11-24T10:00:00+00:00")
    assert notified(notify) == []
