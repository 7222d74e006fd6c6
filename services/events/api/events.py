"""``/api/v1/events``: post, change and cancel events (API key or admin token); list and read them publicly."""

import hashlib
import json
import uuid
from datetime import date, datetime, timedelta

from flask import request
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import String, cast, or_, select
from sqlalchemy.exc import IntegrityError

from services.calendar.times import aware, local_midnight, parse_moment
from services.events.auth import Caller, optional_caller, require_caller
from services.events.models import Centre, District, Event, IdempotencyRecord, Organisation
from services.events.occurrences import change_occurrence, restore_occurrence
from services.events.operations import cancel_event, check_owner, create_event, update_event
from services.events.queries import is_current_member, text_matches
from services.events.schemas import EventInSchema, EventPatchSchema, EventQuerySchema, EventSchema, OccurrenceSchema
from services.events.snapshot import view
from services.messaging.errors import answering_errors, field_error
from services.messaging.http_guards import PUBLIC, Blueprint, one_page
from services.messaging.web import IF_MATCH, check_if_match, etag_header, request_session, version_etag

blp = Blueprint("events", __name__, url_prefix="/api/v1/events", description="Events of the centres and partners.")
IDEMPOTENCY_HEADER = {"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string"},
                      "description": "Repeat a POST with the same key to get the same event, never a second one."}


def _visible(session, event: Event, caller: Caller | None) -> bool:
    if event.visibility == "public" or (caller is not None and caller.is_admin):
        return True
    if caller is None:
        return False
    organisation_id = caller.organisation.id
    return event.organisation_id == organisation_id or (
        event.partnership_id is not None and is_current_member(session, event.partnership_id, organisation_id))


def _get_event(session, event_id: uuid.UUID, caller: Caller | None = None, for_change: bool = False) -> Event:
    # A change locks the row, so that two changes at once are checked against If-Match one after the other.
    event = session.get(Event, event_id, with_for_update=for_change)
    if event is None or (not for_change and not _visible(session, event, caller)):
        abort(404, message=f"No event {event_id}.")
    return event


def _replay(session, caller: Caller, key: str, body_hash: str):
    record = session.get(IdempotencyRecord, (caller.idempotency_scope, key))
    if record is None:
        return None
    if record.request_hash != body_hash:
        field_error("headers", "Idempotency-Key", "This key was already used with a different request body.")
    event = session.get(Event, record.event_id)
    return view(session, event), record.status_code, {**etag_header(event), "Idempotent-Replayed": "true"}


def _window(query, start: date | datetime | None, end: date | datetime | None):
    if start is not None:
        start = local_midnight(start) if not isinstance(start, datetime) else aware(start)
        # A recurring event may have occurrences after its first end; keep it unless its series cannot reach.
        query = query.where(or_(Event.ends_at > start, Event.rrule.is_not(None)))
    if end is not None:
        end = local_midnight(end + timedelta(days=1)) if not isinstance(end, datetime) else aware(end)
        query = query.where(Event.starts_at < end)
    return query


def _by_slug(session, model, slug: str, field: str) -> int:
    row = session.scalars(select(model).where(model.slug == slug)).first()
    if row is None:
        field_error("query", field, f"No {field} {slug!r}.")
    return row.id


def _filtered(session, args: dict):
    query = select(Event).where(Event.visibility == "public")
    for field, model, column in (("district", District, Event.district_id), ("centre", Centre, Event.centre_id),
                                 ("organisation", Organisation, Event.organisation_id)):
        if args.get(field):
            query = query.where(column == _by_slug(session, model, args[field], field))
    if args.get("audience"):
        query = query.where(cast(Event.audiences, String).like(f'%"{args["audience"]}"%'))
    if args.get("category"):
        query = query.where(Event.category == args["category"])
    if args.get("text"):
        query = query.where(text_matches(args["text"]))
    return _window(query, args.get("from_"), args.get("to"))


