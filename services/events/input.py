"""From API input to an event's columns, and back: the times joined (ends after starts, all-day dates), the
organiser, the place, the partnership and the registration, each raised as a FieldError naming the field."""

from datetime import datetime, timedelta

from services.calendar.rules import RuleError, check_rule
from services.calendar.times import (
    SKIPPED_TIME,
    aware,
    day_after,
    exdate_to_wire,
    exists_in_warsaw,
    local_date,
    local_midnight,
    parse_moment,
)
from services.events.models import Centre, District, Event, Organisation, Partnership
from services.events.queries import is_current_member, live
from services.messaging.errors import FieldError, Forbidden


def check_times(data: dict) -> None:
    """The rules that join the times (ends after starts; an all-day event takes dates; a time the clocks skip is no
    time), raised as the schema's ValidationError on the field: what the input schema checks."""
    from marshmallow import ValidationError

    try:
        _times(data)
    except FieldError as exc:
        raise ValidationError(exc.message, exc.field) from exc


def _times(data: dict) -> dict:
    start, end = data["starts_at"], data["ends_at"]
    if data.get("all_day"):
        if isinstance(start, datetime) or isinstance(end, datetime):
            field = "starts_at" if isinstance(start, datetime) else "ends_at"
            raise FieldError(field, "An all-day event takes dates (YYYY-MM-DD); ends_at is its last day.")
        if end < start:
            raise FieldError("ends_at", "The last day must not be before the first day.")
        return {"all_day": True, "starts_at": local_midnight(start), "ends_at": local_midnight(day_after(end))}
    for field, value in (("starts_at", start), ("ends_at", end)):
        if not isinstance(value, datetime):
            raise FieldError(field, "Give a date-time, such as 2026-07-04T10:00:00, or set all_day.")
        if not exists_in_warsaw(value):
            raise FieldError(field, SKIPPED_TIME)
    start, end = aware(start), aware(end)
    if end <= start:
        raise FieldError("ends_at", "The end must be after the start.")
    return {"all_day": False, "starts_at": start, "ends_at": end}


def organiser(session, data: dict, caller, event) -> int:
    """The organisation an event (or an import source) is for: the key's own, or the one an administrator names;
    ``event`` is the record changed, whose organisation an administrator's change keeps."""
    slug = data.get("organisation")
    if not caller.is_admin:
        if slug is not None and slug != caller.organisation.slug:
            raise Forbidden(f"This key acts for {caller.organisation.slug!r} only, not for {slug!r}.")
        return caller.organisation.id
    if slug is None:
        if event is not None:
            return event.organisation_id
        raise FieldError("organisation", "An administrator must name the organisation (slug) the event is for.")
    organisation = live(session, Organisation, slug=slug)
    if organisation is None:
        raise FieldError("organisation", f"No organisation {slug!r}.")
    return organisation.id


#: What the API and the staff form (in the page's language: services/ui/errors.py) say of a centre of another district.
CENTRE_ELSEWHERE = "This centre is not in the chosen district: choose one of its centres, or none."


def place(session, data: dict) -> dict:
    """The district, centre (in that district) and location of API input; raises FieldError naming the field."""
    district = live(session, District, slug=data["district"])
    if district is None:
        raise FieldError("district", f"No district {data['district']!r}.")
    centre = None
    if data.get("centre"):
        centre = live(session, Centre, slug=data["centre"])
        if centre is None:
            raise FieldError("centre", f"No centre {data['centre']!r}.")
        if centre.district_id != district.id:
            raise FieldError("centre", CENTRE_ELSEWHERE)
    location = data.get("location") or (centre.address if centre else None)
    from_centre = centre is not None and not data.get("location")
    return {
        "district_id": district.id, "centre_id": centre.id if centre else None, "location": location,
        "latitude": centre.latitude if from_centre else None, "longitude": centre.longitude if from_centre else None,
    }


def _partnership(session, data: dict, caller, organisation_id: int) -> int | None:
    partnership_id = data.get("partnership")
    if partnership_id is None:
        return None
    if live(session, Partnership, id=partnership_id) is None:
        raise FieldError("partnership", f"No partnership {partnership_id}.")
    if not caller.is_admin and not is_current_member(session, partnership_id, organisation_id):
        raise FieldError("partnership", f"The organiser is not a current member of partnership {partnership_id}.")
    return partnership_id


def _registration(value: dict | None) -> dict:
    value = value or {}
    return {"registration_url": value.get("url"), "registration_required": bool(value.get("required")),
            "capacity": value.get("capacity")}


def columns(session, data: dict, caller, event: Event | None = None) -> dict:
    """The column values of an event from complete API input; raises FieldError or Forbidden."""
    organisation_id = organiser(session, data, caller, event)
    rrule = data.get("rrule")
    rrule = rrule.strip().removeprefix("RRULE:") if rrule else None
    description = data.get("description") or ""
    times = _times(data)
    if rrule:
        try:
            check_rule(rrule, times["starts_at"])
        except RuleError as exc:
            raise FieldError("rrule", str(exc)) from exc
    return {
        "title": data["title"], "description": description, **times,
        "rrule": rrule,
        "exdates": [exdate_to_wire(value) for value in data.get("exdates") or []],
        **place(session, data), "organisation_id": organisation_id,
        "partnership_id": _partnership(session, data, caller, organisation_id),
        "audiences": list(dict.fromkeys(data.get("audiences") or [])), "category": data["category"],
        "url": data.get("url"), "contact": data.get("contact"), "accessibility": data.get("accessibility"),
        **_registration(data.get("registration")),
        "status": data.get("status") or (event.status if event else "scheduled"),
    }


def event_input(session, event: Event) -> dict:
    """The event as complete API input, so that a PATCH can be applied over it."""
    district = session.get(District, event.district_id)
    centre = session.get(Centre, event.centre_id) if event.centre_id else None
    start, end = event.starts_at, event.ends_at
    if event.all_day:
        start, end = local_date(start), local_date(end) - timedelta(days=1)
    location = event.location
    if centre is not None and location == centre.address:
        location = None  # it was the centre's address: follow the centre if that changes
    return {
        "title": event.title, "description": event.description, "starts_at": start, "ends_at": end,
        "all_day": event.all_day, "rrule": event.rrule, "exdates": [parse_moment(x) for x in event.exdates],
        "district": district.slug, "centre": centre.slug if centre else None, "partnership": event.partnership_id,
        "audiences": event.audiences, "category": event.category, "location": location, "url": event.url,
        "contact": event.contact, "accessibility": event.accessibility, "status": event.status,
        "registration": {"url": event.registration_url, "required": event.registration_required,
                         "capacity": event.capacity},
    }
