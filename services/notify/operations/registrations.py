"""Registrations: every change of a registration and of the places it holds. The mails those changes send are
queued by registration_mails.py. What happens to registrations over time (an event's changes, reminders, expiry,
retention, GDPR export and erase) is in registration_upkeep.py.

Each registration first locks its occurrence's row of places (RegistrationSlot): ``SELECT ... FOR UPDATE`` on
PostgreSQL, and on SQLite the file's one write lock, which every writing session takes at BEGIN (BEGIN IMMEDIATE,
services/messaging/db.py). So registrations for one occurrence go one at a time, numbered (``seq``) in the order
they commit, and never more places are confirmed than the capacity. Each change writes to the outbox in the same
transaction its counts (``registration.counts``, for the events service) and the registration's place under its
pseudonymous reference (``registration.changed``, for the programme's roll calls): never a name or a contact.

An event's registration settings (per date or the whole series, how many people, the places) are in
registration_settings.py.

One person is registered once for a date (or a whole series) while that registration is active: a second request with
the same e-mail address, or staff's with the same phone number, is checked under the same lock, so two at once (a
double tap) make one registration. No unique index holds this: the duplicates made before the check are kept (a
migration cannot cancel them without mailing and moving people up), and phone numbers are compared by their digits,
not as stored.
"""

import logging
import secrets
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from services.calendar import recurrence
from services.calendar.times import from_wire, local_midnight
from services.messaging.addresses import normalise_email, same_phone
from services.messaging.errors import Conflict, FieldError
from services.messaging.models import utcnow
from services.messaging.outbox import add_message
from services.notify import occurrences
from services.notify.consent import REGISTRATION_VERSION, registration_consent
from services.notify.models import (
    EventCopy,
    Notice,
    OutboxMessage,
    Registration,
    RegistrationSlot,
)
from services.notify.models.notices import UNSENT
from services.notify.models.registrations import ACTIVE
from services.notify.occurrences import Occurrence
from services.notify.operations.registration_mails import queue_registration_mail, slot_times
from services.notify.operations.registration_settings import capacity_of, registration_open, registration_settings
from services.notify.ratelimit import attempt_key, check_and_record

log = logging.getLogger(__name__)


class TooManyPeople(FieldError):
    """More people than the date has places: refused, as no cancellation would ever make room for them all."""

    def __init__(self, capacity: int):
        super().__init__("people", f"This date has {capacity} place{'' if capacity == 1 else 's'} at most: "
                                   "choose fewer people.")
        self.capacity = capacity


class Registered(NamedTuple):
    """What a registration request came to: the registration, and whether this request made it (``new``) or found
    the person registered for the date already (no new registration, no mail)."""

    registration: Registration
    new: bool
    #: On the waiting list although places were free: how many, too few for its people (what the page and mail say).
    places_left: int | None = None


def find_occurrence(event: dict, occurrence: str | None, whole_series: bool) -> Occurrence:
    """The occurrence a registration is for: for a whole series, its next date that has not ended (it is for the
    dates left, and stays open until the last is over); else the date ``occurrence`` names (its start, ISO 8601; a
    single event's only date when left out). FieldError naming ``occurrence`` otherwise."""
    if whole_series:
        found = occurrences.next_one(event, utcnow())
        if found is None:
            raise FieldError("occurrence", "Every date of this series is over.")
        return found
    first = from_wire(event["starts_at"])
    if not occurrence:
        if event.get("rrule"):
            raise FieldError("occurrence", "Choose a date: this event repeats and registration is per date.")
        found = occurrences.between(event, first, first + timedelta(seconds=1), limit=1)
        if not found:
            raise FieldError("occurrence", "This event has no date to register for.")
        return found[0]
    try:
        start = from_wire(occurrence)
    except ValueError:
        raise FieldError("occurrence", "Not a date and time (ISO 8601).") from None
    found = occurrences.between(event, start, start + timedelta(seconds=1), limit=1)
    if not found:
        raise FieldError("occurrence", "The event has no date starting then.")
    return found[0]