@blp.route("")
class Events(MethodView):
    @blp.page_of(EventSchema, EventQuerySchema, security=PUBLIC)
    def get(self, args, pagination_parameters):
        """Public events, soonest first, filtered and paginated (X-Pagination header)"""
        session = request_session()
        query = _filtered(session, args)
        return [view(session, event)
                for event in one_page(session, query.order_by(Event.starts_at, Event.id), pagination_parameters)]

    @blp.doc(parameters=[IDEMPOTENCY_HEADER])
    @blp.arguments(EventInSchema)
    @blp.response(201, EventSchema)
    @blp.alt_response(403, description="The key acts for another organisation.")
    def post(self, data):
        """Post an event for the key's organisation (an administrator names the organisation)"""
        session = request_session()
        caller = require_caller(session)
        key = request.headers.get("Idempotency-Key")
        body_hash = hashlib.sha256(json.dumps(request.get_json(), sort_keys=True).encode()).hexdigest()
        if key is not None and not 1 <= len(key) <= 200:
            field_error("headers", "Idempotency-Key", "Use 1 to 200 characters.")
        if key and (replay := _replay(session, caller, key, body_hash)):
            return replay
        with answering_errors():
            event = create_event(session, caller, data)
        if key:
            session.add(IdempotencyRecord(caller=caller.idempotency_scope, key=key, request_hash=body_hash,
                                          event_id=event.id, status_code=201))
        try:
            session.commit()
        except IntegrityError:
            # The same key came twice at once: the other request made the event.
            session.rollback()
            if key and (replay := _replay(session, caller, key, body_hash)):
                return replay
            raise
        return view(session, event), 201, etag_header(event)


@blp.route("/<uuid:event_id>")
class EventById(MethodView):
    @blp.response(200, EventSchema)
    def get(self, event_id):
        """One event (public events for anyone; partnership events for its members and administrators)"""
        session = request_session()
        event = _get_event(session, event_id, optional_caller(session))
        return view(session, event), 200, etag_header(event)

    @blp.doc(parameters=[IF_MATCH])
    @blp.arguments(EventPatchSchema(partial=True))
    @blp.response(200, EventSchema)
    @blp.alt_response(412, description="If-Match names an older version.")
    @blp.alt_response(428, description="If-Match is missing.")
    def patch(self, data, event_id):
        """Change some fields of your own event (If-Match with its ETag, required, guards against lost updates)"""
        return _change(event_id, lambda session, caller, event: update_event(session, caller, event, data),
                       if_match_required=True)

    @blp.response(200, EventSchema)
    def delete(self, event_id):
        """Cancel your own event: it is kept, with status cancelled, so that calendars show the cancellation"""
        return _change(event_id, cancel_event, cancelling=True)


def _change(event_id, change, if_match_required: bool = False, cancelling: bool = False):
    """The one way a caller changes their own event: the owner is checked before the version (403, not 412), then
    If-Match (428 when required and missing, 412 when stale), then ``change(session, caller, event)``; answers the
    event with its new ETag."""
    session = request_session()
    caller = require_caller(session)
    event = _get_event(session, event_id, for_change=True)
    with answering_errors():
        check_owner(caller, event, cancelling)
    if if_match_required and not request.if_match:
        abort(428, message="Send If-Match with the ETag from your last GET of this event.")
    check_if_match(version_etag(event))
    with answering_errors():
        change(session, caller, event)
    session.commit()
    return view(session, event), 200, etag_header(event)


def _recurrence_id(text: str) -> datetime:
    try:
        value = parse_moment(text)
    except ValueError:
        value = None
    if not isinstance(value, datetime) or value.tzinfo is not None:
        abort(404, message=f"{text!r} is not a date of a series: give its start as 2027-03-16T17:00:00 (Warsaw).")
    return value


@blp.route("/<uuid:event_id>/occurrences/<recurrence_id>")
class OccurrenceById(MethodView):
    @blp.doc(parameters=[IF_MATCH])
    @blp.arguments(OccurrenceSchema)
    @blp.response(200, EventSchema)
    @blp.alt_response(412, description="If-Match names an older version.")
    @blp.alt_response(428, description="If-Match is missing.")
    def put(self, data, event_id, recurrence_id):
        """Move, re-place or cancel one date of your own repeating event; the path names the start the rule gives it"""
        moment = _recurrence_id(recurrence_id)
        return _change(event_id, lambda session, caller, event: change_occurrence(session, caller, event, moment, data),
                       if_match_required=True)

    @blp.response(200, EventSchema)
    def delete(self, event_id, recurrence_id):
        """Undo the change of one date: it is again as the rule gives it"""
        moment = _recurrence_id(recurrence_id)
        return _change(event_id, lambda session, caller, event: restore_occurrence(session, caller, event, moment))
