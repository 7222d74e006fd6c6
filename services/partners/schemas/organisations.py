"""HTTP schemas of organisations, people and API keys."""

from marshmallow import fields, validate

from services.messaging.fields import Digits, email_field, one_line, phone_field, web_address
from services.messaging.messages.partners import API_KEY_SCOPES, ORGANISATION_KINDS
from services.messaging.models import EMAIL_LENGTH, KRS_LENGTH, NAME_LENGTH, PHONE_LENGTH, SLUG_LENGTH, WEBSITE_LENGTH
from services.partners.schemas.common import InputSchema, NamedWithSlug, optional, record_id, slug_field


class OrganisationSchema(NamedWithSlug):
    id = fields.Integer(dump_only=True)
    name = one_line(NAME_LENGTH, min_length=1, required=True)
    slug = slug_field(SLUG_LENGTH, metadata={"description": "ASCII form for URLs; made from the name when left out."})
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    krs = optional(fields.String, validate=Digits(KRS_LENGTH, error="A KRS number is exactly 10 digits."),
                   metadata={"description": "The NGO register number."})
    email = optional(email_field, max_length=EMAIL_LENGTH)
    phone = optional(phone_field, max_length=PHONE_LENGTH)
    website = optional(web_address, max_length=WEBSITE_LENGTH)
    needs_review = fields.Boolean(load_default=False, metadata={
        "description": "MOPS reviews the organisation's events before they are published; false: trusted."})
    version = fields.Integer(dump_only=True)


class PersonSchema(InputSchema):
    id = fields.Integer(dump_only=True)
    name = one_line(200, min_length=1, required=True)
    email = optional(email_field, max_length=EMAIL_LENGTH)
    phone = optional(phone_field, max_length=PHONE_LENGTH)
    organisation_id = optional(record_id, strict=True, metadata={
        "description": "The organisation this person is the contact person of: its partner meeting e-mails go to "
                       "this person's address (one per organisation). Never published."})
    version = fields.Integer(dump_only=True)


class ApiKeyArgs(InputSchema):
    scopes = fields.List(fields.String(validate=validate.OneOf(API_KEY_SCOPES)), validate=validate.Length(min=1),
                         metadata={"description": "What the key may do; events and meetings when left out."})


class ApiKeySchema(InputSchema):
    """A key as listed: never the key or its hash."""

    id = fields.Integer(dump_only=True)
    organisation_id = fields.Integer(dump_only=True, allow_none=True)
    prefix = fields.String(dump_only=True)
    scopes = fields.List(fields.String(), dump_only=True)
    issued_at = fields.AwareDateTime(dump_only=True)
    revoked_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class IssuedKeySchema(ApiKeySchema):
    key = fields.String(dump_only=True, metadata={"description": "The key itself, shown this once only."})
