"""Every message type, with its schema. Importing this package fills the registry.

A schema is the contract between services: change it by registering a new type name (``district.created.v2``),
never by editing one in place.
"""

from services.messaging.messages import events, notify, partners, staff  # noqa: F401
