"""Who is calling: the bootstrap admin token, an admin key, an organisation's key, a signed-in staff member (on the
pages), or nobody.

Keys are looked up by their SHA-256 and compared in constant time. A key never appears in a response (except once,
when issued), a message or a log line.
"""

import hmac
from dataclasses import dataclass

from flask import g, request
from flask_smorest import abort
from sqlalchemy import select

from services.messaging.actor import set_actor
from services.messaging.staff import current_staff
from services.messaging.web import admin_only, bearer_token, is_admin_token, request_session
from services.partners.models import ApiKey
from services.partners.operations import hash_key, is_coordinator


@dataclass(frozen=True)
class Caller:
    is_admin: bool
    organisation_id: int | None = None
    scopes: tuple[str, ...] = ()
    #: The staff account signed in on the pages; None for a key or the admin token.
    account_id: int | None = None
    #: Who the changes are recorded as (services/messaging/actor.py).
    actor: str = "admin-token"


ADMIN = Caller(is_admin=True, scopes=("admin",))


def _authenticate(token: str) -> Caller:
    if is_admin_token(token):
        return ADMIN
    digest = hash_key(token)
    key = request_session().scalar(select(ApiKey).where(ApiKey.hash == digest))
    if key is None or not hmac.compare_digest(key.hash, digest):
        abort(401, message="This token or API key is not known.")
    if key.revoked_at is not None:
        abort(401, message=f"This API key was revoked on {key.revoked_at:%Y-%m-%d}.")
    if key.is_admin:
        return Caller(is_admin=True, scopes=("admin",), actor=f"key:{key.prefix}")
    return Caller(is_admin=False, organisation_id=key.organisation_id, scopes=tuple(key.scopes),
                  actor=f"key:{key.prefix}")


def _staff_caller() -> Caller | None:
    """The staff member signed in on the pages, with the rights an admin key or their organisation's key has."""
    member = current_staff()
    if member is None:
        return None
    if member.is_admin:
        return Caller(is_admin=True, scopes=("admin",), account_id=member.account_id,
                      actor=f"account:{member.account_id}")
    return Caller(is_admin=False, organisation_id=member.organisation_id, scopes=("events", "meetings"),
                  account_id=member.account_id, actor=f"account:{member.account_id}")


def current_caller() -> Caller | None:
    """The caller, or None without credentials; aborts 401 for an unknown or revoked key. The API takes a bearer
    token only; the pages take the staff session (their forms carry a CSRF token)."""
    if "caller" not in g:
        token = bearer_token()
        if token is not None:
            g.caller = _authenticate(token)
        else:
            g.caller = None if request.path.startswith("/api/") else _staff_caller()
        set_actor(g.caller.actor if g.caller else None)
    return g.caller


def is_admin() -> bool:
    caller = current_caller()
    return caller is not None and caller.is_admin


def require_admin() -> Caller:
    """Abort 401 without credentials or with a bad key, and 403 with an organisation's key."""
    caller = current_caller()
    if caller is None:
        abort(401, message="This needs an admin token: send 'Authorization: Bearer <token>'.")
    return admin_only(caller, "An organisation's API key may not do this; it needs an admin token.")


def require_meeting_writer(partnership_id: int) -> Caller:
    """Admins, and the key of an organisation that currently coordinates this partnership."""
    caller = current_caller()
    if caller is None:
        abort(401, message="This needs an admin token or the API key of the partnership's coordinator.")
    if not may_plan_meetings(caller, partnership_id):
        abort(403, message="Only an admin or the partnership's current coordinator may change its meetings.")
    return caller


def may_plan_meetings(caller: Caller, partnership_id: int) -> bool:
    """Admins, and a key (or an editor) of the organisation that currently coordinates this partnership."""
    return caller.is_admin or ("meetings" in caller.scopes and is_coordinator(
        request_session(), partnership_id, caller.organisation_id))


def require_caller() -> Caller:
    """The caller; 401 without credentials (every write to the API needs one: services/messaging/http_guards.py)."""
    caller = current_caller()
    if caller is None:
        abort(401, message="Writes need an admin token or an API key: send 'Authorization: Bearer <token>'.")
    return caller
