"""API keys replicated from the partners messages: the one place that says how a service keeps their hashes and how
a bearer token is matched against them.

Every service that takes partners' keys (events, notify, programme) declares an ``ApiKey`` table on its own base
(``services.messaging.models.ApiKeyMixin``), registers ``add_key_handlers`` on the queue it copies the partners data
from, and finds a caller's key with ``find_key``. Neither a key nor a token is ever logged.
"""

import hashlib
import logging
from dataclasses import dataclass

from flask import g
from flask_smorest import abort
from sqlalchemy import select

from services.messaging.envelope import Envelope
from services.messaging.handlers import Handlers
from services.messaging.registry import message_type
from services.messaging.replica import apply_key
from services.messaging.web import bearer_token, is_admin_token

log = logging.getLogger(__name__)

#: The partners messages about keys, with the kind each names and whether it revokes.
KEY_MESSAGES = (("organisation.api_key.issued", "organisation", False),
                ("organisation.api_key.revoked", "organisation", True),
                ("admin_key.issued", "admin", False),
                ("admin_key.revoked", "admin", True))


def key_hash(token: str) -> str:
    """What a replica stores of a key: its hex SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def find_key(session, model, token: str | None):
    """The active key row the token is, or None (missing, unknown or revoked)."""
    if not token:
        return None
    key = session.scalars(select(model).where(model.hash == key_hash(token))).first()
    if key is None or key.revoked_at is not None:
        return None
    return key


@dataclass(frozen=True)
class KeyCaller:
    """Who a bearer token stands for: an administrator (the bootstrap token or an admin key), or an organisation."""

    is_admin: bool
    #: The organisation an organisation key acts for; None for an administrator.
    organisation_id: int | None = None


def identify_key(session, model, token: str | None, scope: str) -> KeyCaller | None:
    """The caller ``token`` stands for, or None when it is missing, unknown or revoked; an organisation's key
    without ``scope`` is refused with 403."""
    if not token:
        return None
    if is_admin_token(token):
        return KeyCaller(is_admin=True)
    key = find_key(session, model, token)
    if key is None:
        return None
    if key.kind == "admin":
        return KeyCaller(is_admin=True)
    if scope not in (key.scopes or []):
        abort(403, message=f"This API key lacks the {scope} scope.")
    return KeyCaller(is_admin=False, organisation_id=key.organisation_id)


def require_key_caller(session, identify, realm: str):
    """The caller of this request, as ``identify(session, token)`` finds it (once per request); 401 otherwise."""
    if g.get("caller") is not None:
        return g.caller
    token = bearer_token()
    caller = identify(session, token)
    if caller is None:
        message = "Send an API key or the admin token as Authorization: Bearer ..." if token is None else \
            "This API key is unknown or revoked."
        abort(401, message=message, headers={"WWW-Authenticate": f'Bearer realm="{realm}"'})
    g.caller = caller
    return caller


def add_key_handlers(handlers: Handlers, queue: str, model) -> None:
    """Register, on ``queue``, the handlers that keep ``model`` (a service's copy of the keys) up to date."""

    def apply_key_message(session, envelope: Envelope, *, kind: str, revoked: bool = False) -> None:
        """An API key's hash, so that the key works (or stops working) here."""
        data = message_type(envelope.type).schema.load(envelope.data)
        key = apply_key(session, model, kind, data, revoked=revoked)
        log.info("%s key %s (%s...) %s", kind, key.key_id, key.prefix, "revoked" if key.revoked_at else "active")

    for type_name, kind, revoked in KEY_MESSAGES:
        handlers.add(queue, type_name, apply_key_message, kind=kind, revoked=revoked)
