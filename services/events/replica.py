"""The events service's copy of the partners data, applied from the partners messages.

Snapshots older than the one held are ignored (``apply_snapshot``). When a name an event shows changes, the stored
VEVENT of those events is cleared in the same transaction, so that the feeds render them again.
"""

import logging

from sqlalchemy import select, update

from services.events.models import Centre, Event, RegistrationCount
from services.events.operations import change_event
from services.messaging.replica import apply_snapshot

log = logging.getLogger(__name__)

#: Replica fields an event shows in its VEVENT.
SHOWN = ("name", "slug", "address", "latitude", "longitude")


def apply_record(session, model, shown_by, data: dict, *, deleted: bool = False) -> None:
    """Apply one district, centre, organisation, partnership or membership snapshot.

    ``shown_by`` is the Event column that points at such a record (None for memberships): when a name or place those
    events show changes, they are rendered again.
    """
    row = session.get(model, data["id"])
    shown_before = _shown(row)
    row = apply_snapshot(session, model, data, deleted=deleted)
    if shown_by is not None and shown_before is not None and _shown(row) != shown_before:
        session.flush()
        if model is Centre:
            _follow_centre_address(session, row, shown_before)
        session.execute(update(Event).where(shown_by == row.id).values(vevent=None))
        log.info("%s %s renamed: its events will be rendered again", model.__tablename__, row.id)


def _follow_centre_address(session, centre: Centre, shown_before: tuple) -> None:
    """Events placed at the centre's old address (the default location) move with it, announced as a change."""
    old_address = shown_before[SHOWN.index("address")]
    if old_address is None or old_address == centre.address:
        return
    query = select(Event).where(Event.centre_id == centre.id, Event.location == old_address)
    for event in session.scalars(query):
        change_event(session, event, {"location": centre.address, "latitude": centre.latitude,
                                      "longitude": centre.longitude})


def _shown(row) -> tuple | None:
    return None if row is None else tuple(getattr(row, name, None) for name in SHOWN)


def apply_counts(session, data: dict) -> None:
    """Keep the newer counts of one date; the event's VEVENT is rendered again, since its description says them."""
    key = (data["event_id"], data["occurrence"])
    row = session.get(RegistrationCount, key)
    if row is not None and row.version >= data["version"]:
        return
    if row is None:
        row = RegistrationCount(event_id=data["event_id"], occurrence=data["occurrence"])
        session.add(row)
    for name in ("version", "capacity", "confirmed", "waiting"):
        setattr(row, name, data[name])
    session.execute(update(Event).where(Event.id == data["event_id"]).values(vevent=None))
