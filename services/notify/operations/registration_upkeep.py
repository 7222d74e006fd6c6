"""What happens to registrations over time, on top of registrations.py's places: an event's change (a new
capacity, a cancelled event or date), the reminder the day before, e-mail registrations that never confirmed,
retention, and GDPR export and erase."""

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update

from services.calendar import recurrence
from services.calendar.times import from_wire, local_date
from services.messaging.addresses import normalise_email
from services.messaging.models import utcnow
from services.notify import occurrences
from services.notify.models import Notice, Registration, RegistrationSlot
from services.notify.models.registrations import ACTIVE, confirm_deadline
from services.notify.operations.registration_mails import queue_registration_mail, slot_times
from services.notify.operations.registration_settings import capacity_of
from services.notify.operations.registrations import (
    cancel_registration,
    event_of,
    never_fits,
    promote,
    publish_counts,
    publish_registration,
)
from services.notify.operations.subscribers import iso_or_none

log = logging.getLogger(__name__)


def follow_event(session, event: dict, previous: dict | None = None) -> None:
    """An event changed (its message handled; ``previous``: the copy before, if any): its rows of places take the
    new capacity (a higher one moves people up; a lower one cancels no place, staff see "over capacity by N", but a
    waiting group with an address that no longer fits in all the places is told and released,
    :func:`_release_too_big`), and each date keeps its times as the series gives them now (a date moved on its own
    keeps its people; so does one the series now gives another time on the same day, :func:`_same_date_moved`).
    Everyone registered for a date that will not happen is told, once: a cancelled event, a date cancelled on its
    own, skipped, or left out by a new rule or first start (:func:`occurrences.called_off`). Everyone registered for
    a date still to come that now has another time is told its new time, once (:func:`_tell_moved`); for a whole
    series, when a date of it still to come has (:func:`_series_moved`)."""
    slots = session.scalars(select(RegistrationSlot).where(RegistrationSlot.event_id == event["id"])
                            .with_for_update()).all()
    if not slots:
        return
    capacity = capacity_of(event)
    now = utcnow()
    for slot in slots:
        was = (slot.starts_at, slot.ends_at)
        found = occurrences.slot_date(event, slot.occurrence, slot.of_series) if slot.occurrence else None
        if found is None and slot.occurrence and event.get("rrule"):
            found = _same_date_moved(session, slot, event)
        if found is not None:  # its reminder and retention follow the date where it is now
            slot.starts_at, slot.ends_at = found.starts_at, found.ends_at
            if not event.get("rrule"):  # the one date a series kept when it dropped its rule: it moves with the event
                slot.of_series = False
        gone = occurrences.called_off(event, slot.occurrence, slot.ends_at, now, slot.of_series)
        if slot.capacity != capacity:
            slot.capacity = capacity
            if not gone:  # nobody moves up for a date that will not happen
                _release_too_big(session, slot, event)
                promote(session, slot)
            publish_counts(session, slot)
        if gone:
            _tell_cancelled(session, slot, event)
        elif found is not None and (found.starts_at, found.ends_at) != was and found.ends_at > now:
            _tell_moved(session, slot, event, found.times())
        elif not slot.occurrence and previous is not None and _series_moved(previous, event, now):
            _tell_moved(session, slot, event, slot_times(slot, event))


def _same_date_moved(session, slot: RegistrationSlot, event: dict) -> occurrences.Occurrence | None:
    """The date a row of places is for, when the series changed its time (or its first start, on the same weekdays)
    and so every rule key: the series' date on the same Warsaw day (:func:`occurrences.on_the_same_day`) is that
    date. The row and its registrations take the new key (each keeps the one its mails' calendar named the date by,
    ``named_from``), and the new key's counts and each registration's place are published; :func:`follow_event`
    tells its people the new time. None when that day has no date any more (the date is gone), or when the new key
    has a row of places already (made for the new time before this row followed): the two are not merged, so this
    row stays on its gone date and its people are told, as for any date gone."""
    if recurrence.quarantined(recurrence.Series.of(event)):
        return None
    found = occurrences.on_the_same_day(event, slot.occurrence)
    if found is None:
        return None
    taken = session.scalar(select(RegistrationSlot.id).where(
        RegistrationSlot.event_id == slot.event_id, RegistrationSlot.occurrence == found.rule_key))
    if taken is not None:
        log.warning("event %s: a date's places cannot follow it to %s, which has places already", event["id"],
                    found.rule_key)
        return None
    log.info("event %s: a date's places follow it from %s to %s", event["id"], slot.occurrence, found.rule_key)
    slot.occurrence = found.rule_key
    for registration in session.scalars(select(Registration).where(Registration.slot_id == slot.id)
                                        .order_by(Registration.seq)):
        # Its mails' calendar keeps naming the date by the start it had when they began (recipient.date_uid).
        registration.named_from = registration.named_from or registration.occurrence
        registration.occurrence = found.rule_key
        if registration.status in ACTIVE:
            publish_registration(session, registration)
    publish_counts(session, slot)
    return found


