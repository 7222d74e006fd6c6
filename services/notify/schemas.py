"""marshmallow schemas of the notify HTTP API."""

from marshmallow import Schema, fields, validate

from services.messaging.fields import UtcDateTime, one_line
from services.messaging.messages.events import EVENT_AUDIENCES
from services.notify.models.notices import KINDS, STATUSES
from services.notify.models.subscribers import FREQUENCIES, LANGUAGES

CHOICE_DOC = "Empty, or [\"all\"], means all."


class PreferencesSchema(Schema):
    districts = fields.List(one_line(100, min_length=1), load_default=list, validate=validate.Length(max=100),
                            metadata={"description": f"District slugs (see the partners service). {CHOICE_DOC}"})
    audiences = fields.List(fields.String(validate=validate.OneOf((*EVENT_AUDIENCES, "all"))), load_default=list,
                            metadata={"description": f"Audiences of the events service's list. {CHOICE_DOC}"})
    frequency = fields.String(load_default="immediate", validate=validate.OneOf(FREQUENCIES))
    reminders = fields.Boolean(load_default=False, metadata={"description": "A reminder a day before each event."})
    language = fields.String(load_default="pl", validate=validate.OneOf(LANGUAGES))


class SubscribeSchema(PreferencesSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    consent = fields.Boolean(required=True, validate=validate.Equal(True, error="Consent must be given (true)."),
                             metadata={"description": "Must be true: agreement to the text of GET .../consent."})


class AddressSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))


class AcceptedSchema(Schema):
    status = fields.String()
    message = fields.String()


class ConsentSchema(Schema):
    version = fields.String()
    pl = fields.String()
    en = fields.String()


class NoticeSchema(Schema):
    id = fields.Integer()
    subscriber_id = fields.Integer()
    event_id = fields.String(allow_none=True)
    sequence = fields.Integer()
    kind = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    message_id = fields.String(allow_none=True)
    created_at = UtcDateTime()
    next_attempt_at = UtcDateTime()
    sent_at = UtcDateTime(allow_none=True)


class NoticeQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    kind = fields.String(validate=validate.OneOf(KINDS))
