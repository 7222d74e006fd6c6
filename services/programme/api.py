"""``/api/v1/programmes``: programmes, participants, roll calls, indicators and exports.

MOPS (the admin token or an admin key) reads and writes everything. An organisation's key records and reads the roll
calls of its own activities, and sees the attendance counts of its own activities only. The public statistics are
open to all, counts only, with small counts suppressed.
"""

import uuid
from datetime import timedelta

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Api, abort
from sqlalchemy import select

from services.calendar.times import from_wire, local_midnight, to_wire, today
from services.messaging.errors import answering_errors, field_error
from services.messaging.http_guards import BEARER, Blueprint
from services.messaging.web import request_session
from services.programme import operations, schemas
from services.programme.auth import require_admin, require_caller
from services.programme.export import csv_bytes, export_name, workbook_bytes
from services.programme.models import Participant, Programme, RollCall
from services.programme.queries import attendance, indicators, public_statistics

blp = Blueprint("programmes", __name__, url_prefix="/api/v1/programmes",
                description="An EU-funded programme's participants (pseudonymous), attendance and indicators.")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register(api: Api) -> None:
    api.register_blueprint(blp)


def get_programme(session, programme_id: int) -> Programme:
    programme = session.get(Programme, programme_id)
    if programme is None:
        abort(404, message=f"No programme {programme_id}.")
    return programme


def _view(programme: Programme) -> dict:
    archive_years = current_app.config["ARCHIVE_YEARS"]
    return {**{c.name: getattr(programme, c.name) for c in Programme.__table__.columns},
            "retain_until": operations.retain_until(programme, archive_years)}


def _participant(session, programme: Programme, pseudonym: str, for_change: bool = False) -> Participant:
    query = select(Participant).where(Participant.programme_id == programme.id, Participant.pseudonym == pseudonym)
    participant = session.scalars(query.with_for_update() if for_change else query).first()
    if participant is None:
        abort(404, message=f"No participant {pseudonym} in programme {programme.id}.")
    return participant


@blp.route("/")
class Programmes(MethodView):
    @blp.response(200, schemas.ProgrammeSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self):
        """Every programme (MOPS)."""
        require_admin()
        session = request_session()
        return [_view(p) for p in session.scalars(select(Programme).order_by(Programme.starts_on, Programme.id))]

    @blp.arguments(schemas.ProgrammeInSchema)
    @blp.response(201, schemas.ProgrammeSchema)
    def post(self, data):
        """Add a programme with its targets (MOPS)."""
        require_admin()
        session = request_session()
        with answering_errors():
            programme = operations.create_programme(session, data)
        session.commit()
        return _view(programme)


@blp.route("/<int:programme_id>")
class ProgrammeItem(MethodView):
    @blp.response(200, schemas.ProgrammeSchema)
    @blp.doc(security=BEARER)
    def get(self, programme_id):
        """One programme with its targets, legal basis and retention (MOPS)."""
        require_admin()
        return _view(get_programme(request_session(), programme_id))


@blp.route("/<int:programme_id>/participants/")
class Participants(MethodView):
    @blp.response(200, schemas.ParticipantSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, programme_id):
        """The programme's participants by pseudonymous id (MOPS)."""
        require_admin()
        session = request_session()
        programme = get_programme(session, programme_id)
        return session.scalars(select(Participant).where(Participant.programme_id == programme.id)
                               .order_by(Participant.id)).all()

    @blp.arguments(schemas.EnrolSchema)
    @blp.response(201, schemas.ParticipantSchema)
    def post(self, data, programme_id):
        """Enrol a participant: the answer gives the new pseudonymous id, for MOPS's own paperwork (MOPS)."""
        require_admin()
        session = request_session()
        programme = get_programme(session, programme_id)
        with answering_errors():
            participant = operations.add_participant(session, programme, data)
        session.commit()
        return participant


@blp.route("/<int:programme_id>/participants/<pseudonym>")
class ParticipantItem(MethodView):
    @blp.response(200, schemas.ParticipantSchema)
    @blp.doc(security=BEARER)
    def get(self, programme_id, pseudonym):
        require_admin()
        session = request_session()
        return _participant(session, get_programme(session, programme_id), pseudonym)

    @blp.response(204)
    def delete(self, programme_id, pseudonym):
        """Erase one participant id, with its stays and attendance (GDPR; MOPS)."""
        require_admin()
        session = request_session()
        operations.erase_participant(session, _participant(session, get_programme(session, programme_id),
                                                           pseudonym, for_change=True))
        session.commit()


