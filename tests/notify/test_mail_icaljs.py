"""The .ics attachment of a notice, read by Mozilla ical.js (the parser Thunderbird uses), and by icalendar.

Reuses the events tests' long-lived node process (tests/events/icaljs): skips without node or ical.js, fails in CI.
"""

from datetime import datetime

from services.messaging.messages.partners import meeting_event_id
from services.notify.mail.compose import build_message
from tests.events.icaljs import icaljs
from tests.events.icaljs.checks import assert_line_format, parse_icalendar
from tests.notify.events import event_snapshot, meeting_snapshot
from tests.notify.test_mail import CONFIG, LINKS, build, parse

EVENT_ID = "00000000-0000-0000-0000-000000000007"
#: The events service's feeds name an event ``f"{event.id}@{PUBLIC_HOST}"`` (services/events/feeds/components.py).
FEED_UID = f"{EVENT_ID}@osl.example"


def attachment(raw: bytes) -> bytes:
    [part] = [p for p in parse(raw).iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "wydarzenie.ics" and part.get_param("method") == "PUBLISH"
    return part.get_payload(decode=True)


def read(raw: bytes) -> dict:
    ics = attachment(raw)
    assert_line_format(ics)
    parse_icalendar(ics)
    answer = icaljs().read(ics)
    assert answer["calendar"]["method"] == "PUBLISH"
    assert answer["calendar"]["timezones"] == ["Europe/Warsaw"]
    [event] = answer["events"]
    return event


def unix(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp())


def test_a_new_event_attachment_reads_in_icaljs_with_the_feeds_uid_and_warsaw_times():
    event = read(build("published"))
    assert event["uid"] == FEED_UID
    assert event["sequence"] == 0 and event["status"] == "CONFIRMED"
    assert event["summary"] == "Piknik sąsiedzki: żółć, źdźbło, łąka"
    assert event["location"] == "OSL Raków, ul. Łukasińskiego 40"  # as the feeds say it
    assert event["start"]["tzid"] == event["end"]["tzid"] == "Europe/Warsaw"
    assert event["start"]["local"] == "2026-12-05T15:00:00" and event["end"]["local"] == "2026-12-05T18:00:00"
    assert event["start"]["unix"] == unix("2026-12-05T15:00:00+01:00")
    assert event["end"]["unix"] == unix("2026-12-05T18:00:00+01:00")


def test_a_cancellation_attachment_reads_in_icaljs_as_cancelled_with_a_higher_sequence():
    published = read(build("published"))
    cancelled = read(build("cancelled", event=event_snapshot(
        status="cancelled", sequence=1, version=2, cancelled_at="2026-11-24T10:00:00+00:00")))
    assert cancelled["uid"] == published["uid"] == FEED_UID  # the calendar app replaces the event it holds
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["sequence"] > published["sequence"]
    assert cancelled["start"] == published["start"] and cancelled["start"]["tzid"] == "Europe/Warsaw"


def test_a_summer_time_recurring_event_keeps_its_local_hour_in_icaljs():
    event = read(build("published", event=event_snapshot(
        starts_at="2026-06-06T10:00:00+02:00", ends_at="2026-06-06T12:00:00+02:00", rrule="FREQ=MONTHLY;COUNT=6",
        exdates=["2026-08-06T10:00:00+02:00"])))
    assert event["recurring"] is True
    locals_ = [occurrence["local"] for occurrence in event["occurrences"]]
    assert all(local.endswith("T10:00:00") for local in locals_)  # 10:00 in summer (CEST) and winter (CET)
    assert len(locals_) == 5 and "2026-08-06T10:00:00" not in locals_
    assert event["occurrences"][-1]["unix"] == unix("2026-11-06T10:00:00+01:00")


def test_a_partner_meeting_attachment_reads_in_icaljs_under_its_feed_uid():
    def built(kind, snapshot):
        return build_message(CONFIG, kind=kind, language="pl", to="biuro@example.org", links=LINKS,
                             payload={"event": snapshot}, message_id="<m1@osl.example>").as_bytes()

    planned = read(built("meeting", meeting_snapshot()))
    cancelled = read(built("meeting_cancelled", meeting_snapshot(version=3, sequence=1, status="cancelled")))
    assert planned["uid"] == cancelled["uid"] == f"{meeting_event_id(3)}@osl.example"
    assert (planned["status"], cancelled["status"]) == ("CONFIRMED", "CANCELLED")
    assert cancelled["sequence"] > planned["sequence"]
    assert planned["summary"] == "Plan na zimę" and planned["location"] == "ul. Łukasińskiego 40"
    assert planned["start"]["local"] == "2026-12-10T17:00:00" and planned["start"]["tzid"] == "Europe/Warsaw"


SERIES = dict(starts_at="2026-12-01T17:00:00+01:00", ends_at="2026-12-01T19:00:00+01:00",
              rrule="FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270331T220000Z", registration={"url": None, "required": True,
                                                                               "capacity": 10})
#: The Thursday a resident registered for: its start as the rule gives it (a registration's occurrence key).
THURSDAY = {"starts_at": "2026-12-10T17:00:00+01:00", "ends_at": "2026-12-10T19:00:00+01:00"}
THURSDAY_KEY = "2026-12-10T16:00:00+00:00"


def registration_mail(kind: str, *, series: bool = False, status: str = "confirmed", **changes) -> bytes:
    shown = {"name": "Pani Irena", "people": 1, "status": status, "position": None if status == "confirmed" else 2,
             "verified": True, "series": series, "occurrence": "" if series else THURSDAY_KEY}
    payload = {"event": event_snapshot(**{**SERIES, **changes}), "occurrence": THURSDAY, "language": "pl",
               "registration": shown}
    return build_message(CONFIG, kind=kind, language="pl", to="irena@example.org",
                         links={"confirm": "https://osl.example/registrations/confirm/c",
                                "cancel": "https://osl.example/registrations/cancel/c"},
                         payload=payload, message_id="<r1@osl.example>").as_bytes()


def test_a_registration_for_one_date_attaches_that_date_only():
    for status in ("confirmed", "waiting"):  # a place, or the waiting list
        event = read(registration_mail("registered", status=status))
        assert event["recurring"] is False and event["recurrence_id"] is None
        assert [o["local"] for o in event["occurrences"]] == ["2026-12-10T17:00:00"]
        assert event["start"]["tzid"] == "Europe/Warsaw" and event["end"]["local"] == "2026-12-10T19:00:00"
        assert event["uid"] != FEED_UID and event["uid"].endswith("@osl.example")  # not the series the feeds hold
        [vevent] = parse_icalendar(attachment(registration_mail("registered", status=status))).walk("VEVENT")
        assert "RRULE" not in vevent and "RECURRENCE-ID" not in vevent
        assert vevent.decoded("dtstart").isoformat() == THURSDAY["starts_at"]


def test_every_mail_of_a_one_date_registration_names_the_same_date_and_a_cancelled_date_says_so():
    told = {kind: read(registration_mail(kind)) for kind in ("registered", "promoted", "reg_reminder")}
    cancelled = read(registration_mail("reg_cancelled", exdates=[THURSDAY["starts_at"]], sequence=1))
    assert {event["uid"] for event in [*told.values(), cancelled]} == {told["registered"]["uid"]}
    assert cancelled["status"] == "CANCELLED" and cancelled["sequence"] > told["registered"]["sequence"]
    assert cancelled["start"]["local"] == "2026-12-10T17:00:00" and cancelled["recurring"] is False
    assert {event["status"] for event in told.values()} == {"CONFIRMED"}


def test_a_registration_its_person_cancelled_is_cancelled_in_the_calendar_under_the_same_uid():
    """One date: that date, CANCELLED, under the UID of the mails before; a whole series: the series, every VEVENT
    CANCELLED, under the feeds' UID, as its mails gave it."""
    for series in (False, True):
        registered = read(registration_mail("registered", series=series))
        withdrawn = read(registration_mail("reg_withdrawn", series=series, status="cancelled"))
        assert (withdrawn["uid"], withdrawn["status"]) == (registered["uid"], "CANCELLED")
        assert withdrawn["start"] == registered["start"] and withdrawn["recurring"] is series


def test_a_whole_series_registration_attaches_the_series_as_the_feeds_hold_it():
    event = read(registration_mail("registered", series=True))
    assert event["uid"] == FEED_UID and event["recurring"] is True
    assert len(event["occurrences"]) > 20
