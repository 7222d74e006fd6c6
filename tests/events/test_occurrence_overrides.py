"""One date of a weekly series moved on its own (a VEVENT with the series' UID and RECURRENCE-ID), across the change
to summer time, read right by ical.js, icalendar (recurring-ical-events) and vobject; cancelled and restored; in the
message, the page and notify's e-mail."""

from datetime import datetime

import pytest
import recurring_ical_events

from services.calendar.times import WARSAW
from services.notify.mail.compose import build_message
from tests.events.factories import ADMIN, event_body, outbox, seed
from tests.events.icaljs import icaljs
from tests.events.icaljs.checks import assert_valid_feed, parse_icalendar, parse_vobject
from tests.notify.test_mail import CONFIG, LINKS

#: A Tuesday club from 2 March 2027 (winter time); 30 March is after the clocks go forward (28 March).
SERIES = {"starts_at": "2027-03-02T17:00:00", "ends_at": "2027-03-02T19:00:00", "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=8"}
MOVED = "/occurrences/2027-03-30T17:00:00"


def post_series(app) -> tuple:
    app.config["FEED_RECHECK_SECONDS"] = 0  # see every change at once
    seed(app)
    client = app.test_client()
    event = client.post("/api/v1/events", json=event_body(organisation="fundacja-zrodlo", **SERIES), headers=ADMIN)
    assert event.status_code == 201, event.json
    return client, event.json["id"], event.headers["ETag"]


def test_a_moved_date_reads_right_in_three_parsers_across_dst(events_app):
    client, event_id, etag = post_series(events_app)
    moved = client.put(f"/api/v1/events/{event_id}{MOVED}", headers={**ADMIN, "If-Match": etag},
                       json={"starts_at": "2027-04-01T18:00:00", "ends_at": "2027-04-01T20:00:00",
                             "location": "Park Lisiniec"})
    assert moved.status_code == 200, moved.json
    [override] = moved.json["overrides"]
    assert override["recurrence_id"] == "2027-03-30T17:00:00" and override["starts_at"] == "2027-04-01T18:00:00+02:00"

    ics = client.get(f"/events/{event_id}.ics").get_data()
    answer = assert_valid_feed(ics, icaljs())
    master, changed = answer["events"]
    assert changed["recurrence_id"] == "2027-03-30T17:00:00" and changed["uid"] == master["uid"]
    assert changed["sequence"] >= 1 and changed["location"] == "Park Lisiniec"
    starts = [o["local"] for o in master["occurrences"]]
    assert "2027-03-30T17:00:00" not in starts and "2027-04-01T18:00:00" in starts
    assert [s[11:] for s in starts].count("17:00:00") == 7  # the others stay at 17:00 in winter and summer

    calendar = parse_icalendar(ics)
    found = recurring_ical_events.of(calendar).between(datetime(2027, 3, 1), datetime(2027, 5, 1))
    moments = sorted(event.decoded("DTSTART").astimezone(WARSAW).isoformat() for event in found)
    assert "2027-04-01T18:00:00+02:00" in moments and "2027-03-30T17:00:00+02:00" not in moments
    assert len(moments) == 8

    vevents = parse_vobject(ics).vevent_list
    assert [str(v.recurrence_id.value) for v in vevents if hasattr(v, "recurrence_id")] == \
        ["2027-03-30 17:00:00+02:00"]


def test_a_date_is_cancelled_on_its_own_then_restored_in_one_action(events_app, monkeypatch):
    monkeypatch.setattr("services.events.pages.views.utcnow", lambda: datetime(2027, 3, 1, 12, tzinfo=WARSAW))
    client, event_id, etag = post_series(events_app)
    cancelled = client.put(f"/api/v1/events/{event_id}{MOVED}", json={"status": "cancelled"},
                           headers={**ADMIN, "If-Match": etag})
    assert cancelled.status_code == 200, cancelled.json
    ics = client.get(f"/events/{event_id}.ics").get_data(as_text=True)
    assert "RECURRENCE-ID;TZID=Europe/Warsaw:20270330T170000\r\n" in ics and "STATUS:CANCELLED" in ics
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert page.count("<del>") == 1  # struck through among the next five dates (2 to 30 March) seen on 1 March
    restored = client.delete(f"/api/v1/events/{event_id}{MOVED}", headers=ADMIN)
    assert restored.status_code == 200 and restored.json["overrides"] == []
    assert "RECURRENCE-ID" not in client.get(f"/events/{event_id}.ics").get_data(as_text=True)


@pytest.mark.parametrize("path, field", [("/occurrences/2027-03-31T17:00:00", "recurrence_id"),
                                         ("/occurrences/2027-03-30T16:00:00", "recurrence_id")])
def test_only_a_date_of_the_series_can_be_changed(events_app, path, field):
    client, event_id, etag = post_series(events_app)
    answer = client.put(f"/api/v1/events/{event_id}{path}", json={"status": "cancelled"},
                        headers={**ADMIN, "If-Match": etag})
    assert answer.status_code == 422 and field in str(answer.json)
    assert client.put(f"/api/v1/events/{event_id}/occurrences/nonsense", json={},
                      headers={**ADMIN, "If-Match": etag}).status_code == 404
    assert client.put(f"/api/v1/events/{event_id}{MOVED}", json={}, headers=ADMIN).status_code == 428


def test_the_message_carries_the_moved_date_and_the_mail_says_it(events_app):
    client, event_id, etag = post_series(events_app)
    client.put(f"/api/v1/events/{event_id}{MOVED}", json={"starts_at": "2027-04-01T18:00:00"},
               headers={**ADMIN, "If-Match": etag})
    published, updated = [e.data for e in outbox(events_app) if e.type.startswith("event.")][-2:]
    assert updated["changed_fields"] == ["overrides"] and updated["sequence"] == published["sequence"] + 1
    assert "RECURRENCE-ID;TZID=Europe/Warsaw:20270330T170000" in updated["ical"]
    mail = build_message(CONFIG, kind="updated", language="pl", to="a@example.org", links=LINKS,
                         payload={"event": updated, "previous": published}, message_id="<m@osl.example>")
    text = mail.get_body(("plain",)).get_content()
    assert "wtorek, 30 marca: przeniesione na czwartek, 1 kwietnia 2027, 18:00–20:00" in text