@blp.route("/<int:programme_id>/participants/<pseudonym>/export")
@blp.response(200)
@blp.doc(security=BEARER)
def export_participant(programme_id, pseudonym):
    """Everything held about one participant id (GDPR; MOPS)."""
    require_admin()
    session = request_session()
    programme = get_programme(session, programme_id)
    record = operations.participant_record(session, _participant(session, programme, pseudonym))
    return {"programme": {"id": programme.id, "name": programme.name, "legal_basis": programme.legal_basis,
                          "retain_until": operations.retain_until(programme, current_app.config["ARCHIVE_YEARS"])
                          .isoformat()},
            "participant": schemas.ParticipantSchema().dump(record["participant"]),
            "attendance": [{**mark, "event_id": str(mark["event_id"]),
                            "occurrence_start": to_wire(mark["occurrence_start"])} for mark in record["attendance"]]}


def _change_participant(programme_id: int, pseudonym: str, change) -> Participant:
    """Run ``change(session, programme, participant)`` on a locked participant (MOPS), and commit."""
    require_admin()
    session = request_session()
    programme = get_programme(session, programme_id)
    participant = _participant(session, programme, pseudonym, for_change=True)
    with answering_errors():
        change(session, programme, participant)
    session.commit()
    return participant


@blp.route("/<int:programme_id>/participants/<pseudonym>/exit", methods=["POST"])
@blp.arguments(schemas.ExitSchema)
@blp.response(200, schemas.ParticipantSchema)
def exit_participant(data, programme_id, pseudonym):
    """Record that the participant left, with the status at exit (MOPS)."""
    return _change_participant(programme_id, pseudonym, lambda session, programme, participant:
                               operations.exit_participant(session, programme, participant, data))


@blp.route("/<int:programme_id>/participants/<pseudonym>/re-entry", methods=["POST"])
@blp.arguments(schemas.ReentrySchema)
@blp.response(200, schemas.ParticipantSchema)
def reenter_participant(data, programme_id, pseudonym):
    """A participant who comes back: a new stay; still counted once (MOPS)."""
    return _change_participant(programme_id, pseudonym, lambda session, programme, participant:
                               operations.reenter_participant(session, programme, participant,
                                                              data["entered_on"]))


def _activity_for(session, caller, event_id: uuid.UUID):
    with answering_errors():
        activity = operations.activity_of(session, event_id)
        operations.check_recorder(caller, activity)
    return activity


@blp.route("/<int:programme_id>/activities/<uuid:event_id>/occurrences")
@blp.arguments(schemas.WindowSchema, location="query")
@blp.response(200, schemas.OccurrenceSchema(many=True))
@blp.doc(security=BEARER)
def list_occurrences(window, programme_id, event_id):
    """The activity's occurrences within the programme (or ``from``..``to``), each with whether its roll call is in
    (MOPS, or the organisation whose activity it is)."""
    caller = require_caller()
    session = request_session()
    programme = get_programme(session, programme_id)
    activity = _activity_for(session, caller, event_id)
    first, last = window.get("start", programme.starts_on), window.get("end", programme.ends_on)
    if last < first:
        field_error("query", "to", "Give a day on or after 'from'.")
    # The calendar core bounds an expansion (at most 1,000 occurrences), whatever the window.
    found = operations.activity_occurrences(activity, local_midnight(first), local_midnight(last + timedelta(1)))
    recorded = set(session.scalars(select(RollCall.occurrence_start).where(
        RollCall.programme_id == programme.id, RollCall.event_id == activity.id)))
    return [{"starts_at": o.starts_at, "ends_at": o.ends_at, "recorded": o.starts_at in recorded} for o in found]


def _occurrence(text: str):
    try:
        return from_wire(text)
    except ValueError:
        field_error("path", "occurrence_start", f"Not an ISO 8601 date-time: {text!r}.")


def registered_view(session, activity, roll_call: RollCall | None, start) -> list[dict]:
    """Everyone registered for the date, ticked or not, and any ticked reference cancelled since."""
    ticked = {m.ref: m.status for m in roll_call.registered_marks} if roll_call is not None else {}
    return [{"ref": row.ref, "people": row.people, "registration": row.status, "status": ticked.get(row.ref)}
            for row in operations.registered_for(session, activity, start, including_cancelled=True)
            if row.status in ("confirmed", "waiting") or row.ref in ticked]


def _roll_call_view(roll_call: RollCall | None, activity, start, walk_ins=()) -> dict:
    event_id = activity.id
    marks = roll_call.marks if roll_call is not None else []
    pseudonyms = {}
    if marks:
        ids = [mark.participant_id for mark in marks]
        pseudonyms = dict(request_session().execute(select(Participant.id, Participant.pseudonym)
                                                     .where(Participant.id.in_(ids))).all())
    return {"event_id": event_id, "occurrence_start": start,
            "attendance": [{"participant": pseudonyms[m.participant_id], "status": m.status} for m in marks],
            "registered": registered_view(request_session(), activity, roll_call, start),
            "walk_ins": list(walk_ins), "anonymous_count": roll_call.anonymous_count if roll_call else 0}


