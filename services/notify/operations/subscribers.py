"""Subscribers' state changes: subscribe, confirm, change preferences, unsubscribe, erase and export.

None of these logs an address: log lines name the subscriber's id.
"""

import logging
import secrets
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import default
from pathlib import Path

from sqlalchemy import delete, select

from services.messaging.addresses import normalise_email, same_address
from services.messaging.models import utcnow
from services.notify.consent import CURRENT_VERSION, consent_text
from services.notify.models import (
    District,
    Notice,
    SubscribeAttempt,
    Subscriber,
    aware,
)
from services.notify.models.notices import UNSENT
from services.notify.operations.notices import queue_confirmation
from services.notify.ratelimit import attempt_key, check_and_record

log = logging.getLogger(__name__)

PREFERENCES = ("districts", "audiences", "frequency", "reminders", "language")


class UnknownDistricts(ValueError):
    def __init__(self, slugs: list[str]):
        super().__init__(f"Unknown district(s): {', '.join(slugs)}.")
        self.slugs = slugs


def normalise_choices(data: dict) -> dict:
    """``["all"]`` and ``[]`` both mean every district or audience; stored as ``[]``, sorted and without repeats."""
    choices = {name: data[name] for name in PREFERENCES if name in data}
    for name in ("districts", "audiences"):
        if name in choices:
            values = sorted(set(choices[name]))
            choices[name] = [] if "all" in values else values
    return choices


def check_districts(session, slugs: list[str]) -> None:
    known = set(session.scalars(select(District.slug).where(District.slug.in_(slugs), District.deleted_at.is_(None))))
    unknown = sorted(set(slugs) - known)
    if unknown:
        raise UnknownDistricts(unknown)


def find_by_email(session, email: str) -> Subscriber | None:
    return session.scalar(select(Subscriber).where(Subscriber.email == normalise_email(email)))


def find_by_key(session, key: str) -> Subscriber | None:
    return session.scalar(select(Subscriber).where(Subscriber.key == key))


def subscribe(session, data: dict, consent_language: str | None = None) -> Subscriber:
    """Record a subscribe request and queue a confirmation e-mail; the same whether or not the address is known.

    A new, pending or unsubscribed address takes the choices at once and becomes pending. A confirmed one keeps
    receiving what it chose before; the new choices wait in ``requested`` until the confirmation link is followed,
    so nobody can change another's subscription by knowing the address.

    The consent recorded is the text in ``consent_language`` (the one the page showed), by default the e-mails'.
    """
    choices = normalise_choices(data)
    check_districts(session, choices.get("districts", []))
    language = choices.get("language", "pl")
    consent = {"consent_version": CURRENT_VERSION, "consent_text": consent_text(consent_language or language),
               "consent_at": utcnow()}
    subscriber = find_by_email(session, data["email"])
    if subscriber is None:
        subscriber = Subscriber(key=secrets.token_hex(16), email=normalise_email(data["email"]), status="pending",
                                **{**_defaults(), **choices}, **consent)
        session.add(subscriber)
        session.flush()
        log.info("subscriber %s created, pending confirmation", subscriber.id)
    elif subscriber.status == "confirmed":
        subscriber.requested = {**choices, **consent, "consent_at": consent["consent_at"].isoformat()}
        log.info("subscriber %s asked to subscribe again; confirmation re-sent", subscriber.id)
    else:
        log.info("subscriber %s asked to subscribe again while %s", subscriber.id, subscriber.status)
        for name, value in {**choices, **consent}.items():
            setattr(subscriber, name, value)
        subscriber.status = "pending"
    queue_confirmation(session, subscriber, language)
    return subscriber


def _defaults() -> dict:
    return {"districts": [], "audiences": [], "frequency": "immediate", "reminders": False, "language": "pl"}


def confirm(session, subscriber: Subscriber) -> None:
    """Following the link confirms at once (no second page); it also applies choices a later request sent."""
    if subscriber.requested:
        requested = dict(subscriber.requested)
        requested["consent_at"] = datetime.fromisoformat(requested["consent_at"])
        for name, value in requested.items():
            setattr(subscriber, name, value)
        subscriber.requested = None
    if subscriber.status != "confirmed":
        subscriber.status = "confirmed"
        subscriber.confirmed_at = utcnow()
        subscriber.unsubscribed_at = None
        log.info("subscriber %s confirmed", subscriber.id)


