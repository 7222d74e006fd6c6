"""Events for the iCal tests: a plausible event, changed by keyword."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from services.calendar.ical import CalendarEvent
from services.calendar.times import WARSAW as TIMEZONE

BASE = CalendarEvent(
    uid="00000000-0000-4000-8000-000000000000@osl.localhost",
    sequence=0,
    created=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
    last_modified=datetime(2026, 1, 6, 12, 0, tzinfo=UTC),
    title="Warsztaty rękodzieła",
    description="Zapraszamy na warsztaty.",
    url="https://osl.localhost/events/1",
    start=datetime(2026, 1, 15, 10, 0, tzinfo=TIMEZONE),
    end=datetime(2026, 1, 15, 12, 0, tzinfo=TIMEZONE),
    organiser_name="Fundacja Ostatni Grosz",
    organiser_email="kontakt@ostatnigrosz.example",
    location="LOS Północ, ul. Krakowska 1, Częstochowa",
    geo=(50.8118, 19.1203),
    categories=("workshop", "adults", "seniors"),
)


def sample_event(**changes) -> CalendarEvent:
    """``BASE`` with a fresh UID (unless given) and ``changes``."""
    changes.setdefault("uid", f"{uuid.uuid4()}@osl.localhost")
    return replace(BASE, **changes)
