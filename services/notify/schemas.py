"""marshmallow schemas of the notify HTTP API."""

from marshmallow import Schema, fields, validate

from services.messaging.fields import UtcDateTime, email_field, one_line, phone_field
from services.messaging.messages.events import EVENT_AUDIENCES
from services.messaging.models import DISTRICT_SLUG_LENGTH
from services.notify.models.notices import KINDS, STATUSES
from services.notify.models.subscribers import FREQUENCIES, LANGUAGES

CHOICE_DOC = "Empty, or [\"all\"], means all."


class PreferencesSchema(Schema):
    districts = fields.List(one_line(DISTRICT_SLUG_LENGTH, min_length=1), load_default=list,
                            validate=validate.Length(max=100),
                            metadata={"description": f"District slugs (see the partners service). {CHOICE_DOC}"})
    audiences = fields.List(fields.String(validate=validate.OneOf((*EVENT_AUDIENCES, "all"))), load_default=list,
                            metadata={"description": f"Audiences of the events service's list. {CHOICE_DOC}"})
    frequency = fields.String(load_default="immediate", validate=validate.OneOf(FREQUENCIES))
    reminders = fields.Boolean(load_default=False, metadata={"description": "A reminder a day before each event."})
    language = fields.String(load_default="pl", validate=validate.OneOf(LANGUAGES))


class SubscribeSchema(PreferencesSchema):
    email = email_field(required=True)
    consent = fields.Boolean(required=True, validate=validate.Equal(True, error="Consent must be given (true)."),
                             metadata={"description": "Must be true: agreement to the text of GET .../consent."})


class AddressSchema(Schema):
    email = email_field(required=True)


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


# --- registrations -----------------------------------------------------------------------------------------------

class RegistrationFields(Schema):
    """What a registration says; the occurrence is a date of the series (its start, ISO 8601, Warsaw time without
    an offset), left out for a single event or a series registered as a whole."""

    occurrence = one_line(40, min_length=1, metadata={"description": "The date's start, e.g. 2027-03-30T17:00:00."})
    name = one_line(200, min_length=1, required=True, metadata={"description": "Who comes (one name is enough)."})
    people = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1, max=50),
                            metadata={"description": "How many people come, within the event's limit."})
    language = fields.String(load_default="pl", validate=validate.OneOf(LANGUAGES))


class RegisterSchema(RegistrationFields):
    """A resident's own registration: by e-mail, with consent; confirmed by the link the mail carries."""

    event_id = fields.UUID(required=True)
    email = email_field(required=True)
    consent = fields.Boolean(required=True, validate=validate.Equal(True, error="Consent must be given (true)."),
                             metadata={"description": "Must be true: agreement to GET .../consent's text."})


class StaffRegisterSchema(RegistrationFields):
    """A registration made by staff on someone's behalf (by phone, in person): e-mail, phone or no contact."""

    contact = fields.String(load_default="none", validate=validate.OneOf(("email", "phone", "none")))
    email = email_field()
    phone = phone_field(30)
    consent = fields.Boolean(required=True, validate=validate.Equal(True, error="Consent must be given (true)."),
                             metadata={"description": "The person agreed (told the consent text)."})


class RegisteredSchema(Schema):
    status = fields.String(metadata={"description": "confirmed, or waiting (on the waiting list)."})
    position = fields.Integer(allow_none=True, metadata={"description": "Place on the waiting list (1: next)."})
    message = fields.String()


class StaffRegisteredSchema(RegisteredSchema):
    id = fields.Integer()


class RegistrationSettingsSchema(Schema):
    whole_series = fields.Boolean(metadata={"description": "One registration for every date of the series."})
    max_people = fields.Integer(strict=True, validate=validate.Range(min=1, max=50),
                                metadata={"description": "How many people one registration may bring."})


class ListQuerySchema(Schema):
    occurrence = one_line(40, min_length=1, metadata={"description": "Only this date (its start)."})


class RegistrationRowSchema(Schema):
    id = fields.Integer()
    name = fields.String(allow_none=True)
    people = fields.Integer()
    status = fields.String()
    position = fields.Integer(allow_none=True)
    contact = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    ref = fields.String(allow_none=True, metadata={
        "description": "The pseudonymous reference the programme's roll call shows in place of the name."})
    verified = fields.Boolean(metadata={"description": "The address confirmed (always true for staff's)."})
    by_staff = fields.Boolean()
    created_at = UtcDateTime()


class DateListSchema(Schema):
    occurrence = fields.String(metadata={"description": "The date's start in UTC; empty: the whole series."})
    starts_at = UtcDateTime()
    capacity = fields.Integer(allow_none=True)
    confirmed = fields.Integer(metadata={"description": "Places taken by confirmed registrations."})
    places_left = fields.Integer(allow_none=True)
    over_capacity = fields.Integer(metadata={"description": "Confirmed places beyond a lowered capacity."})
    waiting = fields.Integer(metadata={"description": "People on the waiting list."})
    cancelled = fields.Boolean(metadata={"description": "The date will not happen (the event cancelled, or the date "
                                                        "cancelled, skipped or left out of the series): it holds no "
                                                        "places; its people with an address were told."})
    confirmed_list = fields.List(fields.Nested(RegistrationRowSchema))
    waiting_list = fields.List(fields.Nested(RegistrationRowSchema))