def update_preferences(session, subscriber: Subscriber, data: dict) -> None:
    choices = normalise_choices(data)
    check_districts(session, choices.get("districts", []))
    for name, value in choices.items():
        setattr(subscriber, name, value)
    log.info("subscriber %s changed preferences", subscriber.id)


def unsubscribe(session, subscriber: Subscriber) -> None:
    """Stop all mail; the row stays (without it, a replayed message could not tell this address apart)."""
    if subscriber.status != "unsubscribed":
        subscriber.status = "unsubscribed"
        subscriber.unsubscribed_at = utcnow()
        session.execute(delete(Notice).where(Notice.subscriber_id == subscriber.id, Notice.status.in_(UNSENT)))
        log.info("subscriber %s unsubscribed", subscriber.id)


def erase(session, subscriber: Subscriber, secret: str) -> None:
    """GDPR erase: the subscriber, their notices and the rate-limit rows of their address."""
    subscriber_id = subscriber.id
    session.execute(delete(Notice).where(Notice.subscriber_id == subscriber_id))
    session.execute(delete(SubscribeAttempt).where(SubscribeAttempt.key == attempt_key(secret, "email",
                                                                                         subscriber.email)))
    session.delete(subscriber)
    log.info("subscriber %s erased", subscriber_id)


def erase_mail_files(folder, address: str) -> int:
    """Delete the .eml files written for ``address`` (the embedded mail folder); returns how many."""
    if not folder or not Path(folder).is_dir():
        return 0
    erased = 0
    for path in Path(folder).glob("*.eml"):
        with path.open("rb") as file:
            headers = BytesHeaderParser(policy=default).parse(file)
        recipients = getattr(headers["To"], "addresses", ()) if headers["To"] else ()
        if any(same_address(recipient.addr_spec, address) for recipient in recipients):
            path.unlink(missing_ok=True)
            erased += 1
    log.info("erased %d mail files of an erased subscriber", erased)
    return erased


def export(session, subscriber: Subscriber, secret: str) -> dict:
    """Everything held about one address."""
    notices = session.scalars(select(Notice).where(Notice.subscriber_id == subscriber.id).order_by(Notice.id))
    attempts = session.scalars(select(SubscribeAttempt.at).where(
        SubscribeAttempt.key == attempt_key(secret, "email", subscriber.email)).order_by(SubscribeAttempt.at))
    return {
        "email": subscriber.email,
        "status": subscriber.status,
        **{name: getattr(subscriber, name) for name in PREFERENCES},
        "requested_changes": subscriber.requested,
        "consent": {"version": subscriber.consent_version, "text": subscriber.consent_text,
                    "given_at": iso_or_none(subscriber.consent_at)},
        "created_at": iso_or_none(subscriber.created_at),
        "confirmed_at": iso_or_none(subscriber.confirmed_at),
        "unsubscribed_at": iso_or_none(subscriber.unsubscribed_at),
        "notices": [notice_export(notice) for notice in notices],
        "subscribe_requests": [iso_or_none(at) for at in attempts],
    }


def notice_export(notice: Notice) -> dict:
    """One notice made for an address, as a GDPR export shows it."""
    return {"kind": notice.kind, "event_id": notice.event_id, "occurrence": notice.occurrence,
            "sequence": notice.sequence, "status": notice.status, "attempts": notice.attempts,
            "last_error": notice.last_error, "message_id": notice.message_id,
            "created_at": iso_or_none(notice.created_at), "sent_at": iso_or_none(notice.sent_at)}


def iso_or_none(moment) -> str | None:
    """A stored time as ISO 8601 with its offset, or None."""
    return aware(moment).isoformat() if moment is not None else None


def subscribe_within_limits(session, config, remote_addr: str | None, data: dict,
                            consent_language: str | None = None) -> None:
    """What the API and the form both do: count the request against the per-IP and per-address limits, then
    subscribe. Raises ``RateLimited`` or ``UnknownDistricts``; the caller rolls back and answers."""
    secret = config["SECRET_KEY"]
    limits = [(attempt_key(secret, "ip", remote_addr or "-"), config["RATE_LIMIT_PER_IP"]),
              (attempt_key(secret, "email", normalise_email(data["email"])), config["RATE_LIMIT_PER_ADDRESS"])]
    check_and_record(session, limits, config["RATE_LIMIT_WINDOW_SECONDS"])
    subscribe(session, data, consent_language)
