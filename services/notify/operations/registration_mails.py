"""The mails a registration's changes send: what each shows of the registration (its place or position, its date's
times) and the queueing, once per kind, where an unsent mail that shows the registration as it stands takes in a
later one (one mail per person and change). The changes themselves are in registrations.py.
"""

import logging
from datetime import date, timedelta

from sqlalchemy import func, select

from services.calendar.times import local
from services.messaging.models import utcnow
from services.notify import occurrences
from services.notify.models import Notice, Registration, RegistrationSlot

log = logging.getLogger(__name__)


def waiting_position(session, registration: Registration) -> int | None:
    """1 for the first on the waiting list; None when not waiting."""
    if registration.status != "waiting":
        return None
    return 1 + session.scalar(select(func.count()).select_from(Registration).where(
        Registration.slot_id == registration.slot_id, Registration.status == "waiting",
        Registration.seq < registration.seq))


def slot_times(slot: RegistrationSlot, event: dict) -> dict:
    """The times a registration mail shows: the date's where it is now (moved on its own or not), or where it was
    when the series no longer has it (cancelled, skipped: the date the mail says will not happen); a single event's
    one date; for a whole series, its next date that has not ended (where its registrations stand now: the slot
    keeps the start it was made with)."""
    if slot.occurrence:  # one date: where occurrences.slot_date says it is now
        found = occurrences.slot_date(event, slot.occurrence, slot.of_series)
        return found.times() if found is not None else {"starts_at": local(slot.starts_at).isoformat(),
                                                         "ends_at": local(slot.ends_at).isoformat()}
    following = occurrences.next_one(event, utcnow())
    if following is not None:
        return following.times()
    found = occurrences.between(event, slot.starts_at, slot.starts_at + timedelta(seconds=1), limit=1)
    return found[0].times() if found else {"starts_at": event["starts_at"], "ends_at": event["ends_at"]}


def queue_registration_mail(session, registration: Registration, kind: str, event: dict, times: dict,
                             occurrence: str = "", places_left: int | None = None,
                             queued_on: date | None = None, by_organiser: bool = False) -> Notice | None:
    """One mail of ``kind`` to the registration's address, at most once per kind (and occurrence); ``places_left``:
    a registration put on the waiting list although so many places were free, too few for its people; ``queued_on``:
    a reminder's Warsaw day, which its words ("today", "tomorrow") are counted from; ``by_organiser``: staff, not
    the person, cancelled it (``reg_withdrawn``)."""
    done = session.scalar(select(Notice.id).where(Notice.registration_id == registration.id, Notice.kind == kind,
                                                  Notice.occurrence == occurrence))
    if done is not None:
        return None
    verified = registration.verified_at is not None
    shown = {"name": registration.name, "people": registration.people, "status": registration.status,
             "position": waiting_position(session, registration), "verified": verified,
             # Until when an address not confirmed keeps the registration counts from here (the mail says when).
             "confirm_from": None if verified else registration.confirm_from.isoformat(),
             # A whole series' registrations have no date of their own; one date's is its start as the rule gives it
             # (what its mails' calendar names it by, wherever it moves).
             "series": registration.occurrence == "", "occurrence": registration.occurrence,
             # The start its date's calendar entry is named by, when the series moved the date to another rule key.
             "named_from": registration.named_from,
             "places_left": places_left, "by_organiser": by_organiser}
    payload = {"event": event, "occurrence": times, "language": registration.language, "registration": shown,
               **({"queued_on": queued_on.isoformat()} if queued_on is not None else {})}
    if kind in STANDING:
        pending = _standing_unsent(session, registration)
        if pending is not None:
            return _merged(pending, kind, occurrence, event, payload)
    notice = Notice(registration_id=registration.id, event_id=event["id"], sequence=event["sequence"], kind=kind,
                    occurrence=occurrence, status="queued", next_attempt_at=utcnow(), payload=payload)
    session.add(notice)
    return notice


#: The mails that show a registration as it stands (its place or position, its date's time), in the order of which
#: one a merge keeps: the registration's first mail (its confirm link), a place that came free, a new time.
STANDING = ("registered", "promoted", "reg_moved")


def _standing_unsent(session, registration: Registration) -> Notice | None:
    """The registration's mail of a :data:`STANDING` kind still waiting for the sender, locked: the sender claims
    only what it can lock, and once it has claimed one (``sending``) this no longer finds it."""
    return session.scalars(select(Notice).where(
        Notice.registration_id == registration.id, Notice.kind.in_(STANDING), Notice.status == "queued")
        .order_by(Notice.id).with_for_update()).first()


def _merged(pending: Notice, kind: str, occurrence: str, event: dict, payload: dict) -> Notice:
    """One mail per person and change: a :data:`STANDING` mail not sent yet takes in a later one (``kind``) of the
    same registration, which shows the final state (the event, the date's times, the place), instead of a second
    mail; it is of whichever kind comes first in :data:`STANDING`. A first mail kept says what it said of the places
    left while its registration still waits."""
    merged = min(pending.kind, kind, key=STANDING.index)
    if merged == "registered" and payload["registration"]["status"] == "waiting":
        payload["registration"]["places_left"] = pending.payload["registration"].get("places_left")
    if merged == kind:
        pending.kind, pending.occurrence = kind, occurrence
    pending.sequence, pending.payload = event["sequence"], payload
    log.info("registration %s: its unsent %s mail takes in a %s", pending.registration_id, merged, kind)
    return pending
