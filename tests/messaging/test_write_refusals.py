"""Each write endpoint of the table in test_every_write.py, each bad input kind.

The bad values are derived from each endpoint's documented request body (openapi_writes.py). Each must get a 4xx
whose ``errors.json`` names the field. Then, per endpoint: a body that is not JSON is 415; no credentials is 401 even
with a bad body; a change that documents 428 without If-Match is 428; another organisation's record with a stale
If-Match is 403, not 412; a name with nothing to make a slug of is 422 where a slug is made. Last, the row's valid
request succeeds, so the bad values were the only thing wrong.
"""

import json

import pytest

from tests.messaging.openapi_writes import bad_values as _bad_values
from tests.messaging.openapi_writes import body_schema as _body_schema
from tests.messaging.openapi_writes import documents as _documents
from tests.messaging.openapi_writes import fields as _fields
from tests.messaging.openapi_writes import operations as _operations
from tests.messaging.test_every_write import Row, fixed_clock, world  # noqa: F401 (the table and its fixtures)

#: Bodies that are not what JSON or the service takes: (label, the raw body, the statuses that may answer it).
RAW_BODIES = [
    ("JSON nested 5,000 deep", b"[" * 5000 + b"]" * 5000, {422}),
    ("not UTF-8", b'{"name": "\xff"}', {400}),
    ("past the body limit", b'{"name": "' + b"x" * (2 << 20) + b'"}', {413}),
    ("a number of 5,000 digits", b'{"name": ' + b"9" * 5000 + b"}", {400}),
    ("NaN", b'{"name": NaN}', {400, 422}),
    ("not JSON", b'{"name": ', {400}),
]


def _send(app, method: str, row: Row, body=None, headers=None, raw: bytes | None = None,
          content_type="application/json"):
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    return getattr(app.test_client(), method)(row.path, data=data, content_type=content_type if data else None,
                                              headers=headers if headers is not None else _change(method, row))


def _change(method: str, row: Row) -> dict:
    return {**row.headers, "If-Match": "*"} if method in ("put", "patch", "delete") else row.headers


def _answer(response) -> str:
    return response.get_data(as_text=True)[:300]


def test_each_bad_value_in_each_field_of_each_write_is_a_4xx_naming_the_field(world):  # noqa: F811
    apps, table = world
    documents = _documents(apps)
    failures, sent = [], 0
    for (service, method, template), operation in _operations(documents).items():
        row = table[(service, method, template)]
        schema = _body_schema(documents[service], operation)
        if schema is None:
            continue
        for name, sub in _fields(documents[service], schema, row.body).items():
            for label, value in _bad_values(documents[service], name, sub, row.body.get(name)):
                response = _send(apps[service], method, row, {**row.body, name: value})
                sent += 1
                errors = (response.get_json(silent=True) or {}).get("errors", {}).get("json", {})
                named = name in errors or any(key.startswith(f"{name}.") for key in errors)
                if response.status_code not in (400, 404, 409, 422) or not named:
                    failures.append(f"{method.upper()} {template} {name} {label}: {response.status_code} "
                                    f"{_answer(response)}")
    assert failures == [], f"{len(failures)} of {sent}:\n" + "\n".join(failures)


def test_each_write_refuses_what_is_not_json_asks_for_credentials_first_and_takes_its_valid_request(
        world):  # noqa: F811 (the imported fixture)
    apps, table = world
    documents = _documents(apps)
    failures = []
    operations = _operations(documents)
    for (service, method, template), operation in operations.items():
        row, app = table[(service, method, template)], apps[service]
        where = f"{method.upper()} {template}"
        for label, raw, content_type in [("text/plain", b'{"name": "x"}', "text/plain"),
                                         ("form", b"name=x", "application/x-www-form-urlencoded")]:
            response = _send(app, method, row, raw=raw, content_type=content_type)
            if response.status_code != 415:
                failures.append(f"{where} {label}: {response.status_code}, not 415")
        if method in ("put", "patch"):  # a change with no body is never taken as an empty change
            response = _send(app, method, row)
            if response.status_code != 415:
                failures.append(f"{where} with no body: {response.status_code}, not 415")
        if _body_schema(documents[service], operation) is not None:
            for label, raw, expected in RAW_BODIES:
                response = _send(app, method, row, raw=raw)
                body = response.get_json(silent=True) or {}
                if response.status_code not in expected or not (body.get("message") or body.get("errors")):
                    failures.append(f"{where} {label}: {response.status_code}, not {expected}: {_answer(response)}")
        if operation.get("security") != []:
            bad = b'{"title": "\\u0000", "name": ' + b"[" * 5000 + b"]" * 5000 + b"}"
            for label, headers, refused in [("no credentials", {}, {401}),
                                            ("an unknown key", {"Authorization": "Bearer osl_nope"}, {401})]:
                for body in ([None, bad] if method != "delete" else [None]):
                    response = _send(app, method, row, raw=body, headers={**headers, "If-Match": "*"})
                    if response.status_code not in refused:
                        failures.append(f"{where} {label}{' and a bad body' if body else ''}: "
                                        f"{response.status_code}, not {refused}: {_answer(response)}")
        if "428" in operation["responses"]:
            response = _send(app, method, row, row.body, headers=row.headers)
            if response.status_code != 428:
                failures.append(f"{where} without If-Match: {response.status_code}, not 428")
            parameters = [parameter.get("$ref", parameter.get("name")) for parameter in operation.get("parameters", [])]
            if not any("IF_MATCH" in str(parameter) or parameter == "If-Match" for parameter in parameters):
                failures.append(f"{where} answers 428 but does not document If-Match")
        if row.other is not None:
            response = _send(app, method, row, row.body, headers={**row.other, "If-Match": '"stale"'})
            refused = row.extra.get("other_status", 403)
            if response.status_code != refused:
                failures.append(f"{where} by another organisation, stale If-Match: {response.status_code}, "
                                f"not {refused}")
    for (service, method, template), row in table.items():
        if row.control and (service, method, template) in operations:
            response = _send(apps[service], method, row, row.body)
            if not 200 <= response.status_code < 300:
                failures.append(f"{method.upper()} {template} valid: {response.status_code} {_answer(response)}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("name", ["★★★", "...", "   ", "—"])
def test_a_name_with_nothing_to_make_a_slug_of_is_422_wherever_a_slug_is_made(world, name):  # noqa: F811
    """Wherever a record has a name and a slug made of it (districts, centres, organisations), by POST, PUT or PATCH."""
    apps, table = world
    documents = _documents(apps)
    failures, checked = [], 0
    for (service, method, template), operation in _operations(documents).items():
        schema = _body_schema(documents[service], operation)
        if schema is None or not {"name", "slug"} <= set(schema.get("properties", {})):
            continue
        row = table[(service, method, template)]
        response = _send(apps[service], method, row, {**row.body, "name": name})
        checked += 1
        if response.status_code != 422 or "name" not in response.json["errors"]["json"]:
            failures.append(f"{method.upper()} {template}: {response.status_code} {_answer(response)}")
    assert checked >= 9 and failures == [], failures
