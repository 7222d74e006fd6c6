"""Who is calling: MOPS (the bootstrap admin token or a replicated admin key), or an organisation's key; on the
pages also a signed-in staff member (services/messaging/staff.py), with the rights of an admin key (MOPS admin) or of
their organisation's key (an editor).

Keys are found by the SHA-256 of what the caller sends, against the hashes replicated from the partners messages, so
a revocation works as soon as its message is handled. Neither the token nor a key is ever logged.
"""

from flask import abort as abort_with
from flask import current_app, redirect

from services.messaging.staff import staff_key_caller
from services.messaging.web import KeyCaller, admin_only, authenticated, bearer_token, key_caller, request_session
from services.programme.models import ApiKey
from services.ui.links import sign_in_url, this_page

#: The scope of an organisation key that may record attendance at its own activities: the key that posts them.
SCOPE = "events"


#: An administrator, or the organisation an organisation key acts for.
Caller = KeyCaller


def identify(session, token: str | None) -> Caller | None:
    """The caller the token stands for, or None when it is missing, unknown or revoked."""
    return key_caller(session, token, ApiKey, SCOPE)


def require_caller() -> Caller:
    """The authenticated caller; 401 otherwise."""
    return authenticated(lambda token: identify(request_session(), token), "osl-programme")


def staff_caller() -> Caller | None:
    """The staff member signed in with this request's session cookie, as the caller whose rights they have: a MOPS
    admin as an admin key, an editor as their organisation's key; None when nobody is (or the session has ended, or
    the account is disabled). Their changes are recorded as theirs (``account:<id>``)."""
    return staff_key_caller()


def require_page_caller() -> Caller:
    """Who opens a page: a signed-in staff member, else the bearer credentials the API takes (401 when wrong); with
    neither, a browser is sent to sign in at partners."""
    caller = staff_caller()
    if caller is not None:
        return caller
    if bearer_token() is None:
        abort_with(redirect(sign_in_url(current_app.config, this_page(current_app.config["PROGRAMME_URL"])), 303))
    return require_caller()


def require_admin(caller: Caller | None = None) -> Caller:
    """MOPS only: 401 without valid credentials, 403 for an organisation's key (or editor, given as ``caller``)."""
    return admin_only(caller or require_caller(), "Only MOPS staff may read or change programme data.")
