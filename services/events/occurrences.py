"""One date of a series changed on its own: moved, re-placed or cancelled (its VEVENT with RECURRENCE-ID), and
undone again; each change goes through ``operations.change_event``."""

from datetime import datetime

from services.calendar import recurrence
from services.calendar.times import aware, excluded, exdate_to_wire, local, to_wire
from services.events.models import Event
from services.events.operations import change_event, check_owner
from services.messaging.errors import Conflict, FieldError


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
