"""Partners meeting messages become events in the partnership's private calendar."""

from datetime import UTC, datetime

import pytest

from services.events.models import Event
from services.messaging.messages.partners import meeting_event_id
from services.messaging.registry import validate
from tests.events.factories import deliver, meeting, membership, outbox, seed
from tests.events.rooms import fixed_clock  # noqa: F401 (a fixture)


def _event(app) -> Event:
    with app.extensions["osl"].database.session() as session:
        return session.query(Event).one()


def test_a_planned_meeting_becomes_a_partnership_event_organised_by_the_coordinator(events_app):
    seed(events_app)
    deliver(events_app, "meeting.planned", meeting(3, 7, centre_id=20))
    event = _event(events_app)
    assert (event.meeting_id, event.partnership_id, event.visibility, event.category) == (3, 7, "partnership",
                                                                                           "meeting")
    assert event.organisation_id == 100
    assert (event.district_id, event.centre_id, event.location) == (2, 20, "ul. Zbierskiego 2")
    assert event.starts_at == datetime(2026, 10, 30, 16, tzinfo=UTC)
    assert (event.title, event.description, event.status, event.sequence) == (
        "Spotkanie partnerskie", "Plan pikniku sąsiedzkiego", "scheduled", 0)
    [message] = outbox(events_app)
    assert message.type == "event.published"
    assert message.data["partnership_name"] == "Partnerstwo Lokalne Ostatni Grosz"
    assert message.data["meeting_id"] == 3
    # Its id, so its feed UID, follows from the meeting's: notify's meeting e-mails attach the same UID.
    assert event.id == meeting_event_id(3) and message.data["id"] == str(meeting_event_id(3))
    assert meeting_event_id(4) != meeting_event_id(3)
    assert validate(message.type, message.data) == message.data
    # Its link (the VEVENT's URL, which the members' e-mail attaches as it is) leads to the partnership's page on
    # partners, which anyone may open: the events page of a partnership's event is a 404 to everyone.
    [url] = [line for line in message.data["ical"].splitlines() if line.startswith("URL")]
    assert url == f"URL:{events_app.config['PARTNERS_URL'].rstrip('/')}/partnerships/7"


def test_a_meeting_at_an_address_without_a_coordinator(events_app):
    seed(events_app)
    deliver(events_app, "membership.updated", membership(70, 7, 100, role="member", version=2))
    deliver(events_app, "meeting.planned", meeting(4, 7, address="Sala parafialna, ul. Kościelna 1"))
    event = _event(events_app)
    assert event.organisation_id is None
    assert (event.district_id, event.centre_id, event.location) == (2, None, "Sala parafialna, ul. Kościelna 1")
    assert outbox(events_app)[0].data["organisation_name"] is None


def test_a_meeting_change_updates_the_event_and_raises_the_sequence_when_it_matters(events_app):
    seed(events_app)
    deliver(events_app, "meeting.planned", meeting(3, 7))
    deliver(events_app, "meeting.updated", meeting(3, 7, version=2, agenda="Nowy porządek obrad"))
    assert _event(events_app).sequence == 0
    deliver(events_app, "meeting.updated", meeting(3, 7, version=3, agenda="Nowy porządek obrad",
                                                   starts_at="2026-10-30T18:00:00+01:00"))
    assert _event(events_app).sequence == 1
    deliver(events_app, "meeting.updated", meeting(3, 7, version=4, agenda="Nowy porządek obrad",
                                                   starts_at="2026-10-30T18:00:00+01:00", status="held"))
    deliver(events_app, "meeting.cancelled", meeting(3, 7, version=5, agenda="Nowy porządek obrad",
                                                     starts_at="2026-10-30T18:00:00+01:00", status="cancelled"))
    event = _event(events_app)
    assert (event.status, event.sequence, event.meeting_version) == ("cancelled", 2, 5)
    messages = outbox(events_app)
    assert [m.type for m in messages] == ["event.published", "event.updated", "event.updated", "event.cancelled"]
    assert messages[1].data["changed_fields"] == ["description"]
    assert messages[2].data["changed_fields"] == ["starts_at"]


def test_an_older_meeting_snapshot_is_ignored(events_app):
    seed(events_app)
    deliver(events_app, "meeting.planned", meeting(3, 7, version=1))
    deliver(events_app, "meeting.updated", meeting(3, 7, version=3, title="Nowszy"))
    deliver(events_app, "meeting.updated", meeting(3, 7, version=2, title="Starszy"))
    assert _event(events_app).title == "Nowszy"
    assert len(outbox(events_app)) == 2


def test_a_new_coordinator_becomes_the_organiser_of_the_partnership_meetings(events_app):
    seed(events_app)
    deliver(events_app, "meeting.planned", meeting(3, 7))
    deliver(events_app, "organisation.created", {"id": 400, "version": 1, "name": "Rada Dzielnicy",
                                                 "slug": "rada-dzielnicy", "kind": "municipal"})
    deliver(events_app, "membership.updated", membership(70, 7, 100, role="member", version=2))
    deliver(events_app, "membership.added", membership(71, 7, 400, role="coordinator"))
    assert _event(events_app).organisation_id == 400
    messages = outbox(events_app)
    assert [m.type for m in messages] == ["event.published", "event.updated", "event.updated"]
    assert messages[-1].data["changed_fields"] == ["organisation"]
    assert messages[-1].data["organisation_name"] == "Rada Dzielnicy"
    deliver(events_app, "membership.updated", membership(71, 7, 400, role="coordinator", version=2))
    assert len(outbox(events_app)) == 3


@pytest.mark.usefixtures("fixed_clock")  # the rooms book the meetings
def test_a_meeting_at_a_room_follows_the_rooms_name_and_the_centres_address(events_app):
    """The room is part of the meeting's place: its event is at the room booked for it and the centre's address, and
    moves with either (announced as a change of place); a meeting at another centre's room keeps its place."""
    from tests.events.factories import centre
    from tests.events.rooms import add_room, room

    seed(events_app)
    add_room(events_app, centre_id=20)
    add_room(events_app, id=2, centre_id=10)
    at = {"starts_at": "2026-12-08T17:00:00+01:00", "ends_at": "2026-12-08T19:00:00+01:00"}
    deliver(events_app, "meeting.planned", meeting(3, 7, centre_id=20, room_id=1, **at))
    deliver(events_app, "meeting.planned", meeting(4, 7, centre_id=10, room_id=2, **at))
    deliver(events_app, "room.updated", room(1, centre_id=20, version=2, name="Sala duża"))
    deliver(events_app, "centre.updated", centre(20, "DOSL Ostatni Grosz", "dosl-ostatni-grosz", 2, version=2,
                                                 address="ul. Zbierskiego 4"))
    with events_app.extensions["osl"].database.session() as session:
        places = {event.meeting_id: (event.location, event.sequence) for event in session.query(Event)}
    assert places == {3: ("Sala duża, ul. Zbierskiego 4", 2), 4: ("Sala 2, ul. Łukasińskiego 40, Częstochowa", 0)}
    changes = [m.data["changed_fields"] for m in outbox(events_app) if m.type == "event.updated"]
    assert changes == [["location"], ["location"]]
