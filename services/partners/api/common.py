"""What every partners view shares: 404s, operation errors as 409/422, pages, private fields, admin reads."""

from contextlib import contextmanager
from functools import wraps

from flask import g
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.messaging.errors import answering_errors
from services.messaging.http_guards import BEARER
from services.messaging.web import request_session
from services.partners.auth import require_admin
from services.partners.models import District
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
    """Run a change and commit it; a Conflict becomes 409 and a FieldError 422 naming the field."""
    session = request_session()
    with answering_errors():
        try:
            yield session
            session.commit()
        except IntegrityError:
            # Two requests raced past the checks; the database's unique or foreign key constraint caught the second.
            session.rollback()
            abort(409, message="This conflicts with a change made at the same moment; read the records again and "
                               "retry.")


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


def admin_read(blueprint, schema):
    """A read for admins only: answered with ``schema``, documented as taking a key, and refused (401, 403) to anyone
    but an admin before the view runs."""

    def decorator(view):
        @wraps(view)
        def checked(*args, **keys):
            require_admin()
            return view(*args, **keys)

        return blueprint.doc(security=BEARER)(blueprint.response(200, schema)(checked))

    return decorator
