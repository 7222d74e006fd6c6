"""Messages published by the notify service.

``registration.counts``: the places of one occurrence of an event (or of a whole series) after a registration
changed. Counts only, never a name or a contact: the events service shows "12 of 20 places left" or "waiting list"
from them. ``version`` rises with every change of that occurrence's registrations; a copy ignores an older one.

``registration.changed``: one registration's place after it changed, for the programme service's roll calls. It
names the person only by ``ref``, a random reference that means nothing outside notify (the printed list shows it
next to the name; erasing or anonymising the registration in notify forgets which name it was): never a name, an
address or a phone number. A status only moves forward (waiting, confirmed, then cancelled or expired), so a copy
keeps the furthest one whatever order the messages arrive in. A registration for the whole series made after the
series began covers only the dates left: ``series_from`` names the first date it covers (the same in every message
of that registration), and a roll call lists it only from that date on. Messages queued before the field existed
have none: such a registration is listed at every date of the series, as it was.
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


class RegistrationChanged(Schema):
    #: The pseudonymous reference: upper-case hex, random per registration.
    ref = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-F]{6,12}$"))
    event_id = fields.UUID(required=True)
    #: The occurrence's start (as the rule gives it) in UTC ISO 8601; empty for a registration for the whole series.
    occurrence = fields.String(required=True, validate=validate.Length(max=40))
    people = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100))
    status = fields.String(required=True, validate=validate.OneOf(("waiting", "confirmed", "cancelled", "expired")))
    #: For a registration for the whole series: the start (as the rule gives it) of the first date it covers, in UTC
    #: ISO 8601 as ``occurrence``. Empty for a registration for one date, and absent from older messages.
    series_from = fields.String(required=False, load_default="", validate=validate.Length(max=40))


register("registration.changed", "notify", RegistrationChanged())
