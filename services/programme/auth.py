"""Who is calling: MOPS (the bootstrap admin token or a replicated admin key), or an organisation's key.

Keys are found by the SHA-256 of what the caller sends, against the hashes replicated from the partners messages, so
a revocation works as soon as its message is handled. Neither the token nor a key is ever logged.
"""

import hashlib
from dataclasses import dataclass

from flask import g, request
from flask_smorest import abort
from sqlalchemy import select

from services.messaging.web import bearer_token, is_admin_token, request_session
from services.programme.models import ApiKey

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="osl-programme"'}
#: The scope of an organisation key that may record attendance at its own activities: the key that posts them.
SCOPE = "events"


@dataclass(frozen=True)
class Caller:
    is_admin: bool
    #: The organisation an organisation key acts for; None for MOPS.
    organisation_id: int | None = None


def identify(session, token: str | None) -> Caller | None:
    """The caller the token stands for, or None when it is missing, unknown or revoked."""
    if not token:
        return None
    if is_admin_token(token):
        return Caller(is_admin=True)
    key = session.scalars(select(ApiKey).where(ApiKey.hash == hashlib.sha256(token.encode()).hexdigest())).first()
    if key is None or key.revoked_at is not None:
        return None
    if key.kind == "admin":
        return Caller(is_admin=True)
    if SCOPE not in (key.scopes or []):
        abort(403, message=f"This API key lacks the {SCOPE} scope.")
    return Caller(is_admin=False, organisation_id=key.organisation_id)


def require_caller() -> Caller:
    """The authenticated caller; 401 otherwise."""
    if g.get("caller") is not None:
        return g.caller
    token = bearer_token()
    caller = identify(request_session(), token)
    if caller is None:
        message = "Send an API key or the admin token as Authorization: Bearer ..." if token is None else \
            "This API key is unknown or revoked."
        abort(401, message=message, headers=CHALLENGE)
    g.caller = caller
    return caller


def require_admin() -> Caller:
    """MOPS only: 401 without valid credentials, 403 for an organisation's key."""
    caller = require_caller()
    if not caller.is_admin:
        abort(403, message="Only MOPS staff may read or change programme data.")
    return caller


def authenticate_writes() -> None:
    """Before any write to the API: 401 without valid credentials, ahead of the body's checks (415, 422)."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.path.startswith("/api/"):
        require_caller()
