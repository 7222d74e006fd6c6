"""Request guards every service shares, so that careless or hostile input gets a 4xx naming what is wrong, never a 500.

- ``authenticate_writes`` (installed by the app factory from the service's ``require_caller``, before its parts)
  answers a write to the API without valid credentials with 401, ahead of input checks (422) and ETags (428).
- ``install`` (called once from ``web.init_app``) checks what can be checked before a view runs: the body's size
  (413), the query string (control characters, 422) and ids in the path past what a database column holds (404).
  ``install_body_check`` (called by the app factory after the service's parts, so after its authentication: 401
  first) refuses a write whose body is not JSON (415). It also gives the OpenAPI document its one ``bearer`` scheme and
  makes every operation declare its security (``DeclaredSecurity``).
- ``Blueprint`` parses JSON bodies with ``GuardedParser``: nesting past ``MAX_DEPTH``, lone surrogates and NUL
  characters get a 422 naming the field. It runs when a view's arguments are parsed, so after the service's own
  authentication (401 before 422). It also bounds ``page`` and documents ``X-Pagination`` as what it is: a string of
  JSON.
"""

import json
import re
from collections.abc import Callable
from functools import wraps

from apispec import BasePlugin
from flask import Flask, request
from flask_smorest import Api, abort
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import fields, validate
from sqlalchemy import func, select
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from services.messaging.fields import MAX_ID

#: A request body larger than this gets 413, unless the service sets its own MAX_CONTENT_LENGTH.
DEFAULT_MAX_BYTES = 256 * 1024
#: No OSL schema nests more than a few levels; deeper JSON is refused before it costs a recursion.
MAX_DEPTH = 16
WRITES = ("POST", "PUT", "PATCH", "DELETE")
#: What a query value may never hold: NUL (PostgreSQL cannot store it) and the other C0 controls but tab.
_QUERY_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


#: Security requirements an operation can declare (``blp.doc(security=...)``).
BEARER = [{"bearer": []}]
PUBLIC: list = []
#: Anyone; a key may show more (a partnership's own events, private fields to an administrator).
OPTIONAL_KEY = [{}, {"bearer": []}]


def install(app: Flask, api: Api) -> None:
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit
        app.config["MAX_CONTENT_LENGTH"] = DEFAULT_MAX_BYTES
    app.before_request(_guard_request)
    api.spec.components.security_scheme("bearer", {
        "type": "http", "scheme": "bearer",
        "description": "Authorization: Bearer <token>. Which tokens an operation takes (the admin token, an admin "
                       "key, an organisation's API key) is in its description."})
    plugin = DeclaredSecurity()
    plugin.init_spec(api.spec)
    api.spec.plugins.append(plugin)


class DeclaredSecurity(BasePlugin):
    """Every operation in the OpenAPI document says what credentials it needs: a write needs a bearer token, a read
    takes one optionally, unless the operation declares otherwise."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            if method.upper() in WRITES:
                operation.setdefault("security", BEARER)
            elif method.upper() == "GET":
                operation.setdefault("security", OPTIONAL_KEY)


def authenticate_writes(app: Flask, require_caller: Callable[[], object]) -> None:
    """Before any write to the API (``/api/``): ``require_caller()``, the service's own check of the bearer
    credentials, which aborts 401 without valid ones; so that 401 comes ahead of input checks (422) and ETags (428)."""
    def guard() -> None:
        if request.method in WRITES and request.path.startswith("/api/"):
            require_caller()

    app.before_request(guard)


def install_body_check(app: Flask) -> None:
    """The content type of the API's writes (415), checked after everything the service registered before it: the
    app factory calls this after the service's parts, so that their authentication answers first (401 before 415)."""
    app.before_request(_check_write_body)


def _check_write_body() -> None:
    if request.path.startswith("/api/") and request.method in WRITES:
        _check_content_type()


def _guard_request():
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413, message=f"The request body is larger than this service takes ({limit} bytes).")
    _check_query()
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            abort(404, message=f"No record with {name} {value}.")


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def _check_content_type() -> None:
    """A write's body is JSON or nothing; a change (PATCH, PUT) must send one: a form or text/plain is never taken as
    an empty change."""
    if _has_body() and not is_json_request(request):
        abort(415, message="Send the body as JSON, with Content-Type: application/json.")
    if request.method in ("PATCH", "PUT") and not _has_body():
        abort(415, message="Send the change as a JSON body, with Content-Type: application/json.")