def _locked_slot(session, event: dict, occurrence: Occurrence, whole_series: bool) -> RegistrationSlot:
    """The occurrence's row of places, made on first use, locked for this transaction."""
    key = "" if whole_series else occurrence.rule_key
    query = (select(RegistrationSlot).where(RegistrationSlot.event_id == event["id"],
                                            RegistrationSlot.occurrence == key).with_for_update())
    slot = session.scalars(query).first()
    if slot is not None:
        return slot
    capacity = capacity_of(event)
    ends_at = occurrence.ends_at
    if whole_series:
        last = recurrence.last_day(recurrence.Series.of(event))
        ends_at = (local_midnight(last + timedelta(days=1)) if last
                   else occurrence.ends_at + timedelta(days=5 * 366))
    try:
        with session.begin_nested():
            session.add(RegistrationSlot(event_id=event["id"], occurrence=key, starts_at=occurrence.starts_at,
                                         ends_at=ends_at, capacity=capacity, confirmed=0, waiting=0, last_seq=0,
                                         version=0, of_series=bool(key and event.get("rrule"))))
    except IntegrityError:  # another registration made it first: take its lock in turn
        pass
    return session.scalars(query.execution_options(populate_existing=True)).one()


def open_whole_series(session, event: dict) -> None:
    """The whole series' row of places before anyone registers, its counts to the outbox: the events service knows
    the way from them (a series with none is registered per date). Nothing when every date is over."""
    try:
        occurrence = find_occurrence(event, None, whole_series=True)
    except FieldError:
        return
    publish_counts(session, _locked_slot(session, event, occurrence, whole_series=True))


def _fits(slot: RegistrationSlot, people: int) -> bool:
    return slot.capacity is None or slot.confirmed + people <= slot.capacity


def never_fits(slot: RegistrationSlot, people: int) -> bool:
    """More people than the date has places (after staff lowered them): no cancellation will ever make room for
    them all, as :class:`TooManyPeople` refuses such a group at registration."""
    return slot.capacity is not None and people > slot.capacity


def publish_counts(session, slot: RegistrationSlot) -> None:
    """The occurrence's counts, to the outbox in this transaction (never a name or a contact)."""
    slot.version += 1
    add_message(session, OutboxMessage, "registration.counts", {
        "event_id": slot.event_id, "occurrence": slot.occurrence, "version": slot.version,
        "capacity": slot.capacity, "confirmed": slot.confirmed, "waiting": slot.waiting})


def new_ref() -> str:
    """A registration's pseudonymous reference: 40 random bits in upper-case hex, short enough to read out on the
    day, meaning nothing outside notify."""
    return secrets.token_hex(5).upper()


def publish_registration(session, registration: Registration) -> None:
    """The registration's place, to the outbox in this transaction, for the programme's roll calls: its reference,
    never its name or contact. One without a reference (anonymised before references existed) is not sent."""
    if registration.ref is None:
        return
    add_message(session, OutboxMessage, "registration.changed", {
        "ref": registration.ref, "event_id": registration.event_id, "occurrence": registration.occurrence,
        "series_from": registration.series_from, "people": registration.people, "status": registration.status})


def _registered_already(session, slot: RegistrationSlot, contact: str, data: dict) -> Registration | None:
    """The active registration (confirmed or waiting) for the slot of the person ``data`` names: by the same e-mail
    address, or for a registration by phone the same number. One with no contact names nobody: None."""
    active = select(Registration).where(Registration.slot_id == slot.id, Registration.status.in_(ACTIVE))
    if contact == "email":
        return session.scalars(active.where(Registration.email == normalise_email(data["email"]))
                               .order_by(Registration.seq)).first()
    if contact == "phone":
        numbers = session.scalars(active.where(Registration.phone.is_not(None)).order_by(Registration.seq))
        return next((found for found in numbers if same_phone(found.phone, data["phone"])), None)
    return None


