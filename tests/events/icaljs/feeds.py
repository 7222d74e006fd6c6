"""Helpers of the feed tests: events at times relative to now, and reading a feed's events."""

from datetime import datetime, timedelta

import icalendar
from sqlalchemy import select

from services.calendar.times import WARSAW
from services.events.models import Event
from services.messaging.models import utcnow
from tests.events.factories import ADMIN, deliver, event_body, meeting


def local_days_from_now(days: int, hour: int = 10) -> datetime:
    """A naive Warsaw local time ``days`` from today, as the API takes it."""
    today = utcnow().astimezone(WARSAW).date()
    return datetime.combine(today + timedelta(days=days), datetime.min.time()).replace(hour=hour)


def post_event(app, headers=ADMIN, days: int = 7, **overrides) -> str:
    start = local_days_from_now(days)
    body = event_body(starts_at=start.isoformat(), ends_at=(start + timedelta(hours=2)).isoformat(), **overrides)
    if headers is ADMIN:
        body.setdefault("organisation", "fundacja-zrodlo")
    response = app.test_client().post("/api/v1/events", json=body, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def plan_meeting(app, meeting_id: int, partnership_id: int = 7, days: int = 5, **extra) -> str:
    """A partners meeting, which becomes a partnership-only event; returns the event's id."""
    start = local_days_from_now(days, 17).replace(tzinfo=WARSAW)
    deliver(app, "meeting.planned", meeting(meeting_id, partnership_id, starts_at=start.isoformat(),
                                            ends_at=(start + timedelta(hours=2)).isoformat(), **extra))
    with app.extensions["osl"].database.session() as session:
        return str(session.scalars(select(Event.id).where(Event.meeting_id == meeting_id)).one())


def uid(event_id: str) -> str:
    return f"{event_id}@osl.localhost"


def vevents(body: bytes) -> dict[str, icalendar.Event]:
    """The feed's VEVENTs by UID."""
    return {str(event["UID"]): event for event in icalendar.Calendar.from_ical(body).walk("VEVENT")}
