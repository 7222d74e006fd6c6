"""What the write endpoints' OpenAPI documents say, read for test_every_write.py and test_write_refusals.py.

The write operations of each app's document, the request body schema of one, and the bad values of each of its
fields: every string field gets NUL, a control character, CR/LF (unless the field is multi-line), a lone surrogate, a
value past its length; every date a year outside 1900-2200; every integer a value past its column; every field JSON
nested past the depth.
"""

from services.messaging.fields import MAX_ID, MULTI_LINE

WRITES = ("post", "put", "patch", "delete")


def nested(depth: int):
    value = "x"
    for _ in range(depth):
        value = {"a": value}
    return value


def documents(apps) -> dict[str, dict]:
    return {name: app.test_client().get("/openapi.json").json for name, app in apps.items()}


def operations(documents) -> dict[tuple[str, str, str], dict]:
    return {(service, method, path): operation for service, document in documents.items()
            for path, operations in document["paths"].items()
            for method, operation in operations.items() if method in WRITES}


def _resolve(document, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(document, schema["allOf"][0])
    return schema


def body_schema(document, operation) -> dict | None:
    body = operation.get("requestBody")
    if body is None:
        return None
    return _resolve(document, body["content"]["application/json"]["schema"])


def _bad_strings(name: str, schema: dict) -> list[tuple[str, object]]:
    values = [("NUL", "Zebranie\x00"), ("control character", "Zebranie\x07"), ("lone surrogate", "\ud800"),
              ("past its length", "x" * (schema["maxLength"] + 1) if "maxLength" in schema else "x" * 20_000)]
    if schema.get("pattern") != MULTI_LINE:
        values += [("CR/LF", "Zebranie\r\nBcc: evil@example.org"), ("tab", "Zebranie\tczłonków")]
    if schema.get("format") == "date" or name.endswith("_on"):
        values += [("year 1899", "1899-12-31"), ("year 2201", "2201-01-01"), ("year 1", "0001-01-01"),
                   ("year 9999", "9999-12-31")]
    elif schema.get("format") == "date-time" or name.endswith("_at"):
        values += [("year 1899", "1899-12-31T12:00:00+01:00"), ("year 2201", "2201-01-01T12:00:00+01:00"),
                   ("year 1", "0001-01-01T00:00:00"), ("year 9999", "9999-12-31T23:59:59+14:00")]
    return values


def bad_values(document, name: str, schema: dict, base) -> list[tuple[str, object]]:
    """(label, bad value) for the field ``name``; a list or object in the valid body is searched for its fields."""
    schema = _resolve(document, schema)
    values = [("nested past the depth", nested(40))]
    kind = schema.get("type")
    if kind == "string":
        values += _bad_strings(name, schema)
    elif kind == "integer":
        values += [("past its column", schema.get("maximum", MAX_ID) + 1), ("past 64 bits", 10**30),
                   ("below its range", schema.get("minimum", 0) - 1)]
    elif kind == "number" and "maximum" in schema:
        values += [("past its range", schema["maximum"] + 1)]
    elif kind == "array":
        items = _resolve(document, schema.get("items", {}))
        if isinstance(base, list) and base and isinstance(base[0], dict):
            for label, value in _object_values(document, items, base[0]):
                values.append((label, [value]))
        elif items.get("type") == "string" or name == "exdates":
            values += [(label, [value]) for label, value in _bad_strings(name, items)]
        elif items.get("type") == "integer":
            values += [("past its column", [MAX_ID + 1]), ("past 64 bits", [10**30])]
    elif isinstance(base, dict):
        values += _object_values(document, schema, base)
    return values


def _object_values(document, schema, base: dict) -> list[tuple[str, object]]:
    """Bad values of a whole object: each of its fields made bad in turn, in a copy of the valid ``base``."""
    out = []
    for name, sub in (schema.get("properties") or {}).items():
        if _resolve(document, sub).get("readOnly"):
            continue
        for label, value in bad_values(document, name, sub, base.get(name)):
            out.append((f"{name}: {label}", {**base, name: value}))
    return out


def fields(document, schema: dict, base: dict) -> dict[str, dict]:
    fields = {name: _resolve(document, sub) for name, sub in (schema.get("properties") or {}).items()
              if not _resolve(document, sub).get("readOnly")}
    if not fields:  # a free-form object (events' registration is documented as {}); probe what the valid body has
        fields = {name: {} for name in base}
    return fields
