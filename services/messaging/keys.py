"""API keys replicated from the partners messages: the handlers that keep a service's copy of their hashes.

Every service that takes partners' keys (events, notify, programme) declares an ``ApiKey`` table on its own base
(``services.messaging.models.ApiKeyMixin``), registers ``add_key_handlers`` on the queue it copies the partners data
from, and finds a caller with ``services.messaging.web.bearer_key``. Neither a key nor a token is ever logged.
"""

import logging

from services.messaging.envelope import Envelope
from services.messaging.handlers import Handlers
from services.messaging.registry import message_type
from services.messaging.replica import apply_key

log = logging.getLogger(__name__)

#: The partners messages about keys, with the kind each names and whether it revokes.
KEY_MESSAGES = (("organisation.api_key.issued", "organisation", False),
                ("organisation.api_key.revoked", "organisation", True),
                ("admin_key.issued", "admin", False),
                ("admin_key.revoked", "admin", True))


def add_key_handlers(handlers: Handlers, queue: str, model) -> None:
    """Register, on ``queue``, the handlers that keep ``model`` (a service's copy of the keys) up to date."""

    def apply_key_message(session, envelope: Envelope, *, kind: str, revoked: bool = False) -> None:
        """An API key's hash, so that the key works (or stops working) here."""
        data = message_type(envelope.type).schema.load(envelope.data)
        key = apply_key(session, model, kind, data, revoked=revoked)
        log.info("%s key %s (%s...) %s", kind, key.key_id, key.prefix, "revoked" if key.revoked_at else "active")

    for type_name, kind, revoked in KEY_MESSAGES:
        handlers.add(queue, type_name, apply_key_message, kind=kind, revoked=revoked)
