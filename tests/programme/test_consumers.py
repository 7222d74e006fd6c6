"""The copies of the events' activities, from their event.* messages, and the occurrences built from them."""

import uuid

from sqlalchemy import select

from services.messaging.dead_letters import list_dead_letters
from services.messaging.testing import running, wait_until
from services.programme.models import Activity, Programme
from services.programme.queries import activities_by_district
from tests.messaging.helpers import length_bound, publish_raw, raw_envelope
from tests.programme.factories import (
    ACTIVITY,
    ADMIN,
    MEETING,
    PROGRAMME,
    deliver,
    event,
    known_programme,
    seed_messages,
)


def _occurrences(client, base, **query):
    response = client.get(f"{base}/activities/{ACTIVITY}/occurrences", query_string=query, headers=ADMIN)
    assert response.status_code == 200, response.json
    return response.json


def test_occurrences_come_from_the_event_messages(programme_app):
    seed_messages(programme_app)
    client = programme_app.test_client()
    base = f"/api/v1/programmes/{client.post('/api/v1/programmes/', json=PROGRAMME, headers=ADMIN).json['id']}"
    found = _occurrences(client, base)
    assert len(found) == 10
    # Warsaw wall-clock time across the change of the clocks is not in play here; summer time throughout.
    assert [o["starts_at"] for o in found[:2]] == ["2018-05-08T17:00:00+02:00", "2018-05-15T17:00:00+02:00"]
    assert found[0]["ends_at"] == "2018-05-08T19:00:00+02:00"
    assert not any(o["recorded"] for o in found)
    client.put(f"{base}/roll-calls/{ACTIVITY}/2018-05-15T17:00:00+02:00", json={"anonymous_count": 1},
               headers=ADMIN)
    assert [o["recorded"] for o in _occurrences(client, base)][:3] == [False, True, False]
    # A later version moves the series to Wednesdays and leaves a date out.
    deliver(programme_app, "events", "event.updated", {**event(
        ACTIVITY, "Warsztaty w Rakowie", "2018-05-09T17:00:00+02:00", "2018-05-09T19:00:00+02:00", 100, "rakow",
        version=2, rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=4", exdates=["2018-05-16T17:00:00"]),
        "changed_fields": ["starts_at", "ends_at", "rrule", "exdates"]})
    assert [o["starts_at"][:10] for o in _occurrences(client, base)] == ["2018-05-09", "2018-05-23", "2018-05-30"]
    assert [o["starts_at"][:10] for o in _occurrences(client, base, **{"from": "2018-05-20", "to": "2018-05-25"})] \
        == ["2018-05-23"]


def test_a_date_moved_or_cancelled_on_its_own_is_where_the_roll_call_is(programme_app):
    """One date of a series moved on its own (or called off): its roll call is at its new time, as the feeds and
    the registrations have it; the copy once kept only the rule, so the roll call stayed at the old time."""
    seed_messages(programme_app)
    client = programme_app.test_client()
    base = f"/api/v1/programmes/{client.post('/api/v1/programmes/', json=PROGRAMME, headers=ADMIN).json['id']}"
    moved = {"recurrence_id": "2018-05-15T17:00:00", "starts_at": "2018-05-16T12:00:00+02:00",
             "ends_at": "2018-05-16T13:30:00+02:00", "status": "scheduled", "location": None, "sequence": 1}
    called_off = {**moved, "recurrence_id": "2018-05-22T17:00:00", "starts_at": "2018-05-22T17:00:00+02:00",
                  "ends_at": "2018-05-22T19:00:00+02:00", "status": "cancelled"}
    deliver(programme_app, "events", "event.updated", {**event(
        ACTIVITY, "Warsztaty w Rakowie", "2018-05-08T17:00:00+02:00", "2018-05-08T19:00:00+02:00", 100, "rakow",
        version=2, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=10", overrides=[moved, called_off]),
        "changed_fields": ["overrides"]})
    found = [o["starts_at"] for o in _occurrences(client, base)]
    assert found[:3] == ["2018-05-08T17:00:00+02:00", "2018-05-16T12:00:00+02:00", "2018-05-29T17:00:00+02:00"]


def test_an_older_snapshot_is_ignored_and_a_partner_meeting_is_kept_apart(programme_app):
    seed_messages(programme_app)
    deliver(programme_app, "events", "event.cancelled", event(
        ACTIVITY, "Warsztaty w Rakowie", "2018-05-08T17:00:00+02:00", "2018-05-08T19:00:00+02:00", 100, "rakow",
        version=3, status="cancelled", rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=10"))
    deliver(programme_app, "events", "event.updated", {**event(
        ACTIVITY, "Stary tytuł", "2018-05-08T17:00:00+02:00", "2018-05-08T19:00:00+02:00", 100, "rakow",
        version=2), "changed_fields": ["title"]})
    with programme_app.extensions["osl"].database.session() as session:
        activity = session.get(Activity, ACTIVITY)
        assert (activity.title, activity.version, activity.status) == ("Warsztaty w Rakowie", 3, "cancelled")
        assert activity.rrule == "FREQ=WEEKLY;BYDAY=TU;COUNT=10"
        assert session.get(Activity, ACTIVITY).meeting is False
        assert session.get(Activity, MEETING).meeting is True
        assert len(session.scalars(select(Activity)).all()) == 3


def test_a_private_event_that_is_no_meeting_is_not_kept(programme_app):
    private = uuid.UUID("0b6a1f7e-5d0e-4c1c-9a55-4b7e8a1d0004")
    deliver(programme_app, "events", "event.published", event(
        private, "Prywatne", "2018-06-20T17:00:00+02:00", "2018-06-20T18:00:00+02:00", 100, "rakow",
        visibility="partnership", partnership_id=7))
    with programme_app.extensions["osl"].database.session() as session:
        assert session.get(Activity, private) is None


def test_a_partner_meeting_gets_no_roll_call_but_is_counted_per_district(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    response = client.put(f"{known['base']}/roll-calls/{MEETING}/2018-06-20T17:00:00+02:00",
                          json={"anonymous_count": 1}, headers=ADMIN)
    assert response.status_code == 422 and "event_id" in response.json["errors"]["json"]
    # A cancelled activity, and one before the programme, are not counted.
    deliver(programme_app, "events", "event.published", event(
        uuid.uuid4(), "Odwołane", "2018-07-01T10:00:00+02:00", "2018-07-01T12:00:00+02:00", 100, "rakow",
        status="cancelled"))
    deliver(programme_app, "events", "event.published", event(
        uuid.uuid4(), "Dawno", "2017-07-01T10:00:00+02:00", "2017-07-01T12:00:00+02:00", 100, "rakow"))
    # A weekly series begun before the programme counts once, by its dates inside it; one that ended before not.
    deliver(programme_app, "events", "event.published", event(
        uuid.uuid4(), "Klub seniora", "2017-09-05T10:00:00+02:00", "2017-09-05T12:00:00+02:00", 100, "tysiaclecie",
        rrule="FREQ=WEEKLY;BYDAY=TU"))
    deliver(programme_app, "events", "event.published", event(
        uuid.uuid4(), "Zakończony", "2017-09-05T10:00:00+02:00", "2017-09-05T12:00:00+02:00", 100, "tysiaclecie",
        rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20180301T000000Z"))
    with programme_app.extensions["osl"].database.session() as session:
        programme = session.get(Programme, known["id"])
        assert activities_by_district(session, programme) == {
            "ostatni-grosz": {"activities": 1, "meetings": 0}, "rakow": {"activities": 1, "meetings": 1},
            "tysiaclecie": {"activities": 1, "meetings": 0}}


#: What programme copies from an event's message into a column of bounded length.
BOUNDED = ("title", "district_slug", "district_name", "organisation_name")


def test_the_events_message_bounds_each_text_as_programme_keeps_it_and_events_makes_it():
    """One bound per text, from its producer to its consumer: events' input and replica columns make nothing the
    message refuses, and the message carries nothing programme's columns cannot hold."""
    from services.events import models as events_models
    from services.events.schemas import EventInSchema
    from services.messaging.registry import message_type

    message = message_type("event.published").schema
    made = {"title": length_bound(EventInSchema(), "title"), "district_slug": events_models.District.slug.type.length,
            "district_name": events_models.District.name.type.length,
            "organisation_name": events_models.Organisation.name.type.length}
    for name in BOUNDED:
        assert length_bound(message, name) == Activity.__table__.c[name].type.length == made[name], name


def _activity_ids(app) -> list[uuid.UUID]:
    with app.extensions["osl"].database.session() as session:
        return session.scalars(select(Activity.id)).all()


def test_an_event_message_with_a_value_longer_than_programmes_column_is_dead_lettered_as_bad(programme_app):
    """Each text programme keeps is bounded by the events' message as by programme's column: one character more is
    a bad message, dead-lettered at once, never a database error retried as a fault (nor, on SQLite, kept whole)."""
    settings = programme_app.extensions["osl"].bus
    length = {name: Activity.__table__.c[name].type.length for name in BOUNDED}

    def message(number: int, **values) -> bytes:
        data = {**event(uuid.UUID(int=number), "Warsztaty", "2026-05-08T17:00:00+02:00",
                        "2026-05-08T19:00:00+02:00", 100, "rakow"), **values}
        return raw_envelope("event.published", data, message_id=f"event-{number}")

    with running(programme_app.extensions["osl"].worker()):
        for number, name in enumerate(BOUNDED, 1):
            publish_raw(settings, "events", message(number, **{name: "a" * (length[name] + 1)}), "event.published")
        letters = wait_until(lambda: (found := list_dead_letters(settings, "programme")) and len(found) == 4 and found,
                             message="four dead letters")
        publish_raw(settings, "events", message(5, **{name: "a" * length[name] for name in BOUNDED}),
                    "event.published")
        wait_until(lambda: _activity_ids(programme_app), message="the longest values kept")
    assert _activity_ids(programme_app) == [uuid.UUID(int=5)]
    with programme_app.extensions["osl"].database.session() as session:
        kept = session.get(Activity, uuid.UUID(int=5))
        assert {name: len(getattr(kept, name)) for name in BOUNDED} == length
    by_id = {letter.message_id: letter for letter in letters}
    for number, name in enumerate(BOUNDED, 1):
        letter = by_id[f"event-{number}"]
        assert letter.attempts == 1 and letter.error.startswith("malformed: ") and name in letter.error
