"""Who is calling: the admin token, or an API key checked against the hashes in the partners replica.

A key is found by the SHA-256 of what the caller sends, so a revocation works as soon as its message is applied.
Neither the token nor a key is ever logged.
"""

from dataclasses import dataclass

from flask import request

from services.events.models import ApiKey, Organisation
from services.messaging.web import ADMIN, authenticated, bearer_key, bearer_token, require_scope


@dataclass(frozen=True)
class Caller:
    is_admin: bool
    #: The organisation an organisation key acts for; None for an administrator.
    organisation: Organisation | None = None

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


WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def authenticate_writes() -> None:
    """Before any write to the API: 401 without valid credentials, ahead of input checks (422) and ETags (428)."""
    if request.method in WRITE_METHODS and request.path.startswith("/api/"):
        from services.messaging.web import request_session

        require_caller(request_session())


def optional_caller(session) -> Caller | None:
    """The caller if a valid token came, else None (public reads)."""
    return identify(session, bearer_token())