def _check_query() -> None:
    errors = {}
    for name, value in request.args.items(multi=True):
        if _QUERY_CONTROL.search(name) or _QUERY_CONTROL.search(value):
            errors[name] = ["A query value may not contain control characters."]
        elif _SURROGATE.search(value):
            errors[name] = ["Not valid Unicode."]
    if errors:
        abort(422, message=f"{', '.join(errors)}: bad query value.", errors={"query": errors})


def _problems(value, depth: int = 1):
    """The first problem in a parsed JSON value: (path, message), or None."""
    if depth > MAX_DEPTH:
        return (), f"JSON may not nest deeper than {MAX_DEPTH} levels."
    if isinstance(value, str):
        if "\x00" in value:
            return (), "Text may not contain NUL characters."
        if _SURROGATE.search(value):
            return (), "Not valid Unicode: the text holds a lone surrogate."
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and (problem := _problems(key, depth)) is not None:
            return (key,), problem[1]
        if (problem := _problems(item, depth + 1)) is not None:
            return (str(key), *problem[0]), problem[1]
    return None


def _nested(path: tuple[str, ...], message: str):
    """{"a": {"b": [message]}} for the path a.b, the shape marshmallow gives a nested field's error."""
    errors = [message]
    for part in reversed(path or ("_schema",)):
        errors = {part: errors}
    return errors


class GuardedParser(FlaskParser):
    """webargs' Flask parser, refusing JSON that is nested too deep or holds NUL or lone surrogates (422)."""

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        reason = "not UTF-8" if isinstance(error, UnicodeDecodeError) else "not valid JSON"
        abort(400, message=f"The body is {reason}.", errors={"json": {"_schema": [f"The body is {reason}."]}})

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        try:
            data = core.parse_json(req.get_data(cache=True))
        except RecursionError:
            data, problem = None, ((), f"JSON may not nest deeper than {MAX_DEPTH} levels.")
        except json.JSONDecodeError:
            raise  # webargs' own handling: an empty body is no body, anything else a 400
        except ValueError as exc:  # a number of more than 4,300 digits
            self._handle_invalid_json_error(exc, req)
        else:
            problem = _problems(data)
        if problem is not None:
            path, message = problem
            abort(422, message=f"{'.'.join(path) or 'body'}: {message}", errors={"json": _nested(path, message)})
        return data


PAGINATION_HEADER = {
    "description": "Pagination metadata, a JSON object as a string: total, total_pages, first_page, last_page, "
                   "page, previous_page, next_page (integers).",
    "schema": {"type": "string"},
}


class Blueprint(SmorestBlueprint):
    """flask-smorest's Blueprint with the guarded JSON parser, a bounded page number and a true X-Pagination doc."""

    ARGUMENTS_PARSER = GuardedParser()
    PAGINATION_ARGUMENTS_PARSER = GuardedParser()

    def paginate(self, pager=None, **kwargs):
        paginated = super().paginate(pager, **kwargs)

        def decorator(func):
            view = paginated(func)
            parameters = view._apidoc["pagination"]["parameters"]

            class PaginationParametersSchema(parameters["schema"]):
                # A page past what an offset can hold is refused, and documented so.
                page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_ID))

            parameters["schema"] = PaginationParametersSchema

            @wraps(view)
            def bounded(*args, **view_kwargs):
                self.PAGINATION_ARGUMENTS_PARSER.parse(PaginationParametersSchema, request, location="query")
                return view(*args, **view_kwargs)

            return bounded

        return decorator

    def page_of(self, schema: type, query: type | None = None, **doc):
        """A list view's decorators: one page of ``schema`` (200, X-Pagination), filtered by the ``query`` schema's
        arguments if it has any, with ``doc`` (``security=...``) in the OpenAPI. The view takes the query arguments,
        if any, then ``pagination_parameters``."""

        def decorator(func):
            view = self.response(200, schema(many=True))(self.paginate()(func))
            if query is not None:
                view = self.arguments(query, location="query")(view)
            return self.doc(**doc)(view) if doc else view

        return decorator

    def _document_pagination_metadata(self, spec, resp_doc):
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = PAGINATION_HEADER


def one_page(session, query, pagination_parameters) -> list:
    """The rows of one page of ``query`` (a select, in its order), counting them all for ``X-Pagination``."""
    pagination_parameters.item_count = session.scalar(select(func.count()).select_from(query.subquery()))
    return session.scalars(query.offset(pagination_parameters.first_item)
                           .limit(pagination_parameters.page_size)).all()
