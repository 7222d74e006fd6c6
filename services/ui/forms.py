"""What a form's fields take, from the schema that checks what the form posts: a page's ``maxlength`` is then the
schema's bound, never a second copy of it.

A view passes ``limits=max_lengths(TheSchema)`` and its template writes ``maxlength="{{ limits.title }}"``.
"""

from marshmallow import Schema, fields, validate


def max_lengths(schema: Schema | type[Schema]) -> dict[str, int]:
    """The longest text each field of ``schema`` (a class or an instance) takes, from its ``validate.Length``
    validators (the smallest ``max`` or ``equal`` of them), keyed by the name a form posts it under (the field's
    ``data_key``, else its name). Only text fields a load takes: the Length of a list counts its items, and a field
    with no Length has no entry."""
    if isinstance(schema, type):
        schema = schema()
    limits = {}
    for name, field in schema.load_fields.items():
        if not isinstance(field, fields.String):
            continue
        bounds = [bound for validator in field.validators if isinstance(validator, validate.Length)
                  for bound in (validator.equal, validator.max) if bound is not None]
        if bounds:
            limits[field.data_key or name] = min(bounds)
    return limits
