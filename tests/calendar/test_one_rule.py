"""The rules of the calendar core give the same answer in every service (issue "one rule, one place"): a meeting's
e-mail and feed show the same VEVENT, reminders go exactly so many hours before, and a member is current by one
definition everywhere. Each test drives the real services' code with their own databases, on both stacks."""

import email
import uuid
from datetime import UTC, date, datetime, timedelta
from email.policy import default

import pytest
from sqlalchemy import select

from services.calendar.times import WARSAW, today
from services.events.meetings import coordinator_id
from services.events.models import Event
from services.events.queries import is_current_member
from services.messaging.envelope import Envelope
from services.notify.mail.compose import build_message
from services.notify.meetings import _contacts
from services.notify.models import Notice, Subscriber
from services.notify.scheduler import tick
from services.partners.operations import is_coordinator
from tests.events.factories import ADMIN, deliver, event_body, meeting, membership, organisation, seed
from tests.events.factories import outbox as events_outbox
from tests.events.rooms import add_room, fixed_clock  # noqa: F401 (a fixture)
from tests.notify.test_consumers import worker
from tests.notify.test_mail import CONFIG, LINKS


def vevent_block(text: str) -> str:
    start = text.index("BEGIN:VEVENT\r\n")
    return text[start:text.index("END:VEVENT\r\n", start) + len("END:VEVENT\r\n")]