@blp.route("/<int:programme_id>/roll-calls/<uuid:event_id>/<occurrence_start>")
class RollCalls(MethodView):
    @blp.response(200, schemas.RollCallSchema)
    @blp.doc(security=BEARER)
    def get(self, programme_id, event_id, occurrence_start):
        """The roll call of one occurrence (MOPS, or the organisation whose activity it is)."""
        caller = require_caller()
        session = request_session()
        programme = get_programme(session, programme_id)
        activity = _activity_for(session, caller, event_id)
        start = _occurrence(occurrence_start)
        roll_call = session.scalars(select(RollCall).where(
            RollCall.programme_id == programme.id, RollCall.event_id == activity.id,
            RollCall.occurrence_start == start)).first()
        return _roll_call_view(roll_call, activity, start)

    @blp.arguments(schemas.RollCallInSchema)
    @blp.response(200, schemas.RollCallSchema)
    def put(self, data, programme_id, event_id, occurrence_start):
        """Record (or replace) the roll call of one occurrence: ticks by pseudonymous id, walk-ins recorded as
        participants (present), and walk-ins counted anonymously."""
        caller = require_caller()
        session = request_session()
        programme = get_programme(session, programme_id)
        activity = _activity_for(session, caller, event_id)
        start = _occurrence(occurrence_start)
        with answering_errors():
            roll_call, walk_ins = operations.record_roll_call(session, programme, activity, start, data)
        session.commit()
        return _roll_call_view(roll_call, activity, start, [p.pseudonym for p in walk_ins])


@blp.route("/<int:programme_id>/indicators")
@blp.arguments(schemas.AsOfSchema, location="query")
@blp.response(200)
@blp.doc(security=BEARER)
def get_indicators(args, programme_id):
    """People supported so far by gender against the targets, and the participants by every dimension (MOPS)."""
    require_admin()
    session = request_session()
    found = indicators(session, get_programme(session, programme_id), args.get("as_of") or today())
    return {**found, "as_of": found["as_of"].isoformat()}


@blp.route("/<int:programme_id>/attendance")
@blp.response(200)
@blp.doc(security=BEARER)
def get_attendance(programme_id):
    """Attendance per activity and per month: all of it for MOPS, an organisation's own activities for its key."""
    caller = require_caller()
    session = request_session()
    found = attendance(session, get_programme(session, programme_id),
                       None if caller.is_admin else caller.organisation_id)
    for item in found["activities"]:
        item["event_id"] = str(item["event_id"])
    return found


@blp.route("/<int:programme_id>/statistics")
@blp.response(200)
def get_statistics(programme_id):
    """Public: counts per district and month, any count under 5 shown as "< 5"."""
    session = request_session()
    programme = get_programme(session, programme_id)
    return {"programme": programme.name, "period": [programme.starts_on.isoformat(), programme.ends_on.isoformat()],
            **public_statistics(session, programme, current_app.config["SMALL_COUNT"])}


def _file(media_type: str, description: str) -> dict:
    """The OpenAPI answer of a download: a file of ``media_type``."""
    return {"200": {"description": description,
                    "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}}


#: Each export: how it is rendered ``(session, programme, as_of)`` and its media type.
EXPORTS = {"xlsx": (workbook_bytes, XLSX), "csv": (csv_bytes, "text/csv")}


def download(programme_id: int, args: dict, extension: str, caller=None) -> Response:
    """The export as a file to save, named after the programme and the day (MOPS: ``caller``, or the bearer's)."""
    require_admin(caller)
    render, mimetype = EXPORTS[extension]
    session = request_session()
    programme = get_programme(session, programme_id)
    as_of = args.get("as_of") or today()
    return Response(render(session, programme, as_of), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{export_name(programme, as_of, extension)}"',
        "Cache-Control": "no-store"})


@blp.route("/<int:programme_id>/export.xlsx")
@blp.arguments(schemas.AsOfSchema, location="query")
@blp.doc(security=BEARER, responses=_file(XLSX, "The workbook, to save."))
def export_xlsx(args, programme_id):
    """The report's workbook: indicators × gender, and the participants by pseudonymous id (MOPS)."""
    return download(programme_id, args, "xlsx")


@blp.route("/<int:programme_id>/export.csv")
@blp.arguments(schemas.AsOfSchema, location="query")
@blp.doc(security=BEARER, responses=_file("text/csv", "The CSV file, to save."))
def export_csv(args, programme_id):
    """The indicators × gender as CSV for Excel set to Polish (";" between fields, UTF-8 with a byte-order mark), each
    row dated and naming the programme and its period (MOPS)."""
    return download(programme_id, args, "csv")
