"""Handlers of the messages the partners service consumes: what the events service says of the rooms its meetings
name (issue #13). Each runs in the transaction that records the message in the partners inbox."""

from services.messaging.envelope import Envelope
from services.messaging.handlers import Handlers
from services.messaging.registry import message_type
from services.partners.operations.meetings import ROOM_ANSWERS, mark_room

handlers = Handlers("partners")


@handlers.on("meeting-rooms", *ROOM_ANSWERS)
def apply_meeting_room(session, envelope: Envelope) -> None:
    """The meeting's room is booked, waiting for MOPS's approval, taken (a "room conflict"), or its booking was
    cancelled: the meeting is marked so."""
    outcome = message_type(envelope.type).schema.load(envelope.data)
    mark_room(session, outcome["meeting_id"], outcome, ROOM_ANSWERS[envelope.type])


HANDLERS = handlers.table()