def register_for(session, event: dict, data: dict, *, by_staff: bool = False) -> Registered:
    """Register ``data`` (name, people, contact, email or phone, occurrence, language) for the event: a place if one
    is free and nobody waits before, else the waiting list. An e-mail registration holds its place from now, gets a
    mail with its place or position and a confirm link, and is released if the address does not confirm in time
    (one given to staff needs no confirming). A phone number or no contact at all only through staff (``by_staff``).
    The same address (or phone number) registered for the date already and still active: that registration, as it
    is, not new (nothing changes, no mail). More people than the date's places: TooManyPeople."""
    if not registration_open(event):
        raise Conflict("Registration for this event is not open here.")
    contact = data.get("contact", "email")
    if contact != "email" and not by_staff:
        raise FieldError("contact", "Registration by phone or without contact goes through the centre's staff.")
    if contact == "email" and not data.get("email"):
        raise FieldError("email", "An e-mail address is needed.")
    if contact == "phone" and not data.get("phone"):
        raise FieldError("phone", "A phone number is needed.")
    settings = registration_settings(session, event["id"])
    people = data.get("people", 1)
    if people > settings.max_people:
        raise FieldError("people", f"At most {settings.max_people} people per registration for this event.")
    capacity = capacity_of(event)
    if capacity is not None and people > capacity:
        raise TooManyPeople(capacity)
    occurrence = find_occurrence(event, data.get("occurrence"), settings.whole_series)
    if occurrence.ends_at <= utcnow():
        raise FieldError("occurrence", "This date is over.")
    slot = _locked_slot(session, event, occurrence, settings.whole_series)
    # Under the slot's lock: a second request for the same person waits for the first to commit, then finds it.
    found = _registered_already(session, slot, contact, data)
    if found is not None:
        log.info("registration %s for event %s asked for again: unchanged", found.id, event["id"])
        return Registered(found, new=False)
    slot.last_seq += 1
    place = slot.waiting == 0 and _fits(slot, people)
    left = None if place or slot.capacity is None else slot.capacity - slot.confirmed
    too_few = left if left is not None and 0 < left < people else None
    language = data.get("language", "pl")
    registration = Registration(
        key=secrets.token_hex(16), slot_id=slot.id, event_id=event["id"], occurrence=slot.occurrence,
        # The whole series' first date it covers: the date its mail names (``occurrence``, find_occurrence's).
        series_from=occurrence.rule_key if settings.whole_series else "",
        seq=slot.last_seq, status="confirmed" if place else "waiting", people=people, contact=contact,
        name=data["name"], email=normalise_email(data["email"]) if contact == "email" else None,
        phone=data.get("phone") if contact == "phone" else None, language=language, by_staff=by_staff,
        consent_version=REGISTRATION_VERSION, consent_text=registration_consent(language), consent_at=utcnow(),
        created_at=utcnow(), ref=new_ref(),
        # Staff took the address from the person: it needs no confirmation link.
        verified_at=None if contact == "email" and not by_staff else utcnow())
    session.add(registration)
    if place:
        slot.confirmed += people
    else:
        slot.waiting += people
    session.flush()
    if registration.email:
        queue_registration_mail(session, registration, "registered", event, occurrence.times(),
                                places_left=too_few)
    publish_counts(session, slot)
    publish_registration(session, registration)
    log.info("registration %s for event %s: %s", registration.id, event["id"], registration.status)
    return Registered(registration, new=True, places_left=too_few)


def confirm_registration(session, registration: Registration) -> None:
    """The address confirmed the registration (the link in its mail): it keeps its place or position."""
    if registration.verified_at is None and registration.status in ACTIVE:
        registration.verified_at = utcnow()
        log.info("registration %s confirmed its address", registration.id)


