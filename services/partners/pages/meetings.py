"""The coordinators' pages: plan a partner meeting of a partnership one coordinates (admins: any), in a room of its
centre, change it or cancel it, with the same schema, rule (``may_plan_meetings``) and operations as the API. A change
or a cancel carries the version it was based on, as the API's If-Match: a stale one is a 409 that changes nothing and
shows what someone else saved, with its version, so that sending the form again cannot overwrite their change."""

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from services.calendar.times import aware
from services.messaging.errors import Conflict, FieldError
from services.messaging.models import utcnow
from services.messaging.web import request_session
from services.partners.auth import current_caller, may_plan_meetings
from services.partners.models import Centre, Meeting, Partnership, Room
from services.partners.operations import plan_meeting, update_meeting
from services.partners.pages.guards import found, signed_in, staff_blueprint
from services.partners.schemas import MeetingSchema
from services.ui.errors import conflict_error, refusal
from services.ui.forms import FormError, day_and_times, form_day_and_times, max_lengths
from services.ui.labels import N_, ROOM_REASON_LABELS, ROOM_STATUS_LABELS
from services.ui.naming import polish_sorted
from services.ui.pages import confirm_versioned, confirmed_versioned, private_page, stale

#: The words the form shows for each field the schema or the operation may name in an error (the form's own labels).
FIELD_LABELS = {"partnership": _l("Partnership"), "title": _l("Title"), "day": _l("Day"), "starts": _l("From"),
                "starts_at": _l("From"), "ends": _l("To"), "ends_at": _l("To"), "centre": _l("Centre"),
                "room": _l("Room"), "room_id": _l("Room"), "agenda": _l("Agenda")}

#: What the meeting's page says when a change or a cancel was based on an older version of the meeting.
STALE = _l("Someone else saved this meeting meanwhile, so nothing was changed. The form now shows what is saved: "
           "check it and try again.")

#: Why the form refuses a new meeting that starts before now. A meeting already held is recorded (held, with its
#: minutes) through the API, which takes one; the form plans, so a date passed is a mistyped year or month.
PASSED = N_("This time has passed already. A new meeting can only be planned ahead.")

meeting_pages = staff_blueprint("staff_meetings", "/staff/meetings")


def _options(session) -> dict:
    """What the form chooses from: the centres, and their rooms grouped by centre (no script needed to match them:
    the operation refuses a room of another centre, naming the room)."""
    centres = polish_sorted(session.scalars(select(Centre)))
    rooms = {}
    for room in polish_sorted(session.scalars(select(Room))):
        rooms.setdefault(room.centre_id, []).append(room)
    return {"centres": centres, "rooms": rooms, "limits": max_lengths(MeetingSchema), "labels": FIELD_LABELS}


def _page(status: int = 200, **context):
    session = request_session()
    caller = current_caller()
    partnerships = [p for p in polish_sorted(session.scalars(select(Partnership))) if may_plan_meetings(caller, p.id)]
    theirs = select(Meeting).where(Meeting.partnership_id.in_([p.id for p in partnerships]))
    now = utcnow()
    # The meetings ahead, soonest first, then the held ones, latest first.
    meetings = [*session.scalars(theirs.where(Meeting.ends_at > now).order_by(Meeting.starts_at).limit(100)),
                *session.scalars(theirs.where(Meeting.ends_at <= now).order_by(Meeting.starts_at.desc()).limit(50))]
    room_names = {room.id: room.name for room in session.scalars(select(Room))}
    return private_page("partners_pages/staff/meetings.html", status, partnerships=partnerships, meetings=meetings,
                        names={p.id: p.name for p in partnerships}, room_reasons=ROOM_REASON_LABELS,
                        room_statuses=ROOM_STATUS_LABELS,
                        room_names=room_names, form=request.form, **_options(session), **context)


def _meeting_page(meeting: Meeting, form: dict, status: int = 200, **context):
    session = request_session()
    return private_page("partners_pages/staff/meeting.html", status, meeting=meeting, form=form,
                        partnership=session.get(Partnership, meeting.partnership_id), **_options(session), **context)


meeting_pages.before_request(signed_in)


