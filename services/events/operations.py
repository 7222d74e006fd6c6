"""Every change to an event, used by the API and the consumers alike.

Each change writes its one message (``event.published``, ``event.updated`` or ``event.cancelled``) to the outbox in
the caller's transaction, raises ``version``, renders the VEVENT again, and raises ``sequence`` when something a
calendar shows prominently changed (``services/calendar/changes.py``).
"""

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from services.calendar import recurrence
from services.calendar.changes import is_significant
from services.calendar.membership import is_current
from services.calendar.recurrence import RuleError, check_rule
from services.calendar.times import (
    aware,
    day_after,
    excluded,
    exdate_to_wire,
    exists_in_warsaw,
    local,
    local_date,
    local_midnight,
    parse_moment,
    to_wire,
    today,
)
from services.events.fields import OWN_COLUMNS, record_snapshot
from services.events.models import Centre, District, Event, Membership, Organisation, OutboxMessage, Partnership
from services.messaging.errors import Conflict, FieldError, Forbidden
from services.messaging.models import utcnow
from services.messaging.outbox import add_message

log = logging.getLogger(__name__)

def _field_of() -> dict:
    from services.events.schemas import FIELDS

    return {**{column: field.name for field in FIELDS for column in field.columns}, **dict.fromkeys(OWN_COLUMNS)}


#: The API field each column shows in (from the one table of the event's fields); None for the service's own.
FIELD_OF = _field_of()


def live(session, model, **where):
    """The replica row matching ``where`` that is not deleted, or None."""
    query = select(model).filter_by(**where).where(model.deleted_at.is_(None))
    return session.scalars(query).first()


def is_current_member(session, partnership_id: int, organisation_id: int, role: str | None = None) -> bool:
    query = select(Membership).where(
        Membership.partnership_id == partnership_id, Membership.organisation_id == organisation_id,
        Membership.deleted_at.is_(None),
    )
    if role:
        query = query.where(Membership.role == role)
    day = today()
    return any(is_current(m.left_on, day, m.joined_on) for m in session.scalars(query))


def search_text(title: str, description: str) -> str:
    return f"{title}\n{description}".casefold()


def text_matches(text: str):
    """The condition "title or description contains ``text``", case-insensitive, ``%`` and ``_`` taken literally."""
    needle = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Event.search_text.like(f"%{needle}%", escape="\\")


# --- from API input to columns -------------------------------------------------------------------------------------


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
            raise FieldError(field, f"{value.isoformat()} does not exist in Warsaw: the clocks go forward then.")
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
            raise FieldError("centre", f"The centre {centre.slug!r} is not in the district {district.slug!r}.")
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
        "search_text": search_text(data["title"], description),
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


# --- changes --------------------------------------------------------------------------------------------------------


def check_owner(caller, event: Event, cancelling: bool = False) -> None:
    """Whether the caller may change the event: 403 for another organisation's, 409 for a meeting's, and for an
    imported event anything but a cancel (its calendar is what changes it)."""
    if event.meeting_id is not None:
        raise Conflict(f"This event mirrors partners meeting {event.meeting_id}; change the meeting instead.")
    if not caller.is_admin and event.organisation_id != caller.organisation.id:
        raise Forbidden("This event belongs to another organisation; an organisation may change only its own.")
    if event.import_source_id is not None and not cancelling:
        raise Conflict(f"This event is imported from calendar source {event.import_source_id} (UID "
                       f"{event.import_uid}): change it in that calendar, and the next sync brings the change. "
                       f"It may only be cancelled here (DELETE).")


def create_event(session, caller, data: dict) -> Event:
    """A new public event from API input, announced by ``event.published``; or, for an organisation that needs
    review, withheld until an admin approves it (services/events/moderation.py)."""
    from services.events import moderation

    values = columns(session, data, caller)
    if moderation.withheld(session, caller, values["organisation_id"]):
        return moderation.submit(session, insert_event(session, values, visibility=moderation.WITHHELD))
    return insert_event(session, values, visibility="public")


def insert_event(session, values: dict, event_id: uuid.UUID | None = None, **extra) -> Event:
    event = _new_event({**values, **extra}, event_id)
    session.add(event)
    session.flush()
    publish(session, event, "event.published")
    log.info("event %s published by organisation %s", event.id, event.organisation_id)
    return event


