"""Reads several views share: the public event residents register for; what staff read of registrations (each
date's list: names, how many, contact; places left, the waiting list)."""

from sqlalchemy import select

from services.messaging.models import utcnow
from services.notify import occurrences
from services.notify.models import EventCopy, Registration, RegistrationSlot


def public_event(session, event_id) -> dict | None:
    """The event's snapshot when notify holds it and it is public (the API and the pages answer 404 otherwise)."""
    copy = session.get(EventCopy, str(event_id))
    return copy.snapshot if copy is not None and copy.snapshot.get("visibility") == "public" else None


def _row(registration: Registration, position: int | None) -> dict:
    return {"id": registration.id, "name": registration.name, "people": registration.people,
            "status": registration.status, "position": position, "contact": registration.contact,
            "email": registration.email, "phone": registration.phone, "ref": registration.ref,
            "verified": registration.verified_at is not None, "by_staff": registration.by_staff,
            "created_at": registration.created_at}


def date_lists(session, event_id: str, occurrence: str | None = None) -> list[dict]:
    """Each date of the event that has registrations (or one date), soonest first: its counts, the confirmed in
    the order they registered, the waiting list in its order, and whether the date is cancelled (the event, or a
    date the series no longer has)."""
    query = select(RegistrationSlot).where(RegistrationSlot.event_id == event_id)
    if occurrence is not None:
        query = query.where(RegistrationSlot.occurrence == occurrence)
    copy, now = session.get(EventCopy, event_id), utcnow()
    lists = []
    for slot in session.scalars(query.order_by(RegistrationSlot.starts_at)):
        rows = session.scalars(select(Registration).where(
            Registration.slot_id == slot.id, Registration.status.in_(("confirmed", "waiting")))
            .order_by(Registration.seq)).all()
        waiting = [r for r in rows if r.status == "waiting"]
        lists.append({
            "occurrence": slot.occurrence, "starts_at": slot.starts_at, "capacity": slot.capacity,
            # A date that will not happen holds no places: its people were told by e-mail, staff phone the others.
            "cancelled": copy is not None and occurrences.called_off(copy.snapshot, slot.occurrence, slot.ends_at, now,
                                                                      slot.of_series),
            "confirmed": slot.confirmed, "places_left": slot.left, "over_capacity": slot.over,
            "waiting": slot.waiting,
            "confirmed_list": [_row(r, None) for r in rows if r.status == "confirmed"],
            "waiting_list": [_row(r, index) for index, r in enumerate(waiting, 1)]})
    return lists