def _release_too_big(session, slot: RegistrationSlot, event: dict) -> None:
    """Waiting groups with an address that the date's places can no longer ever hold (:func:`never_fits`, as a
    registration that big is refused): told how many places there are, to register fewer people, and cancelled, so
    they wait for nothing. A group by phone or with no contact stays on the list for staff to phone; it holds
    nobody up (:func:`promote`)."""
    waiting = session.scalars(select(Registration).where(
        Registration.slot_id == slot.id, Registration.status == "waiting", Registration.email.is_not(None))
        .order_by(Registration.seq)).all()
    for registration in waiting:
        if never_fits(slot, registration.people) and cancel_registration(session, registration):
            queue_registration_mail(session, registration, "reg_too_big", event, slot_times(slot, event))
            log.info("registration %s: %d people no longer fit in %d places, released", registration.id,
                     registration.people, slot.capacity)


def _tell_cancelled(session, slot: RegistrationSlot, event: dict) -> None:
    registrations = session.scalars(select(Registration).where(
        Registration.slot_id == slot.id, Registration.status.in_(ACTIVE), Registration.email.is_not(None)))
    told = 0
    for registration in registrations:
        told += queue_registration_mail(session, registration, "reg_cancelled", event,
                                         slot_times(slot, event)) is not None
    if told:
        log.info("event %s: a cancelled date or event, %d registered people told", event["id"], told)


def _series_moved(previous: dict, event: dict, now: datetime) -> bool:
    """Whether a date of the series still to come (within a year) has other times now than in ``previous``: the
    same date found by its start as the rule gives it, or on the same day after a new time of the series."""
    if previous.get("status") == "cancelled":
        return False
    for before in occurrences.between(previous, now, now + timedelta(days=366)):
        after = occurrences.by_rule_key(event, before.rule_key) or (
            occurrences.on_the_same_day(event, before.rule_key) if event.get("rrule") else None)
        if after is not None and (after.starts_at, after.ends_at) != (before.starts_at, before.ends_at):
            return True
    return False


def _tell_moved(session, slot: RegistrationSlot, event: dict, times: dict) -> None:
    """Everyone registered for the date (confirmed or waiting, with an address) is told its new time ``times``: one
    mail per registration and move (the new start and the event's SEQUENCE name it, so a replayed message tells
    nobody twice, and a later move tells them again), its calendar entry updated (same UID, higher SEQUENCE)."""
    moved_to = f"{from_wire(times['starts_at']).astimezone(UTC).isoformat()}/{event['sequence']}"
    registrations = session.scalars(select(Registration).where(
        Registration.slot_id == slot.id, Registration.status.in_(ACTIVE), Registration.email.is_not(None))
        .order_by(Registration.seq))
    told = sum(queue_registration_mail(session, registration, "reg_moved", event, times, moved_to) is not None
               for registration in registrations)
    if told:
        log.info("event %s: a date with a new time, %d registered people told", event["id"], told)


def queue_reg_reminders(session, now: datetime, hours: float) -> int:
    """The day before: a reminder of each date starting within ``hours`` to each confirmed registration with an
    address (a whole-series registration: of each date), once per registration and date. None for a date that was
    within ``hours`` already when the place was given (registered, or moved up): it would come at once, after the
    mail that gave the place and said when. The reminder says "today" or "tomorrow" as the date is from ``now``'s
    Warsaw day."""
    queued = 0
    slots = session.scalars(select(RegistrationSlot).where(RegistrationSlot.starts_at < now + timedelta(hours=hours),
                                                           RegistrationSlot.ends_at > now,
                                                           RegistrationSlot.anonymised_at.is_(None)))
    for slot in slots:
        event = event_of(session, slot.event_id)
        if event is None or event["status"] != "scheduled":
            continue
        if slot.occurrence:
            date_ = occurrences.slot_date(event, slot.occurrence, slot.of_series)
            found = [date_] if date_ is not None and now <= date_.starts_at < now + timedelta(hours=hours) else []
        else:
            found = occurrences.between(event, now, now + timedelta(hours=hours))
        registrations = session.scalars(select(Registration).where(
            Registration.slot_id == slot.id, Registration.status == "confirmed", Registration.email.is_not(None),
            Registration.verified_at.is_not(None))).all()
        for occurrence in found:
            window_opened = occurrence.starts_at - timedelta(hours=hours)
            for registration in registrations:
                if registration.confirm_from > window_opened:
                    continue
                queued += queue_registration_mail(session, registration, "reg_reminder", event,
                                                   occurrence.times(), occurrence.key,
                                                   queued_on=local_date(now)) is not None
    return queued