def insert_events(session, rows: list[dict]) -> list[Event]:
    """Many new events at once (a calendar imported), each announced by ``event.published`` as ``insert_event``
    does (unless withheld for review), with one flush and the names they show loaded once."""
    from services.events.feeds.components import Names

    events = [_new_event(values) for values in rows]
    session.add_all(events)
    session.flush()
    names = Names(session, events)
    for event in events:
        publish(session, event, "event.published", names=names)
    log.info("%d events made at once", len(events))
    return events


def _new_event(values: dict, event_id: uuid.UUID | None = None) -> Event:
    now = utcnow()
    event = Event(id=event_id or uuid.uuid4(), **values, sequence=0, version=1, created_at=now, updated_at=now)
    if event.status == "cancelled":
        event.cancelled_at = now
    return event


def update_event(session, caller, event: Event, patch: dict) -> list[str]:
    """Apply a PATCH; returns the changed API fields (none: nothing written, nothing published)."""
    from services.events import moderation

    check_owner(caller, event)
    if event.visibility == moderation.WITHHELD and not caller.is_admin:
        moderation.submit(session, event)  # changed by its organisation: in the queue again
    merged = {**event_input(session, event), **patch}
    values = columns(session, merged, caller, event)
    if event.overrides:  # a new rule or start: the dates changed on their own must still be dates of the series
        changed = recurrence.Series(values["starts_at"], values["ends_at"], values["rrule"], (), values["all_day"])
        values["overrides"] = [o for o in event.overrides
                               if recurrence.is_date_of(changed, datetime.fromisoformat(o["recurrence_id"]))]
    return change_event(session, event, values)


def cancel_event(session, caller, event: Event) -> list[str]:
    """Cancel the event; an imported one stays cancelled whatever its calendar says later."""
    check_owner(caller, event, cancelling=True)
    if event.import_source_id is not None and event.status != "cancelled":
        event.cancelled_here = True
    return change_event(session, event, {"status": "cancelled"})


def change_event(session, event: Event, values: dict) -> list[str]:
    """Set ``values`` on the event and announce the change; returns the changed API fields."""
    changed = [name for name, value in values.items() if getattr(event, name) != value]
    fields = sorted({FIELD_OF[name] for name in changed} - {None})
    if not changed:
        return []
    was_cancelled = event.status == "cancelled"
    for name in changed:
        setattr(event, name, values[name])
    now = utcnow()
    event.version += 1
    event.updated_at = now
    event.vevent = None
    if is_significant(changed):
        event.sequence += 1
    if event.visibility == "review" and was_cancelled != (event.status == "cancelled"):
        from services.events import moderation

        moderation.cancelled_or_restored(session, event)
    if event.status == "cancelled" and not was_cancelled:
        event.cancelled_at = now
        publish(session, event, "event.cancelled")
    else:
        if event.status == "scheduled":
            event.cancelled_at = None
        if fields:
            publish(session, event, "event.updated", changed_fields=fields)
    log.info("event %s changed: %s", event.id, ", ".join(fields))
    return fields


# --- what the event shows -----------------------------------------------------------------------------------------


def snapshot(session, event: Event, names=None) -> dict:
    """The event's full snapshot, as its messages carry it: each field's part (``fields.py``), and the record's;
    ``names`` (``feeds.components.Names``) holds the replica rows it shows when they are loaded already."""
    from services.events.schemas import FIELDS

    if names is None:
        from services.events.feeds.components import Names

        names = Names(session, [event])
    related = {"district": names.districts.get(event.district_id), "centre": names.centres.get(event.centre_id),
               "organisation": names.organisations.get(event.organisation_id),
               "partnership": names.partnerships.get(event.partnership_id)}
    data = record_snapshot(event)
    for field in FIELDS:
        data.update(field.snapshot(event, related))
    return data


def publish(session, event: Event, type_name: str, names=None, **extra) -> None:
    """Write the event's message, carrying its VEVENT: the bytes the feeds serve, which e-mails attach as they are.
    An event withheld for review has none: nobody hears of it until it is approved (services/events/moderation.py)."""
    from services.events.feeds.components import Names, render

    if event.visibility == "review":
        return
    if names is None:
        session.flush()
        names = Names(session, [event])
    event.vevent = render(event, names)
    add_message(session, OutboxMessage, type_name, {**snapshot(session, event, names), "ical": event.vevent, **extra})


