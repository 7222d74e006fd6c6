"""Messages published by the notify service.

``registration.counts``: the places of one occurrence of an event (or of a whole series) after a registration
changed. Counts only, never a name or a contact: the events service shows "12 of 20 places left" or "waiting list"
from them. ``version`` rises with every change of that occurrence's registrations; a copy ignores an older one.
"""

from marshmallow import Schema, fields, validate

from services.messaging.registry import register


class RegistrationCounts(Schema):
    event_id = fields.UUID(required=True)
    #: The occurrence's start in UTC ISO 8601; empty for registrations for the whole series.
    occurrence = fields.String(required=True, validate=validate.Length(max=40))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    #: None: no limit.
    capacity = fields.Integer(required=True, allow_none=True, strict=True, validate=validate.Range(min=1))
    #: Places taken by confirmed registrations (may be more than a capacity lowered later).
    confirmed = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    #: People on the waiting list.
    waiting = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


register("registration.counts", "notify", RegistrationCounts())
