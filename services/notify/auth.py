"""Who may use notify's admin and staff API: the bootstrap admin token (OSL_ADMIN_TOKEN) or a partners admin key,
and, for the registrations of its own events, an organisation's key (with the ``events`` scope, the key that posts
them). Keys are checked against the hashes replicated from the partners messages (services/messaging/keys.py), so a
revoked key stops working as soon as its message is handled. Neither a token nor a key is ever logged.
"""

from dataclasses import dataclass

from flask_smorest import abort

from services.messaging.web import ADMIN, authenticated, bearer_key, request_session, require_scope
from services.notify.models import ApiKey

#: The scope an organisation's key needs to manage the registrations of its own events.
SCOPE = "events"


@dataclass(frozen=True)
class Caller:
    is_admin: bool
    #: The organisation an organisation key acts for; None for an administrator.
    organisation_id: int | None = None


def may_manage(caller: Caller, event: dict | None) -> bool:
    """An administrator manages every event's registrations; an organisation those of its own events."""
    if caller.is_admin:
        return True
    return caller.organisation_id is not None and event is not None and \
        event.get("organisation_id") == caller.organisation_id


def identify(session, token: str | None) -> Caller | None:
    """The caller the token stands for, or None when it is missing, unknown or revoked (403: a key without the
    events scope)."""
    key = bearer_key(session, token, ApiKey)
    if key is None or key == ADMIN:
        return None if key is None else Caller(is_admin=True)
    require_scope(key, SCOPE)
    return Caller(is_admin=False, organisation_id=key.organisation_id)


def require_caller() -> Caller:
    """The authenticated caller; aborts 401 otherwise."""
    return authenticated(lambda token: identify(request_session(), token), "osl-notify")


def require_admin() -> Caller:
    """Administrators only: 401 without valid credentials, 403 for an organisation's key."""
    caller = require_caller()
    if not caller.is_admin:
        abort(403, message="This needs an admin token or an admin key; an organisation's key may not use it.")
    return caller
