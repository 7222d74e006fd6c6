"""HTTP schemas of the partners API."""

from marshmallow import Schema, fields, validate


class DistrictSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    slug = fields.String(
        validate=validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Use lowercase ASCII letters, digits and hyphens."),
        metadata={"description": "ASCII form for URLs; made from the name when left out."},
    )
    version = fields.Integer(dump_only=True)


class DistrictUpdateSchema(DistrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=100))
