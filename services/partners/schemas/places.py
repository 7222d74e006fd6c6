"""HTTP schemas of districts and centres."""

from marshmallow import fields, validate

from services.messaging.fields import email_field, one_line, phone_field, web_address
from services.messaging.messages.partners import CENTRE_KINDS
from services.messaging.models import (
    ADDRESS_LENGTH,
    DISTRICT_NAME_LENGTH,
    DISTRICT_SLUG_LENGTH,
    EMAIL_LENGTH,
    NAME_LENGTH,
    OPENING_HOURS_LENGTH,
    PHONE_LENGTH,
    SLUG_LENGTH,
    WEBSITE_LENGTH,
)
from services.partners.schemas.common import NamedWithSlug, optional, record_id, slug_field


class DistrictSchema(NamedWithSlug):
    id = fields.Integer(dump_only=True)
    name = one_line(DISTRICT_NAME_LENGTH, min_length=1, required=True)
    slug = slug_field(DISTRICT_SLUG_LENGTH,
                      metadata={"description": "ASCII form for URLs; made from the name when left out."})
    version = fields.Integer(dump_only=True)


class DistrictUpdateSchema(DistrictSchema):
    name = one_line(DISTRICT_NAME_LENGTH, min_length=1)


class CentreSchema(NamedWithSlug):
    id = fields.Integer(dump_only=True)
    name = one_line(NAME_LENGTH, min_length=1, required=True)
    slug = slug_field(SLUG_LENGTH, metadata={"description": "ASCII form for URLs; made from the name when left out."})
    kind = fields.String(required=True, validate=validate.OneOf(CENTRE_KINDS))
    district = slug_field(DISTRICT_SLUG_LENGTH, required=True, attribute="district_slug",
                          metadata={"description": "The district's slug."})
    district_id = fields.Integer(dump_only=True)
    operator_id = optional(record_id, metadata={"description": "The organisation that runs it."})
    address = optional(one_line, max_length=ADDRESS_LENGTH)
    opening_hours = optional(one_line, max_length=OPENING_HOURS_LENGTH,
                             metadata={"description": "As people write it, e.g. 'pon.–pt. 9:00–17:00'."})
    email = optional(email_field, max_length=EMAIL_LENGTH)
    phone = optional(phone_field, max_length=PHONE_LENGTH)
    website = optional(web_address, max_length=WEBSITE_LENGTH)
    started_year = optional(fields.Integer, strict=True, validate=validate.Range(min=1990, max=2100))
    latitude = optional(fields.Float, validate=validate.Range(min=-90, max=90))
    longitude = optional(fields.Float, validate=validate.Range(min=-180, max=180))
    version = fields.Integer(dump_only=True)