def _loaded(form) -> dict:
    """The form as the API takes a meeting, loaded by its schema: a FormError or ValidationError naming a field. A
    room with no centre chosen gives its centre, as in the API."""
    starts_at, ends_at = day_and_times(form.get("day", ""), form.get("starts", ""), form.get("ends", ""))
    data = {"title": form.get("title", ""), "agenda": form.get("agenda", ""),
            "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(), "room_id": form.get("room") or None}
    if form.get("centre") or not data["room_id"]:
        data["centre"] = form.get("centre") or None
    return MeetingSchema().load(data)


def _refusal(exc: FormError | FieldError | ValidationError) -> str:
    """What is wrong, naming the form's field by its label."""
    return refusal(exc, FIELD_LABELS)[1]


@meeting_pages.get("/")
def meetings():
    return _page(planned=request.args.get("planned"), cancelled=request.args.get("cancelled"),
                 saved=request.args.get("saved"))


@meeting_pages.post("/")
def plan():
    session = request_session()
    form = request.form
    partnership = session.get(Partnership, int(form["partnership"])) if form.get("partnership", "").isdigit() else None
    if partnership is None or not may_plan_meetings(current_caller(), partnership.id):
        return _page(403, error=_("Only an admin or the partnership's current coordinator may plan its meetings."))
    try:
        data = _loaded(form)
        if aware(data["starts_at"]) <= utcnow():
            raise FormError("day", PASSED)
        meeting = plan_meeting(session, partnership, data)
    except (FormError, FieldError, ValidationError) as exc:
        session.rollback()
        return _page(422, error=_refusal(exc))
    session.commit()
    return redirect(url_for("staff_meetings.meetings", planned=meeting.id), 303)


def _writable(meeting_id: int) -> Meeting:
    """The meeting (404 when there is none), if the signed-in member may change it by the API's rule; else 403."""
    meeting = found(Meeting, meeting_id, _("No such meeting."))
    if not may_plan_meetings(current_caller(), meeting.partnership_id):
        abort(403, description=_("Only an admin or the partnership's current coordinator may change its meetings."))
    return meeting


def _recorded(meeting: Meeting) -> dict:
    """The form as the meeting is recorded."""
    return {"title": meeting.title, "agenda": meeting.agenda, "centre": meeting.centre_slug or "",
            "room": str(meeting.room_id or ""), **form_day_and_times(meeting.starts_at, meeting.ends_at)}


def _stale(meeting: Meeting):
    """The posted version is not the meeting's (``None``: it is): the page as recorded now, with its version, 409."""
    if not stale(meeting):
        return None
    return _meeting_page(meeting, _recorded(meeting), 409, error=STALE)


@meeting_pages.get("/<int:meeting_id>")
def meeting_form(meeting_id):
    meeting = _writable(meeting_id)
    return _meeting_page(meeting, _recorded(meeting))


@meeting_pages.post("/<int:meeting_id>")
def change(meeting_id):
    meeting = _writable(meeting_id)
    session = request_session()
    if (refused := _stale(meeting)) is not None:
        return refused
    try:
        update_meeting(session, meeting, _loaded(request.form))
    except (FormError, FieldError, ValidationError) as exc:
        session.rollback()
        return _meeting_page(meeting, request.form, 422, error=_refusal(exc))
    except Conflict as exc:  # cancelled: nothing of it changes
        session.rollback()
        return _meeting_page(meeting, _recorded(meeting), 409, error=conflict_error(exc, FIELD_LABELS))
    session.commit()
    return redirect(url_for("staff_meetings.meetings", saved=meeting.id), 303)


@meeting_pages.get("/<int:meeting_id>/cancel")
def confirm_cancel(meeting_id):
    meeting = _writable(meeting_id)
    return confirm_versioned(meeting, _("Cancel the meeting “%(title)s”?", title=meeting.title),
                             [_("Members see it cancelled in the partnership's calendar.")],
                             url_for("staff_meetings.meeting_form", meeting_id=meeting.id),
                             meeting.status == "cancelled")


@meeting_pages.post("/<int:meeting_id>/cancel")
def cancel(meeting_id):
    meeting = _writable(meeting_id)
    return confirmed_versioned(lambda: _stale(meeting),
                               lambda session: update_meeting(session, meeting, {"status": "cancelled"}),
                               url_for("staff_meetings.meetings", cancelled=meeting.id))
