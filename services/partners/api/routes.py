"""The views of a kind of record that admins write, made from a description (``Record``, ``Collection``): find it
or 404, check who may, compare If-Match with its version, run the operation, send the new ETag."""

from collections.abc import Callable
from dataclasses import dataclass

from flask.views import MethodView
from marshmallow import Schema
from sqlalchemy import select

from services.messaging.http_guards import BEARER
from services.messaging.web import version_etag
from services.partners.api.common import changing, get_or_404, page
from services.partners.auth import require_admin
from services.partners.operations import make_slug, slug_length
from services.partners.schemas.common import update_schema


def check_and_tag(blueprint, record) -> None:
    blueprint.check_etag(version_etag(record))


def update_item(blueprint, record, operation, data: dict):
    """PATCH and PUT: check If-Match against the record's version, apply the change, send the new ETag."""
    check_and_tag(blueprint, record)
    with changing() as session:
        operation(session, record, data)
    blueprint.set_etag(version_etag(record))
    return record


def replacement(schema_class, data: dict, **defaults) -> dict:
    """PUT replaces the whole record: a writable field left out goes back to its default (None unless given)."""
    fields = schema_class().load_fields.values()
    return {key: data.get(key, defaults.get(key)) for key in (field.attribute or field.name for field in fields)}


def slug_from_name(model) -> Callable[[dict], dict]:
    """PUT's default for a slug left out: made from the name, as long as ``model``'s slug may be."""
    return lambda data: {"slug": make_slug(data["name"], slug_length(model))}


def _no_check(*_args, **_keys) -> None:
    pass


def admin_only(**_keys) -> None:
    require_admin()


#: What PUT does with the fields left out, as ``admin_docs`` words it.
LEFT_OUT = {"emptied": ": fields left out are emptied", "defaults": ": fields left out go back to their defaults",
            None: ""}


def admin_docs(name: str, *, left_out: str | None, slug: bool = False, delete: str | None = None,
               article: str = "a", admin_reads: bool = False) -> dict[str, str]:
    """The OpenAPI summaries of a record that admins write: "Get one <name>", "Change a <name> (admin)",
    "Replace a <name>: fields left out are emptied (or: go back to their defaults); a slug left out is made from
    the name (admin)" and, if it may be deleted, "Delete a <name> <delete> (admin)"."""
    put = LEFT_OUT[left_out] + ("; a slug left out is made from the name" if slug else "")
    docs = {"get": f"Get one {name}" + (" (admin)" if admin_reads else ""),
            "patch": f"Change {article} {name} (admin)", "put": f"Replace {article} {name}{put} (admin)"}
    if delete:
        docs["delete"] = f"Delete {article} {name} {delete} (admin)"
    return docs


@dataclass(frozen=True)
class Record:
    """How one kind of record is read, changed, replaced and deleted at its own URL; ``route_record`` makes the view.

    Every such view shares one pattern: find the record or 404, check who may, compare If-Match with its version
    (428 without one, 412 when stale), run the operation, send the new ETag.
    """

    model: type
    #: Names the record in a 404: "No <label> with id 7."
    label: str
    #: The answer's schema, and the input of PUT unless ``input`` says otherwise.
    schema: type[Schema]
    #: The URL's parameters → the columns that find the record.
    keys: Callable[..., dict]
    #: A docstring (the OpenAPI summary) per method; a method without one is not offered.
    docs: dict[str, str]
    update: Callable | None = None
    delete: Callable | None = None
    input: type[Schema] | None = None
    #: PATCH's input, when it is not ``input`` with every field optional.
    patch_input: type[Schema] | None = None
    #: PUT replaces the whole record: the values of the writable fields left out (given what was sent).
    put_defaults: Callable[[dict], dict] = lambda data: {}
    #: Who may read and who may write, called with the URL's parameters; each aborts 401/403.
    may_read: Callable[..., None] = _no_check
    may_write: Callable[..., None] = admin_only
    #: Look the record up (404) before checking who may, rather than after.
    lookup_first: bool = False


def route_record(blueprint, rule: str, record: Record, name: str) -> None:
    """Add ``rule`` to ``blueprint`` with GET, and PATCH, PUT and DELETE as ``record`` offers them."""
    input_schema = record.input or record.schema
    patch_schema = record.patch_input or update_schema(input_schema)

    def find(check, keys: dict):
        if not record.lookup_first:
            check(**keys)
        row = get_or_404(record.model, record.label, **record.keys(**keys))
        if record.lookup_first:
            check(**keys)
        return row

    def get(self, **keys):
        row = find(record.may_read, keys)
        blueprint.set_etag(version_etag(row))
        return row

    def patch(self, data, **keys):
        return update_item(blueprint, find(record.may_write, keys), record.update, data)

    def put(self, data, **keys):
        row = find(record.may_write, keys)
        values = replacement(input_schema, data, **record.put_defaults(data))
        return update_item(blueprint, row, record.update, values)

    def delete(self, **keys):
        row = find(record.may_write, keys)
        check_and_tag(blueprint, row)
        with changing() as session:
            record.delete(session, row)

    methods = {"get": (get, None, 200, record.schema)}
    if record.update is not None:
        methods["patch"] = (patch, patch_schema, 200, record.schema)
        methods["put"] = (put, input_schema, 200, record.schema)
    if record.delete is not None:
        methods["delete"] = (delete, None, 204, None)
    view = {}
    for method, (function, arguments, status, schema) in methods.items():
        if method not in record.docs:
            continue
        function.__doc__ = record.docs[method]
        function = blueprint.response(status, schema)(function) if schema else blueprint.response(status)(function)
        if arguments is not None:
            function = blueprint.arguments(arguments)(function)
        if method == "get" and record.may_read is not _no_check:  # reads that need a key say so in the OpenAPI
            function = blueprint.doc(security=BEARER)(function)
        view[method] = blueprint.etag(function)
    blueprint.route(rule)(type(name, (MethodView,), view))


@dataclass(frozen=True)
class Collection:
    """A top-level list of records, in Polish order and paginated, that an admin adds to; see route_collection."""

    model: type
    schema: type[Schema]
    #: ``create(session, data)`` → the new record.
    create: Callable
    #: The docstrings (OpenAPI summaries) of "get" and "post".
    docs: dict[str, str]
    #: The list's query filters (``district``, ``status``), if it has any.
    filters: type[Schema] | None = None
    may_list: Callable[[], None] = _no_check


def route_collection(blueprint, collection: Collection, name: str) -> None:
    """Add ``/`` to ``blueprint``: GET lists (filtered, paginated), POST adds one (admin)."""

    def get(self, *args, pagination_parameters):
        collection.may_list()
        return page(select(collection.model), pagination_parameters, args[0] if args else None)

    def post(self, data):
        require_admin()
        with changing() as session:
            return collection.create(session, data)

    get.__doc__, post.__doc__ = collection.docs["get"], collection.docs["post"]
    get = blueprint.page_of(collection.schema, collection.filters,
                            **({} if collection.may_list is _no_check else {"security": BEARER}))(get)
    post = blueprint.response(201, collection.schema)(post)
    post = blueprint.arguments(collection.schema)(post)
    blueprint.route("/")(type(name, (MethodView,), {"get": get, "post": post}))
