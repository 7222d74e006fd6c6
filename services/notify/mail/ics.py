"""The .ics attachment: one VEVENT with the feeds' UID, so a calendar app updates the event it already holds."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from services.messaging.messages.partners import meeting_event_id

WARSAW = ZoneInfo("Europe/Warsaw")


def ical_uid(event_id: str, host: str) -> str:
    """The same UID as the events service's feeds."""
    return f"{event_id}@{host}"


def meeting_event(meeting: dict, cancelled: bool) -> dict:
    """A partner meeting snapshot as the .ics shows it: under the UID of its event in the partnership's feed, and with
    the meeting's version as SEQUENCE, which is never below the feed's (that rises at most once per version), so a
    calendar app takes each later e-mail as an update of the one before."""
    return {"id": str(meeting_event_id(meeting["id"])), "sequence": meeting["version"], "title": meeting["title"],
            "description": meeting["agenda"], "starts_at": meeting["starts_at"], "ends_at": meeting["ends_at"],
            "all_day": False, "rrule": None, "exdates": [], "location": meeting.get("address"),
            "status": "cancelled" if cancelled or meeting["status"] == "cancelled" else "scheduled"}


def _moment(value: str, all_day: bool) -> date | datetime:
    local = datetime.fromisoformat(value).astimezone(WARSAW)
    return local.date() if all_day else local


def _exdate(value: str, all_day: bool) -> date | datetime:
    parsed = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if isinstance(parsed, datetime):
        parsed = parsed.replace(tzinfo=WARSAW) if parsed.tzinfo is None else parsed.astimezone(WARSAW)
        return parsed.date() if all_day else parsed
    return parsed


def _vevent(event: dict, host: str, now: datetime) -> Event:
    vevent = Event()
    vevent.add("uid", ical_uid(event["id"], host))
    vevent.add("sequence", event["sequence"])
    vevent.add("dtstamp", now.astimezone(UTC))
    vevent.add("summary", event["title"])
    if event.get("description"):
        vevent.add("description", event["description"])
    vevent.add("dtstart", _moment(event["starts_at"], event["all_day"]))
    vevent.add("dtend", _moment(event["ends_at"], event["all_day"]))
    if event.get("rrule"):
        vevent.add("rrule", vRecur.from_ical(event["rrule"]))
        for value in event.get("exdates") or []:
            vevent.add("exdate", _exdate(value, event["all_day"]))
    place = ", ".join(part for part in (event.get("location") or event.get("centre_name"), event.get("district_name"))
                      if part)
    if place:
        vevent.add("location", place)
    if event.get("url"):
        vevent.add("url", event["url"])
    vevent.add("status", "CANCELLED" if event["status"] == "cancelled" else "CONFIRMED")
    return vevent


def events_calendar(events: list[dict], host: str, now: datetime | None = None) -> bytes:
    """A METHOD:PUBLISH calendar of ``events`` (snapshots from the events messages), with their VTIMEZONE.

    A cancelled event gets ``STATUS:CANCELLED``; its SEQUENCE is the snapshot's, which the events service raises on
    cancellation.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//OSL Czestochowa//notify//PL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for event in events:
        calendar.add_component(_vevent(event, host, now or datetime.now(UTC)))
    calendar.add_missing_timezones()
    return calendar.to_ical()
