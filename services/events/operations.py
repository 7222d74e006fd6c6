"""Every change to an event, used by the API and the consumers alike.

Each change writes its one message (``event.published``, ``event.updated`` or ``event.cancelled``) to the outbox in
the caller's transaction, raises ``version``, renders the VEVENT again, and raises ``sequence`` when something a
calendar shows prominently changed (``services/calendar/changes.py``). The input is made into columns by
``input.py``; one date of a series is changed by ``occurrences.py``; what a message carries is ``snapshot.py``'s.
"""

import logging
import uuid
from datetime import datetime

from services.calendar import recurrence
from services.calendar.changes import is_significant
from services.events.fields import OWN_COLUMNS
from services.events.input import columns, event_input
from services.events.models import Event, OutboxMessage
from services.events.queries import SEARCHED, refresh_search_text
from services.events.snapshot import snapshot
from services.messaging.errors import Conflict, Forbidden
from services.messaging.models import utcnow
from services.messaging.outbox import add_message
from services.messaging.web import acts_for

log = logging.getLogger(__name__)


def _field_of() -> dict:
    from services.events.schemas import FIELDS

    return {**{column: field.name for field in FIELDS for column in field.columns}, **dict.fromkeys(OWN_COLUMNS)}


#: The API field each column shows in (from the one table of the event's fields); None for the service's own.
FIELD_OF = _field_of()


def check_owner(caller, event: Event, cancelling: bool = False) -> None:
    """Whether the caller may change the event: 403 for another organisation's, 409 for a meeting's, and for an
    imported event anything but a cancel (its calendar is what changes it)."""
    if event.meeting_id is not None:
        raise Conflict(f"This event mirrors partners meeting {event.meeting_id}; change the meeting instead.")
    if not acts_for(caller, event.organisation_id):
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
    """One new event (from the API or a partners meeting), announced by ``event.published`` unless withheld for
    review: written once, VEVENT and all, as ``insert_events`` writes many."""
    [event] = _add(session, [_new_event({**values, **extra}, event_id)])
    log.info("event %s published by organisation %s", event.id, event.organisation_id)
    return event


def insert_events(session, rows: list[dict]) -> list[Event]:
    """Many new events at once (a calendar imported), each announced by ``event.published`` as ``insert_event``
    does (unless withheld for review), with one flush and the names they show loaded once."""
    events = _add(session, [_new_event(values) for values in rows])
    log.info("%d events made at once", len(events))
    return events


def _add(session, events: list[Event]) -> list[Event]:
    """Add the new events and write their messages, then flush them once: each row is INSERTed with its VEVENT."""
    from services.events.feeds.components import Names

    session.add_all(events)
    # Rendered before the one flush, so that each row is written once, VEVENT and all (a first sync of 5,000
    # events sent a second bulk UPDATE of 5,000 rows; each event posted, an UPDATE after its INSERT): nothing here
    # may flush the events half made.
    with session.no_autoflush:
        names = Names(session, events)
        for event in events:
            refresh_search_text(session, event)  # its names from the rows ``names`` loaded (the identity map)
            publish(session, event, "event.published", names=names)
    session.flush()
    return events


#: Each column's Python-side default as (column, callable or value): what a flush would fill in.
_DEFAULTS = [(column.key, column.default) for column in Event.__table__.columns
             if column.default is not None and (column.default.is_callable or column.default.is_scalar)]


def _new_event(values: dict, event_id: uuid.UUID | None = None) -> Event:
    """The new row, with every column a flush would default already set: it renders the same before its INSERT."""
    now = utcnow()
    defaults = {key: default.arg(None) if default.is_callable else default.arg for key, default in _DEFAULTS
                if key not in values}
    event = Event(**{**defaults, **values, "id": event_id or uuid.uuid4(), "sequence": 0, "version": 1,
                     "created_at": now, "updated_at": now})
    if event.status == "cancelled":
        event.cancelled_at = now
    return event


def update_event(session, caller, event: Event, patch: dict) -> list[str]:
    """Apply a PATCH; returns the changed API fields (none: nothing written, nothing published)."""
    from services.events import moderation

    check_owner(caller, event)
    merged = {**event_input(session, event), **patch}
    values = columns(session, merged, caller, event)
    if event.overrides:  # a new rule or start: the dates changed on their own must still be dates of the series
        changed = recurrence.Series(values["starts_at"], values["ends_at"], values["rrule"], (), values["all_day"])
        values["overrides"] = [o for o in event.overrides
                               if recurrence.is_date_of(changed, datetime.fromisoformat(o["recurrence_id"]))]
    if event.visibility == moderation.WITHHELD and differences(event, values):
        # A real change only: saved unchanged, a sent-back event stays so with its reason, a waiting one in its place.
        moderation.changed(session, caller, event)  # in the queue again, or keeping its place
    return change_event(session, event, values)


def cancel_event(session, caller, event: Event) -> list[str]:
    """Cancel the event; an imported one stays cancelled whatever its calendar says later."""
    check_owner(caller, event, cancelling=True)
    if event.import_source_id is not None and event.status != "cancelled":
        event.cancelled_here = True
    return change_event(session, event, {"status": "cancelled"})


def differences(event: Event, values: dict) -> list[str]:
    """The columns ``values`` would change: none, and a save changes nothing (no version, message or review)."""
    return [name for name, value in values.items() if getattr(event, name) != value]


def change_event(session, event: Event, values: dict) -> list[str]:
    """Set ``values`` on the event and announce the change; returns the changed API fields."""
    changed = differences(event, values)
    fields = sorted({FIELD_OF[name] for name in changed} - {None})
    if not changed:
        return []
    was_cancelled = event.status == "cancelled"
    for name in changed:
        setattr(event, name, values[name])
    if set(changed) & set(SEARCHED):
        refresh_search_text(session, event)
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
