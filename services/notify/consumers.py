"""Handlers of the messages the notify service consumes (queues in services/messaging/topology.py)."""

from services.messaging.envelope import Envelope
from services.messaging.replica import apply_snapshot
from services.notify.models import District


def apply_partners_message(session, envelope: Envelope) -> None:
    """Keep the replica of the partners data up to date."""
    if envelope.type.startswith("district."):
        apply_snapshot(session, District, envelope.data, deleted=envelope.type == "district.deleted")


HANDLERS = {"partners-replica": apply_partners_message}