def view(session, event: Event) -> dict:
    """The event as the API shows it."""
    data = snapshot(session, event)
    start, end = data["starts_at"], data["ends_at"]
    if event.all_day:
        start = local_date(event.starts_at).isoformat()
        end = (local_date(event.ends_at) - timedelta(days=1)).isoformat()
    organised_by = {"slug": data["organisation_slug"], "name": data["organisation_name"]} \
        if event.organisation_id else None
    registration = data["registration"] if event.registration_url or event.registration_required else None
    return {
        **{key: data[key] for key in ("id", "title", "description", "all_day", "rrule", "exdates", "overrides",
                                      "visibility",
                                      "audiences", "category", "location", "url", "contact", "accessibility",
                                      "status", "sequence", "created_at", "updated_at")},
        "starts_at": start, "ends_at": end, "district": data["district_slug"], "centre": data["centre_slug"],
        "partnership": event.partnership_id, "organiser": organised_by, "registration": registration,
        "imported_from": {"source": event.import_source_id, "uid": event.import_uid}
        if event.import_source_id is not None else None,
    }


# --- one date of a series -----------------------------------------------------------------------------------------


def change_occurrence(session, caller, event: Event, recurrence_id: datetime, data: dict) -> list[str]:
    """Move, re-place or cancel one date of a series (its VEVENT with RECURRENCE-ID); returns the changed fields."""
    check_owner(caller, event)
    override = occurrence_override(event, recurrence_id, data)
    if override is None:
        return []
    current = {o["recurrence_id"]: o for o in event.overrides or []}
    current[override["recurrence_id"]] = override
    return change_event(session, event, {"overrides": sorted(current.values(), key=lambda o: o["recurrence_id"])})


def occurrence_override(event: Event, recurrence_id: datetime, data: dict) -> dict | None:
    """The override of one date of the series from ``data`` (``starts_at``, ``ends_at``, ``status``,
    ``location``), its SEQUENCE raised; None when it changes nothing. Raises FieldError for a date the rule does not
    give, Conflict for an event that is not a series with hours."""
    original = local(aware(recurrence_id))
    if not event.rrule or event.all_day:
        raise Conflict("Only a date of a repeating event with hours can be changed on its own; change the event.")
    if not recurrence.is_date_of(event.series, original) or original in excluded(event.exdates, False,
                                                                                    event.starts_at):
        raise FieldError("recurrence_id", f"{exdate_to_wire(original)} is not a date of this series.")
    key = exdate_to_wire(original)
    current = {o["recurrence_id"]: o for o in event.overrides or []}
    before = current.get(key)
    length = event.ends_at - event.starts_at
    starts = aware(data["starts_at"]) if data.get("starts_at") else (
        aware(datetime.fromisoformat(before["starts_at"])) if before else aware(original))
    ends = aware(data["ends_at"]) if data.get("ends_at") else starts + length
    if ends <= starts:
        raise FieldError("ends_at", "The end must be after the start.")
    override = {"recurrence_id": key, "starts_at": to_wire(starts), "ends_at": to_wire(ends),
                "status": data.get("status") or "scheduled",
                "location": data["location"] if "location" in data else (before or {}).get("location"),
                "sequence": (before["sequence"] + 1) if before else event.sequence + 1}
    if before is not None and {k: v for k, v in before.items() if k != "sequence"} == \
            {k: v for k, v in override.items() if k != "sequence"}:
        return None
    return override


def restore_occurrence(session, caller, event: Event, recurrence_id: datetime) -> list[str]:
    """Undo the change of one date: it is again as the rule gives it."""
    check_owner(caller, event)
    key = exdate_to_wire(local(aware(recurrence_id)))
    kept = [o for o in event.overrides or [] if o["recurrence_id"] != key]
    if len(kept) == len(event.overrides or []):
        raise FieldError("recurrence_id", f"{key} was not changed on its own.")
    return change_event(session, event, {"overrides": kept})