def cancel_registration(session, registration: Registration, *, status: str = "cancelled") -> bool:
    """Cancel (``status="expired"``: release an address that never confirmed). A confirmed place goes at once to
    the first people waiting who fit, who are told by e-mail. False when it was cancelled already."""
    return _cancel(session, registration, status) is not None


def withdraw(session, registration: Registration, *, by_organiser: bool = False) -> int:
    """Cancel the registration (:func:`cancel_registration`), and mail its address that it is cancelled, its date
    CANCELLED in the calendar (``reg_withdrawn``): by the person themselves (the cancel link of its mails), or on
    their behalf by staff (``by_organiser``: the staff page, the API; the mail says the organiser cancelled it).
    Returns how many registrations moved up from the waiting list (none for a place on the waiting list, or nobody
    waiting who fits): what the pages then say. Once: a second click finds it cancelled already, and changes and
    sends nothing."""
    moved = _cancel(session, registration, "cancelled")
    if moved is None:
        return 0
    event = event_of(session, registration.event_id)
    if registration.email and event is not None:
        slot = session.get(RegistrationSlot, registration.slot_id)
        queue_registration_mail(session, registration, "reg_withdrawn", event, slot_times(slot, event),
                                by_organiser=by_organiser)
    return moved


def _cancel(session, registration: Registration, status: str) -> int | None:
    """Cancel; how many moved up, or None when it was cancelled already."""
    slot = session.scalars(select(RegistrationSlot).where(RegistrationSlot.id == registration.slot_id)
                           .with_for_update()).one()
    session.refresh(registration)
    if registration.status not in ACTIVE:
        return None
    if registration.status == "confirmed":
        slot.confirmed -= registration.people
    else:
        slot.waiting -= registration.people
    registration.status, registration.cancelled_at = status, utcnow()
    session.execute(delete(Notice).where(Notice.registration_id == registration.id, Notice.status.in_(UNSENT)))
    publish_registration(session, registration)
    moved = promote(session, slot)
    publish_counts(session, slot)
    log.info("registration %s %s", registration.id, status)
    return moved


def promote(session, slot: RegistrationSlot) -> int:
    """Give free places to the waiting list in its order, stopping at the first registration that does not fit
    (nobody jumps the queue); each promoted e-mail registration is told. A group bigger than all the date's places
    (:func:`never_fits`) would wait forever, so it holds nobody up: the ones behind it go on in their order. Returns
    how many moved up."""
    moved = 0
    event = event_of(session, slot.event_id)
    waiting = session.scalars(select(Registration).where(Registration.slot_id == slot.id,
                                                         Registration.status == "waiting").order_by(Registration.seq))
    for registration in waiting:
        if never_fits(slot, registration.people):
            continue
        if not _fits(slot, registration.people):
            break
        registration.status, registration.promoted_at = "confirmed", utcnow()
        slot.waiting -= registration.people
        slot.confirmed += registration.people
        moved += 1
        publish_registration(session, registration)
        if registration.email and event is not None:
            queue_registration_mail(session, registration, "promoted", event, slot_times(slot, event))
        log.info("registration %s moved up from the waiting list", registration.id)
    return moved


def event_of(session, event_id: str) -> dict | None:
    copy = session.get(EventCopy, event_id)
    return copy.snapshot if copy is not None else None


def register_within_limits(session, config, remote_addr: str | None, event: dict, data: dict) -> Registered:
    """What the API and the form both do for a resident: count the request against the per-client and per-address
    limits (the sign-up's counters and window, with the registration limits), then register."""
    secret = config["SECRET_KEY"]
    limits = [(attempt_key(secret, "registration-ip", remote_addr or "-"), config["REGISTRATION_LIMIT_PER_IP"]),
              (attempt_key(secret, "registration-email", normalise_email(data["email"])),
               config["REGISTRATION_LIMIT_PER_ADDRESS"])]
    check_and_record(session, limits, config["RATE_LIMIT_WINDOW_SECONDS"])
    return register_for(session, event, {**data, "contact": "email"})
