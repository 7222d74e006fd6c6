"""Who is calling: the admin token, or an API key checked against the hashes in the partners replica.

A key is found by the SHA-256 of what the caller sends, so a revocation works as soon as its message is applied.
Neither the token nor a key is ever logged.
"""

import hashlib
from dataclasses import dataclass

from flask import g, request
from flask_smorest import abort
from sqlalchemy import select

from services.events.models import ApiKey, Organisation
from services.messaging.actor import set_actor
from services.messaging.staff import current_staff
from services.messaging.web import bearer_token, is_admin_token

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="osl-events"'}


@dataclass(frozen=True)
class Caller:
    is_admin: bool
    #: The organisation an organisation key acts for; None for an administrator.
    organisation: Organisation | None = None
    #: Who the changes are recorded as (services/messaging/actor.py).
    actor: str = "admin-token"

    @property
    def idempotency_scope(self) -> str:
        return "admin" if self.is_admin else f"organisation:{self.organisation.id}"


def identify(session, token: str | None) -> Caller | None:
    """The caller the token stands for, or None when it is missing, unknown or revoked."""
    if not token:
        return None
    if is_admin_token(token):
        return Caller(is_admin=True)
    digest = hashlib.sha256(token.encode()).hexdigest()
    key = session.scalars(select(ApiKey).where(ApiKey.hash == digest)).first()
    if key is None or key.revoked_at is not None:
        return None
    if key.kind == "admin":
        return Caller(is_admin=True, actor=f"key:{key.prefix}")
    organisation = session.get(Organisation, key.organisation_id)
    if organisation is None or organisation.deleted_at is not None:
        return None
    if "events" not in (key.scopes or []):
        abort(403, message="This API key lacks the events scope.")
    return Caller(is_admin=False, organisation=organisation, actor=f"key:{key.prefix}")


def require_caller(session) -> Caller:
    """The authenticated caller; aborts 401 otherwise."""
    if g.get("caller") is not None:
        return g.caller
    token = bearer_token()
    caller = identify(session, token)
    if caller is None:
        message = "Send an API key or the admin token as Authorization: Bearer ..." if token is None else \
            "This API key is unknown or revoked."
        abort(401, message=message, headers=CHALLENGE)
    g.caller = caller
    set_actor(caller.actor)
    return caller


WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def authenticate_writes() -> None:
    """Before any write to the API: 401 without valid credentials, ahead of input checks (422) and ETags (428)."""
    if request.method in WRITE_METHODS and request.path.startswith("/api/"):
        from services.messaging.web import request_session

        require_caller(request_session())


def optional_caller(session) -> Caller | None:
    """The caller if a valid token came, else None (public reads)."""
    return identify(session, bearer_token())


def require_admin() -> Caller:
    """The admin token or an admin key; 401 without credentials, 403 with an organisation's key."""
    from services.messaging.web import request_session

    caller = require_caller(request_session())
    if not caller.is_admin:
        abort(403, message="This needs the admin token or an admin key.")
    return caller


def staff_caller(session) -> Caller | None:
    """The staff member signed in on the pages (services/messaging/staff.py), with the rights an admin key or their
    organisation's key has here; None when nobody is, or their organisation is gone."""
    member = current_staff()
    if member is None:
        return None
    actor = f"account:{member.account_id}"
    if member.is_admin:
        caller = Caller(is_admin=True, actor=actor)
    else:
        organisation = session.get(Organisation, member.organisation_id) if member.organisation_id else None
        if organisation is None or organisation.deleted_at is not None:
            return None
        caller = Caller(is_admin=False, organisation=organisation, actor=actor)
    set_actor(caller.actor)
    return caller
