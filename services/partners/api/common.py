"""What every partners view shares: 404s, turning operation errors into 409/422, ETags from versions, pages."""

from contextlib import contextmanager

from flask import g
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.messaging.web import request_session
from services.partners.models import District
from services.partners.operations import Conflict, Invalid
from services.partners.schemas.common import MAX_ID
from services.ui.naming import polish_key


def get_or_404(model, label: str, **where):
    described = ", ".join(f"{column} {value!r}" for column, value in where.items())
    if any(isinstance(value, int) and value > MAX_ID for value in where.values()):
        abort(404, message=f"No {label} with {described}.")
    query = select(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    record = request_session().scalar(query)
    if record is None:
        abort(404, message=f"No {label} with {described}.")
    return record


@contextmanager
def changing():
    """Run a change and commit it; a Conflict becomes 409 and an Invalid 422 naming the field."""
    session = request_session()
    try:
        yield session
        session.commit()
    except Conflict as exc:
        abort(409, message=f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
    except Invalid as exc:
        abort(422, message=exc.message, errors={"json": {exc.field: [exc.message]}})
    except IntegrityError:
        # Two requests raced past the checks; the database's unique or foreign key constraint caught the second.
        session.rollback()
        abort(409, message="This conflicts with a change made at the same moment; read the records again and retry.")


def version_etag(record) -> dict:
    """The ETag is made from the record's kind, id and version, so every change gives a new one."""
    return {"kind": type(record).__name__, "id": record.id, "version": record.version}


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


def show_private(allowed: bool) -> None:
    """Tell the schemas whether this caller may see the private fields (a person's name, minutes)."""
    g.show_private = allowed


def page(query, pagination_parameters, filters: dict | None = None, key=lambda record: polish_key(record.name)):
    """One page of the query's rows, sorted in Polish order in Python (the same on SQLite and PostgreSQL)."""
    session = request_session()
    filters = filters or {}
    if filters.get("district"):
        district = session.scalar(select(District).where(District.slug == filters["district"]))
        if district is None:
            abort(422, message=f"No district with slug {filters['district']!r}.",
                  errors={"query": {"district": [f"No district with slug {filters['district']!r}."]}})
        query = query.where(query.column_descriptions[0]["entity"].district_id == district.id)
    if filters.get("status"):
        query = query.where(query.column_descriptions[0]["entity"].status == filters["status"])
    rows = sorted(session.scalars(query), key=key)
    pagination_parameters.item_count = len(rows)
    first = pagination_parameters.first_item
    return rows[first:first + pagination_parameters.page_size]
