"""Who is calling: MOPS (the bootstrap admin token or a replicated admin key), or an organisation's key.

Keys are found by the SHA-256 of what the caller sends, against the hashes replicated from the partners messages, so
a revocation works as soon as its message is handled. Neither the token nor a key is ever logged.
"""

from dataclasses import dataclass

from flask_smorest import abort

from services.messaging.web import ADMIN, authenticated, bearer_key, request_session, require_scope
from services.programme.models import ApiKey

#: The scope of an organisation key that may record attendance at its own activities: the key that posts them.
SCOPE = "events"


@dataclass(frozen=True)
class Caller:
    is_admin: bool
    #: The organisation an organisation key acts for; None for MOPS.
    organisation_id: int | None = None


def identify(session, token: str | None) -> Caller | None:
    """The caller the token stands for, or None when it is missing, unknown or revoked."""
    key = bearer_key(session, token, ApiKey)
    if key is None or key == ADMIN:
        return None if key is None else Caller(is_admin=True)
    require_scope(key, SCOPE)
    return Caller(is_admin=False, organisation_id=key.organisation_id)


def require_caller() -> Caller:
    """The authenticated caller; 401 otherwise."""
    return authenticated(lambda token: identify(request_session(), token), "osl-programme")


def require_admin() -> Caller:
    """MOPS only: 401 without valid credentials, 403 for an organisation's key."""
    caller = require_caller()
    if not caller.is_admin:
        abort(403, message="Only MOPS staff may read or change programme data.")
    return caller
