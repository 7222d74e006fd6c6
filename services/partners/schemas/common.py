"""Fields the partners schemas share."""

from flask import g
from marshmallow import Schema, ValidationError, fields, post_dump, validate, validates_schema

from services.messaging.fields import MAX_ID, record_id
from services.messaging.models import DISTRICT_SLUG_LENGTH

__all__ = ["MAX_ID", "record_id", "optional", "slug_field", "InputSchema", "NamedWithSlug", "ListArgs",
           "PrivateFieldsSchema", "update_schema"]

SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Use lowercase ASCII letters, digits and hyphens.")


def optional(field_class, **kwargs):
    """A field that may be left out or set to null (to clear it)."""
    return field_class(allow_none=True, **kwargs)


def slug_field(max_length: int, **kwargs) -> fields.String:
    """A slug: a district's (``DISTRICT_SLUG_LENGTH``), or a centre's or an organisation's (``SLUG_LENGTH``). No
    default: an input naming a centre by the shorter district bound would refuse the longest centre slug."""
    return fields.String(validate=[validate.Length(max=max_length), SLUG], **kwargs)


class InputSchema(Schema):
    """The base of the partners' schemas. NUL characters, lone surrogates and deep nesting are refused for every
    service when the body is parsed (services.messaging.http_guards); text fields refuse other control characters
    (services.messaging.fields)."""


class NamedWithSlug(InputSchema):
    """A record whose slug is made from its name when left out: a name that gives no slug ("★★★") is refused."""

    @validates_schema
    def _name_gives_a_slug(self, data, **_kwargs):
        from services.partners.operations.common import make_slug

        if not data.get("slug") and data.get("name") is not None and not make_slug(data["name"]):
            raise ValidationError("This name has no letters or digits to make a slug of; give a slug.", "name")


class ListArgs(Schema):
    """Query filter of a list: by district (slug)."""

    district = slug_field(DISTRICT_SLUG_LENGTH, metadata={"description": "Only those in this district (its slug)."})


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