def expire_unconfirmed(session, now: datetime, hours: float) -> int:
    """E-mail registrations whose address has not confirmed by the deadline their mail named (``confirm_deadline``:
    ``hours`` from the registration, or from the move up from the waiting list, ``Registration.confirm_from``; the
    date's start when that comes first): released (their place moves on). Without a mail: the address never
    confirmed it is theirs, and it was told until when (the confirm request; the mail of the move up), so a
    stranger's address gets nothing more."""
    upcoming = select(RegistrationSlot.id).where(RegistrationSlot.ends_at > now)  # a past date moves nobody up
    unconfirmed = session.scalars(select(Registration).where(
        Registration.status.in_(ACTIVE), Registration.contact == "email", Registration.verified_at.is_(None),
        Registration.slot_id.in_(upcoming)).order_by(Registration.id)).all()
    stale = [registration for registration in unconfirmed
             if confirm_deadline(registration.confirm_from, hours, _named_start(session, registration)) < now]
    return sum(cancel_registration(session, registration, status="expired") for registration in stale)


def _named_start(session, registration: Registration) -> datetime | None:
    """The start of the date a registration's mails name (what their time to confirm may end at): its date's,
    where it is now; for a whole series, its first date that had not ended when the time to confirm began."""
    slot = session.get(RegistrationSlot, registration.slot_id)
    if slot.occurrence:
        return slot.starts_at
    event = event_of(session, slot.event_id)
    found = occurrences.next_one(event, registration.confirm_from) if event is not None else None
    return found.starts_at if found is not None else None


def anonymise_registrations(session, now: datetime, days: float) -> int:
    """Personal data of registrations for dates that ended ``days`` ago: names, addresses, phones, references and mails
    go; the rows stay with their counts (how many came, confirmed or waiting). Returns how many slots."""
    slots = session.scalars(select(RegistrationSlot).where(RegistrationSlot.anonymised_at.is_(None),
                                                           RegistrationSlot.ends_at < now - timedelta(days=days)))
    done = 0
    for slot in slots:
        ids = select(Registration.id).where(Registration.slot_id == slot.id)
        session.execute(delete(Notice).where(Notice.registration_id.in_(ids)))
        session.execute(update(Registration).where(Registration.slot_id == slot.id).values(
            name=None, email=None, phone=None, ref=None, consent_text="", anonymised_at=now))
        slot.anonymised_at = now
        done += 1
    if done:
        log.info("registrations of %d past date(s) anonymised", done)
    return done


def registrations_of(session, email: str) -> list[Registration]:
    return list(session.scalars(select(Registration).where(Registration.email == normalise_email(email))
                                .order_by(Registration.id)))


def export_registrations(session, email: str) -> list[dict]:
    """Every registration held for an address (GDPR export): all it keeps but the row's own keys (id, the secret key
    of its links, its place in the queue)."""
    return [{"event_id": r.event_id, "occurrence": r.occurrence, "series_from": r.series_from,
             "named_from": r.named_from, "status": r.status,
             "people": r.people, "contact": r.contact, "name": r.name, "email": r.email, "phone": r.phone,
             "ref": r.ref, "language": r.language, "by_staff": r.by_staff,
             "consent": {"version": r.consent_version, "text": r.consent_text, "given_at": iso_or_none(r.consent_at)},
             "created_at": iso_or_none(r.created_at), "verified_at": iso_or_none(r.verified_at),
             "promoted_at": iso_or_none(r.promoted_at), "cancelled_at": iso_or_none(r.cancelled_at),
             "anonymised_at": iso_or_none(r.anonymised_at)} for r in registrations_of(session, email)]


def erase_registrations(session, email: str) -> int:
    """GDPR erase: every registration of the address is cancelled (its place moves on) and its personal data goes;
    the row stays as a count. Returns how many."""
    found = registrations_of(session, email)
    for registration in found:
        cancel_registration(session, registration)
        session.execute(delete(Notice).where(Notice.registration_id == registration.id))
        # The reference goes too: what programme keeps of it no longer leads back to anyone.
        registration.name = registration.email = registration.phone = registration.ref = None
        registration.consent_text, registration.anonymised_at = "", utcnow()
    if found:
        log.info("%d registration(s) of an erased address erased", len(found))
    return len(found)
