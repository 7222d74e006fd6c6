"""The events service's copy of the partners data, applied from the partners messages.

Snapshots older than the one held are ignored (``apply_snapshot``). When a name an event shows changes, the stored
VEVENT of those events is cleared in the same transaction, so that the feeds render them again.
"""

import logging

from sqlalchemy import select, update

from services.calendar.meetings import at_centre
from services.events.models import Centre, District, Event, Organisation, RegistrationCount, Room
from services.events.operations import change_event
from services.events.queries import refresh_search_text
from services.messaging.replica import apply_snapshot

log = logging.getLogger(__name__)

#: Replica fields an event shows in its VEVENT.
SHOWN = ("name", "slug", "address", "latitude", "longitude")
#: Replica records whose names their events are searched by (queries.refresh_search_text).
SEARCHED_NAMES = (District, Centre, Organisation)


def apply_record(session, model, shown_by, data: dict, *, deleted: bool = False) -> None:
    """Apply one district, centre, organisation, partnership, membership or room snapshot.

    ``shown_by`` is the Event column that points at such a record (None for memberships and rooms): when a name or
    place those events show changes, they are rendered again. Meetings at a renamed room move with its name.
    """
    row = session.get(model, data["id"])
    shown_before = _shown(row)
    searched_before = _searched(row) if model in SEARCHED_NAMES else None
    row = apply_snapshot(session, model, data, deleted=deleted)
    if model is Room and shown_before is not None and row.name != shown_before[SHOWN.index("name")]:
        _follow_room_name(session, row, shown_before[SHOWN.index("name")])
    if shown_by is not None and shown_before is not None and _shown(row) != shown_before:
        session.flush()
        if model is Centre:
            _follow_centre_address(session, row, shown_before)
        session.execute(update(Event).where(shown_by == row.id).values(vevent=None))
        log.info("%s %s renamed: its events will be rendered again", model.__tablename__, row.id)
    if searched_before is not None and _searched(row) != searched_before:
        _follow_name(session, shown_by, row)


def _follow_centre_address(session, centre: Centre, shown_before: tuple) -> None:
    """Events placed at the centre's old address (the default location), or at one of its rooms there (a meeting),
    move with it, announced as a change."""
    old_address = shown_before[SHOWN.index("address")]
    if old_address == centre.address:
        return
    rooms = [None, *session.scalars(select(Room.name).where(Room.centre_id == centre.id))]
    moved = {at_centre(room, old_address): at_centre(room, centre.address) for room in rooms}
    moved.pop(None, None)  # no address, no room: the event shows the centre as it is
    query = select(Event).where(Event.centre_id == centre.id, Event.location.in_(moved))
    for event in session.scalars(query):
        change_event(session, event, {"location": moved[event.location], "latitude": centre.latitude,
                                      "longitude": centre.longitude})


def _follow_room_name(session, room: Room, old_name: str) -> None:
    """Meetings at the renamed room, at its centre's address, take its new name, announced as a change of place."""
    centre = session.get(Centre, room.centre_id)
    address = centre.address if centre else None
    query = select(Event).where(Event.centre_id == room.centre_id, Event.meeting_id.is_not(None),
                                Event.location == at_centre(old_name, address))
    for event in session.scalars(query):
        change_event(session, event, {"location": at_centre(room.name, address)})


def _follow_name(session, shown_by, row) -> None:
    """The renamed or deleted organiser's, centre's or district's events are found by the new name, or no longer by
    the deleted one (their stored search text)."""
    for event in session.scalars(select(Event).where(shown_by == row.id)):
        refresh_search_text(session, event)


def _searched(row) -> str | None:
    """The name the row's events are searched by: empty once it is deleted, None when there is no row yet."""
    return None if row is None else "" if row.deleted_at is not None else row.name


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
