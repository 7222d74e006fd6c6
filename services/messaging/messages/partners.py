"""Messages published by the partners service. Each carries the full public snapshot of its record."""

from marshmallow import Schema, fields, validate

from services.messaging.registry import register


class DistrictSnapshot(Schema):
    id = fields.Integer(required=True, strict=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    slug = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$"))
    #: Increases on every change, so a replica can ignore a snapshot older than the one it holds.
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


for _name in ("district.created", "district.updated", "district.deleted"):
    register(_name, "partners", DistrictSnapshot())
