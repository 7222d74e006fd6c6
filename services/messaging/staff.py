"""One staff session across every service behind the gateway: the tables, and the one check of a session.

The partners service keeps the accounts and issues sessions (services/partners/operations/accounts.py); it announces
them with ``account.*`` and ``session.*`` messages (services/messaging/messages/staff.py). Events and notify keep a
replica of both in the same two tables, declared from the mixins here, and every service checks a browser's session
cookie with ``signed_in``: the session is known, not ended, not expired, and its account is not disabled. Signing out
or disabling an account is one message away from every service.

The cookie holds a random session id; only its SHA-256 is stored or sent anywhere. The id never goes in a URL or a
log line: log lines name the account id.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, g, jsonify, request
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.messaging.models import UTCDateTime, utcnow
from services.messaging.replica import apply_snapshot

#: The cookie of a staff session, on the whole origin (Path=/) so that every service behind the gateway gets it.
COOKIE = "osl_session"


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def session_hash(session_id: str) -> str:
    """What is stored and sent of a session id: its hex SHA-256 (the id is 256 random bits, so no salt is needed)."""
    return hashlib.sha256(session_id.encode()).hexdigest()


class StaffAccountMixin:
    """An account's role and state. The partners service adds the e-mail address and the password hash."""

    __tablename__ = "staff_accounts"

    #: The partners service's id.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: ``admin`` or ``editor`` (ACCOUNT_ROLES).
    role: Mapped[str] = mapped_column(String(20))
    #: The editor's organisation.
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    #: When an admin disabled it: no sign-in, no session.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: A replica's tombstone (services/messaging/replica.py); accounts are disabled, never deleted.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    def snapshot(self) -> dict:
        return {"id": self.id, "version": self.version, "role": self.role, "organisation_id": self.organisation_id,
                "disabled_at": self.disabled_at.isoformat() if self.disabled_at else None}


class StaffSessionMixin:
    __tablename__ = "staff_sessions"

    #: Hex SHA-256 of the session id; the id itself is only in the browser's cookie.
    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    def snapshot(self) -> dict:
        return {"session_hash": self.session_hash, "account_id": self.account_id,
                "started_at": self.started_at.isoformat(), "expires_at": self.expires_at.isoformat(),
                "ended_at": self.ended_at.isoformat() if self.ended_at else None}


@dataclass(frozen=True)
class StaffMember:
    """Who is signed in: what every service needs to decide what they may do."""

    account_id: int
    role: str
    organisation_id: int | None
    session_hash: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def signed_in(db, account_model, session_model, session_id: str | None) -> StaffMember | None:
    """The staff member whose live session this id opens, or None: unknown, ended, expired, or a disabled account."""
    if not session_id or len(session_id) > 200:
        return None
    digest = session_hash(session_id)
    row = db.get(session_model, digest)
    if row is None or not hmac.compare_digest(row.session_hash, digest):
        return None
    if row.ended_at is not None or row.expires_at <= utcnow():
        return None
    account = db.get(account_model, row.account_id)
    if account is None or account.disabled_at is not None or account.deleted_at is not None:
        return None
    return StaffMember(account.id, account.role, account.organisation_id, digest)


# --- a replica of them, from the partners messages -----------------------------------------------------------------


def apply_account(db, account_model, data: dict) -> None:
    """``account.created``, ``account.updated``, ``account.disabled``: the newer snapshot wins."""
    apply_snapshot(db, account_model, data)


def apply_session(db, session_model, data: dict) -> None:
    """``session.started`` and ``session.ended``. An ended session stays ended, whatever arrives late."""
    row = db.get(session_model, data["session_hash"])
    if row is None:
        row = session_model(session_hash=data["session_hash"])
        db.add(row)
    ended_at = row.ended_at or data.get("ended_at")
    for name in ("account_id", "started_at", "expires_at"):
        setattr(row, name, data[name])
    row.ended_at = ended_at


def register_handlers(handlers, queue: str, account_model, session_model) -> None:
    """Register a consuming service's replica handlers on ``queue`` (its queue of partners messages, in order)."""
    from services.messaging.registry import message_type

    def accounts(db, envelope):
        apply_account(db, account_model, message_type(envelope.type).schema.load(envelope.data))

    def sessions(db, envelope):
        apply_session(db, session_model, message_type(envelope.type).schema.load(envelope.data))

    handlers.add(queue, ("account.created", "account.updated", "account.disabled"), accounts)
    handlers.add(queue, ("session.started", "session.ended"), sessions)


# --- Flask: the signed-in staff member of a request ----------------------------------------------------------------


def init_staff(app: Flask, account_model, session_model) -> None:
    """Make ``current_staff()`` work in ``app``, and serve ``GET /staff/session``: who is signed in (JSON), or 401."""
    app.extensions["osl_staff"] = (account_model, session_model)

    @app.get("/staff/session")
    def _staff_session():
        member = current_staff()
        if member is None:
            return jsonify(message="Not signed in, or the session has ended."), 401
        return jsonify(account_id=member.account_id, role=member.role, organisation_id=member.organisation_id)


def current_staff() -> StaffMember | None:
    """The staff member signed in with this request's session cookie, or None (checked once per request)."""
    if "staff" not in g:
        from services.messaging.web import request_session

        account_model, session_model = current_app.extensions["osl_staff"]
        g.staff = signed_in(request_session(), account_model, session_model, request.cookies.get(COOKIE))
    return g.staff


def staff_key_caller():
    """The signed-in staff member as the ``KeyCaller`` whose rights they have (services/messaging/web.py): a MOPS
    admin as an admin key, an editor as their organisation's key; None when nobody is signed in (or the session has
    ended, or the account is disabled, or an editor has no organisation). Their changes are recorded as theirs
    (``account:<id>``). For the services whose callers are ``KeyCaller``s (notify, programme)."""
    from services.messaging.actor import set_actor
    from services.messaging.web import KeyCaller

    member = current_staff()
    if member is None or (not member.is_admin and member.organisation_id is None):
        return None
    set_actor(f"account:{member.account_id}")
    return KeyCaller(is_admin=member.is_admin, organisation_id=None if member.is_admin else member.organisation_id)


def set_session_cookie(response, session_id: str, max_age_seconds: int) -> None:
    """``HttpOnly`` (no script reads it), ``SameSite=Lax`` (no other site's form or request carries it), ``Secure``
    when the request came over https (behind the gateway, from its X-Forwarded-Proto), on the whole origin."""
    response.set_cookie(COOKIE, session_id, max_age=max_age_seconds, path="/", httponly=True, samesite="Lax",
                        secure=request.is_secure)


def clear_session_cookie(response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax", secure=request.is_secure)
