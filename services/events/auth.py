"""Who is calling: the admin token, or an API key checked against the hashes in the partners replica.

A key is found by the SHA-256 of what the caller sends, so a revocation works as soon as its message is applied.
Neither the token nor a key is ever logged.
"""

from dataclasses import dataclass

from services.events.models import ApiKey, Organisation
from services.messaging.actor import set_actor
from services.messaging.staff import current_staff
from services.messaging.web import ADMIN, admin_only, authenticated, bearer_key, bearer_token, require_scope


@dataclass(frozen=True)
class Caller:
    is_admin: bool
    #: The organisation an organisation key acts for; None for an administrator.
    organisation: Organisation | None = None

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.id if self.organisation is not None else None

    @property
    def idempotency_scope(self) -> str:
        return "admin" if self.is_admin else f"organisation:{self.organisation.id}"


def identify(session, token: str | None) -> Caller | None:
    """The caller the token stands for, or None when it is missing, unknown or revoked."""
    key = bearer_key(session, token, ApiKey)
    if key is None or key == ADMIN:
        return None if key is None else Caller(is_admin=True)
    organisation = session.get(Organisation, key.organisation_id)
    if organisation is None or organisation.deleted_at is not None:
        return None
    require_scope(key, "events")
    return Caller(is_admin=False, organisation=organisation)


def require_caller(session) -> Caller:
    """The authenticated caller; aborts 401 otherwise."""
    return authenticated(lambda token: identify(session, token), "osl-events")


def optional_caller(session) -> Caller | None:
    """The caller if a valid token came, else None (public reads)."""
    return identify(session, bearer_token())


def require_admin() -> Caller:
    """The admin token or an admin key; 401 without credentials, 403 with an organisation's key."""
    from services.messaging.web import request_session

    return admin_only(require_caller(request_session()), "This needs the admin token or an admin key.")


def staff_caller(session) -> Caller | None:
    """The staff member signed in on the pages (services/messaging/staff.py), with the rights an admin key or their
    organisation's key has here; None when nobody is, or their organisation is gone. Their changes are recorded as
    theirs (``account:<id>``)."""
    member = current_staff()
    if member is None:
        return None
    if member.is_admin:
        caller = Caller(is_admin=True)
    else:
        organisation = session.get(Organisation, member.organisation_id) if member.organisation_id else None
        if organisation is None or organisation.deleted_at is not None:
            return None
        caller = Caller(is_admin=False, organisation=organisation)
    set_actor(f"account:{member.account_id}")
    return caller
