"""An event's registration settings: whether residents register here, per date or for the whole series, how many
people one registration may bring, and the places each date (or the whole series) has."""

from sqlalchemy import func, select

from services.calendar.registration import takes_registrations
from services.messaging.errors import Conflict
from services.notify.models import EventRegistrationSettings, Registration


def registration_open(event: dict) -> bool:
    """Whether residents register here for this event (the calendar core's rule, which the events service shares)."""
    return takes_registrations(event.get("visibility"), event.get("status"), event.get("registration"))


def registration_settings(session, event_id: str) -> EventRegistrationSettings:
    """The organiser's settings of the event's registrations, or the defaults (per date, up to 4 people)."""
    return session.get(EventRegistrationSettings, event_id) or EventRegistrationSettings(
        event_id=event_id, whole_series=False, max_people=DEFAULT_MAX_PEOPLE)


DEFAULT_MAX_PEOPLE = 4


def capacity_of(event: dict) -> int | None:
    """The places of each date (or of the whole series) the event's registration has; None for no limit."""
    return (event.get("registration") or {}).get("capacity")


def most_people(session, event: dict) -> int:
    """How many people one registration may bring: the organiser's limit, and never more than a date's places (a
    bigger group could never have them all)."""
    most = registration_settings(session, event["id"]).max_people
    capacity = capacity_of(event)
    return most if capacity is None else min(most, capacity)


def set_registration_settings(session, event: dict, data: dict) -> EventRegistrationSettings:
    """Per date or for the whole series, and how many people one registration may bring. A series that already has
    registrations keeps its way (per date or whole): 409. A series just set whole has its row of places at once, its
    counts sent, so that the event page says the whole series' places from the start, not "each date separately"."""
    settings = session.get(EventRegistrationSettings, event["id"])
    if settings is None:
        settings = EventRegistrationSettings(event_id=event["id"], whole_series=False, max_people=DEFAULT_MAX_PEOPLE)
        session.add(settings)
    whole = data.get("whole_series", settings.whole_series)
    if whole != settings.whole_series and session.scalar(
            select(func.count()).select_from(Registration).where(Registration.event_id == event["id"])):
        raise Conflict("This event has registrations already: it stays registered per date or for the whole series "
                       "as it was.")
    was_whole = settings.whole_series
    settings.whole_series = whole and bool(event.get("rrule"))
    settings.max_people = data.get("max_people", settings.max_people)
    if settings.whole_series and not was_whole and registration_open(event):
        from services.notify.operations.registrations import open_whole_series

        open_whole_series(session, event)
    return settings
