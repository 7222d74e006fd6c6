"""Handlers of the messages the events service consumes (queues in services/messaging/topology.py)."""

from services.events.meetings import apply_meeting, follow_coordinator
from services.events.replica import RECORDS, apply_key, apply_record
from services.messaging.envelope import Envelope
from services.messaging.registry import message_type

KEY_KINDS = {"organisation.api_key": "organisation", "admin_key": "admin"}


def apply_partners_message(session, envelope: Envelope) -> None:
    """Keep the replica of the partners data up to date, and partner meetings in the calendars."""
    type_name = envelope.type
    # The envelope holds the JSON form; the schema gives back dates and datetimes as Python objects.
    data = message_type(type_name).schema.load(envelope.data)
    kind, _, action = type_name.rpartition(".")
    if kind in KEY_KINDS:
        apply_key(session, KEY_KINDS[kind], data, revoked=action == "revoked")
    elif kind == "meeting":
        apply_meeting(session, type_name, data)
    elif kind in RECORDS:
        apply_record(session, type_name, data)
        if kind == "membership":
            follow_coordinator(session, data["partnership_id"])
    # Other partners messages (agreements) are not needed here.


HANDLERS = {"partners-replica": apply_partners_message}
