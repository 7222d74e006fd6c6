"""A partner meeting seen as an event: the one mapping from a partners ``meeting.*`` snapshot to an event's fields.

The events service makes each meeting an event of its partnership's private calendar with it; every other service
learns of the meeting as that event, through the events service's messages, never by mapping it again.
"""

from dataclasses import dataclass

from services.calendar.times import aware, from_wire


@dataclass(frozen=True)
class Place:
    """What a meeting's event takes from the centre it is held at, and the name of the centre's room it names."""

    id: int
    district_id: int
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    room: str | None = None


def meeting_event(meeting: dict, *, partnership_district_id: int, centre: Place | None,
                  organiser_id: int | None, cancelled: bool = False) -> dict:
    """The event's fields: at the meeting's address, else at its centre's room (named before the centre's address)
    and centre (with the centre's coordinates), in the centre's district, else the partnership's: the feeds' LOCATION
    puts the centre's name before it (``ical.place_words``), and a change of room is a change of place. A cancelled
    meeting (``cancelled``: its ``meeting.cancelled`` message) is a cancelled event."""
    from_centre = centre is not None and not meeting.get("address")
    return {
        "title": meeting["title"], "description": meeting["agenda"],
        "starts_at": _aware(meeting["starts_at"]), "ends_at": _aware(meeting["ends_at"]),
        "all_day": False, "rrule": None, "exdates": [],
        "district_id": centre.district_id if centre else partnership_district_id,
        "centre_id": centre.id if centre else None,
        "location": meeting.get("address") or (at_centre(centre.room, centre.address) if centre else None),
        "latitude": centre.latitude if from_centre else None, "longitude": centre.longitude if from_centre else None,
        "organisation_id": organiser_id, "partnership_id": meeting["partnership_id"],
        "category": "meeting", "visibility": "partnership",
        "status": "cancelled" if cancelled or meeting["status"] == "cancelled" else "scheduled",
    }


def at_centre(room: str | None, address: str | None) -> str | None:
    """The location of a meeting's event at a centre: the room's name (if it names one), then the centre's address."""
    return ", ".join(part for part in (room, address) if part) or None


def _aware(value):
    """A time as the message carries it (text) or as its schema loads it (a datetime), in UTC."""
    return from_wire(value) if isinstance(value, str) else aware(value)