def attachment(message) -> str:
    parsed = email.message_from_bytes(message.as_bytes(), policy=default)
    [part] = [p for p in parsed.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part.get_payload(decode=True).decode()


def last_message(app, type_name: str) -> dict:
    return [envelope for envelope in events_outbox(app) if envelope.type == type_name][-1].data


def test_a_meeting_at_a_centre_mails_the_feeds_vevent_byte_for_byte(events_app):
    """The meeting names only its centre: the feed says where (LOCATION with the centre), and so does the e-mail,
    with the same SEQUENCE at every version (it was 1 vs 0, then 2 vs 1)."""
    seed(events_app)
    deliver(events_app, "meeting.planned", meeting(3, 7, centre_id=20))
    deliver(events_app, "meeting.updated", meeting(3, 7, version=2, starts_at="2026-10-31T17:00:00+01:00",
                                                   ends_at="2026-10-31T19:00:00+01:00", centre_id=20))
    for type_name, kind in (("event.published", "meeting"), ("event.updated", "meeting_updated")):
        data = [e for e in events_outbox(events_app) if e.type == type_name][0].data
        mail = build_message(CONFIG, kind=kind, language="pl", to="biuro@example.org", links=LINKS,
                             payload={"event": data, "previous": data}, message_id="<m@osl.example>")
        mailed = vevent_block(attachment(mail))
        assert mailed == data["ical"]
        assert "LOCATION:DOSL Ostatni Grosz\\, ul. Zbierskiego 2\r\n" in mailed
        assert f"SEQUENCE:{data['sequence']}\r\n" in mailed
    with events_app.extensions["osl"].database.session() as session:
        stored = session.scalars(select(Event).where(Event.meeting_id == 3)).one()
    assert stored.vevent == last_message(events_app, "event.updated")["ical"]  # what the partnership feed serves
    assert "SEQUENCE:1\r\n" in stored.vevent


@pytest.mark.usefixtures("fixed_clock")  # the room books the meeting
def test_a_meeting_at_a_centres_room_is_where_the_feed_says_in_the_mail_too(events_app):
    """The feed's LOCATION and the e-mail's "Gdzie" name the centre, the room (booked for the meeting) and the
    address, in the same words; a change of room is a change of place (a new SEQUENCE, and the e-mail says what it
    was)."""
    seed(events_app)
    add_room(events_app, centre_id=20)
    add_room(events_app, id=2, centre_id=20, name="Sala duża")
    at = {"starts_at": "2026-12-08T17:00:00+01:00", "ends_at": "2026-12-08T19:00:00+01:00"}
    deliver(events_app, "meeting.planned", meeting(3, 7, centre_id=20, room_id=1, **at))
    planned = last_message(events_app, "event.published")
    assert "LOCATION:DOSL Ostatni Grosz\\, Sala 1\\, ul. Zbierskiego 2\r\n" in planned["ical"]
    deliver(events_app, "meeting.updated", meeting(3, 7, version=2, centre_id=20, room_id=2, **at))
    moved = last_message(events_app, "event.updated")
    assert "LOCATION:DOSL Ostatni Grosz\\, Sala duża\\, ul. Zbierskiego 2\r\n" in moved["ical"]
    assert moved["sequence"] == planned["sequence"] + 1
    mail = build_message(CONFIG, kind="meeting_updated", language="pl", to="biuro@example.org", links=LINKS,
                         payload={"event": moved, "previous": planned}, message_id="<m@osl.example>")
    text = mail.get_body(("plain",)).get_content()
    assert "Gdzie: DOSL Ostatni Grosz, Sala duża, ul. Zbierskiego 2" in text
    assert "miejsce: było „DOSL Ostatni Grosz, Sala 1, ul. Zbierskiego 2”, jest „DOSL Ostatni Grosz, Sala duża" in text


def test_a_public_events_mail_attaches_the_vevent_of_its_feed(events_app):
    seed(events_app)
    client = events_app.test_client()
    posted = client.post("/api/v1/events", json=event_body(organisation="fundacja-zrodlo",
                                                           rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=8"), headers=ADMIN)
    assert posted.status_code == 201, posted.json
    data = last_message(events_app, "event.published")
    feed = client.get(f"/events/{posted.json['id']}.ics").get_data(as_text=True)
    mail = build_message(CONFIG, kind="published", language="pl", to="a@example.org", links=LINKS,
                         payload={"event": data}, message_id="<m@osl.example>")
    assert vevent_block(attachment(mail)) == vevent_block(feed) == data["ical"]


def _subscriber(session) -> None:
    session.add(Subscriber(key="senior", email="senior@example.org", status="confirmed", frequency="immediate",
                           districts=[], audiences=[], reminders=True, language="pl", consent_version="2026-11-23",
                           consent_text="…", consent_at=datetime.now(UTC)))


@pytest.mark.parametrize("start", [datetime(2027, 1, 14, 12, 0, tzinfo=WARSAW),   # winter: UTC+1
                                   datetime(2027, 7, 14, 12, 0, tzinfo=WARSAW)],  # summer: UTC+2
                         ids=["winter", "summer"])
def test_a_reminder_goes_exactly_24_hours_before(notify_app, start):
    from tests.notify.events import event_snapshot

    with notify_app.extensions["osl"].database.session() as session:
        _subscriber(session)
    event = event_snapshot(starts_at=start.isoformat(), ends_at=(start + timedelta(hours=2)).isoformat())
    worker(notify_app).handle("events", Envelope.new("event.published", event))
    database, config = notify_app.extensions["osl"].database, {**notify_app.config, "REMINDER_HOURS": 24.0}

    def reminders() -> int:
        with database.session() as session:
            return len(session.scalars(select(Notice).where(Notice.kind == "reminder")).all())

    # The sender's clock is UTC, as datetime.now(UTC) gives it.
    tick(database, config, (start - timedelta(hours=24, minutes=1)).astimezone(UTC))
    assert reminders() == 0  # 24 h 1 min before: not yet
    tick(database, config, (start - timedelta(hours=23, minutes=59)).astimezone(UTC))
    assert reminders() == 1  # within 24 h: due (an hour late before, on SQLite)


@pytest.mark.parametrize("offset, current", [(-1, False), (0, False), (1, True)],
                         ids=["left yesterday", "leaves today", "leaves tomorrow"])
def test_who_is_a_current_member_is_the_same_in_all_three_services(partners_app, events_app, notify_app, offset,
                                                                    current):
    left_on = today() + timedelta(days=offset)
    from services.partners.models import District, Membership, Organisation, Partnership

    with partners_app.extensions["osl"].database.session() as session:
        district = District(name="Raków", slug="rakow")
        organisation_ = Organisation(name="Fundacja Źródło", slug="fundacja-zrodlo", kind="ngo")
        session.add_all([district, organisation_])
        session.flush()
        partnership = Partnership(name="Partnerstwo Lokalne Raków", district_id=district.id)
        session.add(partnership)
        session.flush()
        session.add(Membership(partnership_id=partnership.id, organisation_id=organisation_.id, role="coordinator",
                               joined_on=date(2026, 1, 10), left_on=left_on))
        session.flush()
        in_partners = is_coordinator(session, partnership.id, organisation_.id)

    seed(events_app)  # partnership 7, with organisation 100 its coordinator until today's change below
    deliver(events_app, "membership.updated",
            {**membership(70, 7, 100, role="coordinator", version=2), "left_on": left_on.isoformat()})
    with events_app.extensions["osl"].database.session() as session:
        in_events = (is_current_member(session, 7, 100, role="coordinator"), coordinator_id(session, 7) == 100)

    notify = worker(notify_app)
    for type_name, data in (("organisation.created", {**organisation(100, "Fundacja Źródło", "fundacja-zrodlo"),
                                                      "kind": "ngo", "krs": None, "email": "biuro@zrodlo.example",
                                                      "phone": None, "website": None}),
                            ("partnership.created", {"id": 7, "version": 1, "name": "Partnerstwo", "district_id": 2,
                                                     "centre_id": None, "status": "active", "description": ""}),
                            ("membership.added", {**membership(70, 7, 100, role="coordinator"),
                                                  "left_on": left_on.isoformat()}),
                            ("member_contacts.replaced", {"partnership_id": 7, "version": 1, "contacts": [
                                {"membership_id": 70, "email": "biuro@zrodlo.example"}]})):
        notify.handle("partners-replica", Envelope.new(type_name, data))
    with notify_app.extensions["osl"].database.session() as session:
        in_notify = [c.membership_id for c in _contacts(session, 7, today())] == [70]

    assert (in_partners, *in_events, in_notify) == (current,) * 4


def test_a_registration_mail_for_one_date_renders_the_events_services_vevent_of_that_date(events_app):
    """One renderer: a resident registered for one date of a series gets the events service's VEVENT of the series,
    at that date and without the rule (the calendar core's render_vevent, byte for byte); a date moved on its own,
    as the feeds show it (its time and place), under the UID of the start the rule gives it."""
    from dataclasses import replace

    from services.calendar.ical import render_vevent
    from services.calendar.recipient import date_uid
    from services.events.feeds.components import Names, calendar_event
    from tests.events.test_occurrence_overrides import MOVED, post_series

    client, event_id, etag = post_series(events_app)
    moved = client.put(f"/api/v1/events/{event_id}{MOVED}", headers={**ADMIN, "If-Match": etag},
                       json={"starts_at": "2027-04-01T18:00:00", "ends_at": "2027-04-01T20:00:00",
                             "location": "Park Lisiniec"})
    assert moved.status_code == 200, moved.json
    data = last_message(events_app, "event.updated")
    dates = {"2027-03-16T17:00:00+01:00": ("2027-03-16T17:00:00+01:00", "2027-03-16T19:00:00+01:00"),
             "2027-03-30T17:00:00+02:00": ("2027-04-01T18:00:00+02:00", "2027-04-01T20:00:00+02:00")}
    with events_app.app_context(), events_app.extensions["osl"].database.session() as session:
        row = session.get(Event, uuid.UUID(data["id"]))
        shown = calendar_event(row, Names(session, [row]))
    for rule_start, (starts_at, ends_at) in dates.items():
        key = datetime.fromisoformat(rule_start)
        payload = {"event": data, "occurrence": {"starts_at": starts_at, "ends_at": ends_at}, "language": "pl",
                   "registration": {"name": "Irena", "people": 1, "status": "confirmed", "position": None,
                                    "verified": True, "series": False, "occurrence": key.astimezone(UTC).isoformat()}}
        mail = build_message(CONFIG, kind="registered", language="pl", to="irena@example.org",
                             links={"confirm": "https://osl.example/c", "cancel": "https://osl.example/x"},
                             payload=payload, message_id="<r@osl.example>")
        expected = replace(shown, uid=date_uid(shown.uid, key), start=datetime.fromisoformat(starts_at),
                           end=datetime.fromisoformat(ends_at), rrule=None, exdates=())
        if starts_at != rule_start:  # the date moved on its own: its place, and the series' SEQUENCE (the higher)
            expected = replace(expected, location="Park Lisiniec")
        assert attachment(mail).count("BEGIN:VEVENT") == 1
        assert vevent_block(attachment(mail)) == render_vevent(expected)
