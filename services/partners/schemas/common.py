"""Fields the partners schemas share."""

from flask import g
from marshmallow import Schema, ValidationError, fields, post_dump, pre_load, validate

#: The largest id PostgreSQL's integer columns hold; a bigger one could name no record.
MAX_ID = 2**31 - 1

SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Use lowercase ASCII letters, digits and hyphens.")


def optional(field_class, **kwargs):
    """A field that may be left out or set to null (to clear it)."""
    return field_class(allow_none=True, **kwargs)


def slug_field(**kwargs) -> fields.String:
    return fields.String(validate=SLUG, **kwargs)


def record_id(**kwargs) -> fields.Integer:
    """The id of another record, in the range the database holds."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class InputSchema(Schema):
    """Refuses NUL characters, which PostgreSQL cannot store, with a 422 naming the field."""

    @pre_load
    def _refuse_nul(self, data, **_kwargs):
        if isinstance(data, dict):
            bad = {name: ["Text may not contain NUL characters."] for name, value in data.items() if _has_nul(value)}
            if bad:
                raise ValidationError(bad)
        return data


class ListArgs(Schema):
    """Query filter of a list: by district (slug)."""

    district = slug_field(metadata={"description": "Only those in this district (its slug)."})


class PrivateFieldsSchema(InputSchema):
    """Drops the fields in ``PRIVATE`` unless the view has said the caller may see them (``g.show_private``)."""

    PRIVATE: tuple[str, ...] = ()

    @post_dump
    def _hide_private(self, data, **_kwargs):
        if not g.get("show_private"):
            for name in self.PRIVATE:
                data.pop(name, None)
        return data


def update_schema(schema_class: type[Schema]) -> type[Schema]:
    """The same schema for PATCH: every field optional. A class of its own, so OpenAPI names it apart."""

    class Update(schema_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, partial=True, **kwargs)

    base_name = schema_class.__name__.removesuffix("Schema")
    Update.__name__ = Update.__qualname__ = f"{base_name}UpdateSchema"
    return Update
