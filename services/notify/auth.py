"""Who may use notify's admin and staff API: the bootstrap admin token (OSL_ADMIN_TOKEN) or a partners admin key,
and, for the registrations of its own events, an organisation's key (with the ``events`` scope, the key that posts
them). Keys are checked against the hashes replicated from the partners messages (services/messaging/keys.py), so a
revoked key stops working as soon as its message is handled. Neither a token nor a key is ever logged.
"""

from services.messaging.web import KeyCaller, acts_for, admin_only, authenticated, key_caller, request_session
from services.notify.models import ApiKey

#: The scope an organisation's key needs to manage the registrations of its own events.
SCOPE = "events"


#: An administrator, or the organisation an organisation key acts for.
Caller = KeyCaller


def may_manage(caller: Caller, event: dict | None) -> bool:
    """An administrator manages every event's registrations; an organisation those of its own events."""
    return caller.is_admin or (event is not None and acts_for(caller, event.get("organisation_id")))


def identify(session, token: str | None) -> Caller | None:
    """The caller the token stands for, or None when it is missing, unknown or revoked."""
    return key_caller(session, token, ApiKey, SCOPE)


def require_caller() -> Caller:
    """The authenticated caller; aborts 401 otherwise."""
    return authenticated(lambda token: identify(request_session(), token), "osl-notify")


def require_admin() -> Caller:
    """Administrators only: 401 without valid credentials, 403 for an organisation's key."""
    return admin_only(require_caller(),
                      "This needs an admin token or an admin key; an organisation's key may not use it.")
