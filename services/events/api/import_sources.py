"""``/api/v1/import-sources``: an organisation's calendars (iCal addresses) kept in sync with its events, and their
health. An organisation's key sees and manages its own; an administrator all."""

from collections.abc import Callable

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from services.events.auth import require_caller
from services.events.imports import sources
from services.events.models import AUDIENCES, CATEGORIES, SOURCE_STATUSES, ImportSource
from services.messaging.errors import answering_errors
from services.messaging.fields import one_line
from services.messaging.http_guards import BEARER, Blueprint, one_page
from services.messaging.models import DISTRICT_SLUG_LENGTH, SLUG_LENGTH
from services.messaging.web import acts_for, check_if_match, etag_header, request_session, version_etag

blp = Blueprint("import_sources", __name__, url_prefix="/api/v1/import-sources",
                description="Organisations' own calendars (Google, Outlook, Apple, Gancio...) kept in sync.")


class ImportSourceInSchema(Schema):
    url = one_line(2000, required=True, metadata={
        "description": "The calendar's public iCal address: https:// or webcal:// (fetched as https)."})
    organisation = one_line(SLUG_LENGTH, metadata={"description": "Admin only: the organisation's slug."})
    district = one_line(DISTRICT_SLUG_LENGTH, required=True, metadata={"description": "The district of its events."})
    centre = one_line(SLUG_LENGTH, allow_none=True,
                      metadata={"description": "The centre of its events, in the district."})
    audiences = fields.List(fields.String(validate=validate.OneOf(AUDIENCES)), load_default=list,
                            validate=validate.Length(max=len(AUDIENCES)))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    enabled = fields.Boolean(load_default=True)


class ImportSourcePatchSchema(ImportSourceInSchema):
    """The fields to change; use it with ``partial=True``."""


class CountsSchema(Schema):
    new = fields.Integer()
    changed = fields.Integer()
    cancelled = fields.Integer()
    unchanged = fields.Integer()


class ImportSourceSchema(Schema):
    """A source and its health: the last pull, its status, validators, counts and warnings."""

    id = fields.Integer()
    url = fields.String()
    organisation = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    centre = fields.String(allow_none=True)
    audiences = fields.List(fields.String())
    category = fields.String()
    enabled = fields.Boolean()
    status = fields.String(metadata={"enum": list(SOURCE_STATUSES)})
    last_error = fields.String(allow_none=True)
    etag = fields.String(allow_none=True)
    last_modified = fields.String(allow_none=True)
    last_fetch_at = fields.String(allow_none=True)
    last_success_at = fields.String(allow_none=True)
    counts = fields.Nested(CountsSchema, metadata={"description": "Of the last sync that read the feed."})
    warnings = fields.List(fields.String(), metadata={"description": "What the last parse read by a guess."})
    failures = fields.Integer(metadata={"description": "Failed pulls in a row."})
    failing_since = fields.String(allow_none=True)
    refresh_seconds = fields.Integer(allow_none=True, metadata={"description": "As the feed asks, bounded."})
    next_due_at = fields.String()
    created_at = fields.String()
    updated_at = fields.String()


def _caller() -> tuple:
    """The request's session and its caller (401 without a valid key)."""
    session = request_session()
    return session, require_caller(session)


def _source(source_id: int, for_change: bool = False) -> tuple:
    """The session, the caller and the caller's import source (404 for none, and for another organisation's)."""
    session, caller = _caller()
    source = session.get(ImportSource, source_id, with_for_update=for_change)
    if source is None or not acts_for(caller, source.organisation_id):
        abort(404, message=f"No import source {source_id}.")
    return session, caller, source


def _changed(source_id: int, change: Callable) -> tuple:
    """Lock the caller's import source, ``change(session, caller, source)`` it (a refusal as 4xx) and commit: the
    session and the source."""
    session, caller, source = _source(source_id, for_change=True)
    with answering_errors():
        change(session, caller, source)
    session.commit()
    return session, source


@blp.route("")
class ImportSources(MethodView):
    @blp.page_of(ImportSourceSchema, security=BEARER)
    def get(self, pagination_parameters):
        """Your organisation's calendars with their health (an administrator: all)"""
        session, caller = _caller()
        query = select(ImportSource)
        if not caller.is_admin:
            query = query.where(ImportSource.organisation_id == caller.organisation.id)
        return [sources.view(session, source)
                for source in one_page(session, query.order_by(ImportSource.id), pagination_parameters)]

    @blp.arguments(ImportSourceInSchema)
    @blp.response(201, ImportSourceSchema)
    @blp.alt_response(403, description="The key acts for another organisation.")
    def post(self, data):
        """Register a calendar to keep in sync: pulled soon, then on its schedule"""
        session, caller = _caller()
        with answering_errors():
            source = sources.create_source(session, caller, data)
        session.commit()
        return sources.view(session, source), 201, etag_header(source)


@blp.route("/<int:source_id>")
class ImportSourceById(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ImportSourceSchema)
    def get(self, source_id):
        """One calendar and its health"""
        session, _, source = _source(source_id)
        return sources.view(session, source), 200, etag_header(source)

    @blp.arguments(ImportSourcePatchSchema(partial=True))
    @blp.response(200, ImportSourceSchema)
    @blp.alt_response(412, description="If-Match names an older version.")
    def patch(self, data, source_id):
        """Change the address, the defaults, or switch it on or off (If-Match optional)"""

        def change(session, caller, source):
            check_if_match(version_etag(source))
            sources.update_source(session, caller, source, data)

        session, source = _changed(source_id, change)
        return sources.view(session, source), 200, etag_header(source)

    @blp.response(204)
    def delete(self, source_id):
        """Stop syncing this calendar: its events stay, and become editable by hand"""
        _changed(source_id, sources.delete_source)


@blp.route("/<int:source_id>/pull")
class ImportSourcePull(MethodView):
    @blp.response(202, ImportSourceSchema)
    def post(self, source_id):
        """Pull this calendar at the import process's next look, instead of waiting for its schedule"""
        session, source = _changed(source_id, sources.pull_soon)
        return sources.view(session, source)
