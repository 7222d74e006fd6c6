"""The coordinators' page: plan a partner meeting of a partnership one coordinates (admins: any), with the same
schema, rule (``may_plan_meetings``) and operation as the API."""

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from services.messaging.errors import FieldError
from services.messaging.web import request_session
from services.partners.auth import current_caller, may_plan_meetings
from services.partners.models import Centre, Meeting, Partnership
from services.partners.operations import plan_meeting
from services.partners.pages.guards import signed_in, staff_blueprint
from services.partners.schemas import MeetingSchema
from services.ui.errors import field_error, first_error
from services.ui.forms import FormError, day_and_times, max_lengths
from services.ui.labels import ROOM_REASON_LABELS
from services.ui.naming import polish_sorted
from services.ui.pages import private_page

#: The words the form shows for each field the schema or the operation may name in an error (the form's own labels).
FIELD_LABELS = {"partnership": _l("Partnership"), "title": _l("Title"), "day": _l("Day"), "starts": _l("From"),
                "starts_at": _l("From"), "ends": _l("To"), "ends_at": _l("To"), "centre": _l("Centre"),
                "agenda": _l("Agenda")}

meeting_pages = staff_blueprint("staff_meetings", "/staff/meetings")


def _page(status: int = 200, **context):
    session = request_session()
    caller = current_caller()
    partnerships = [p for p in polish_sorted(session.scalars(select(Partnership))) if may_plan_meetings(caller, p.id)]
    meetings = session.scalars(select(Meeting).where(Meeting.partnership_id.in_([p.id for p in partnerships]))
                               .order_by(Meeting.starts_at.desc()).limit(100)).all()
    return private_page("partners_pages/staff/meetings.html", status, partnerships=partnerships, meetings=meetings,
                        centres=polish_sorted(session.scalars(select(Centre))),
                        names={p.id: p.name for p in partnerships}, room_reasons=ROOM_REASON_LABELS,
                        form=request.form, limits=max_lengths(MeetingSchema), labels=FIELD_LABELS,
                        **context)


meeting_pages.before_request(signed_in)


@meeting_pages.get("/")
def meetings():
    return _page(planned=request.args.get("planned"))


@meeting_pages.post("/")
def plan():
    session = request_session()
    form = request.form
    partnership = session.get(Partnership, int(form["partnership"])) if form.get("partnership", "").isdigit() else None
    if partnership is None or not may_plan_meetings(current_caller(), partnership.id):
        return _page(403, error=_("Only an admin or the partnership's current coordinator may plan its meetings."))
    try:
        starts_at, ends_at = day_and_times(form.get("day", ""), form.get("starts", ""), form.get("ends", ""))
    except FormError as exc:
        return _page(422, error=field_error(exc.field, exc.message, FIELD_LABELS))
    data = {"title": form.get("title", ""), "agenda": form.get("agenda", ""),
            "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()}
    if form.get("centre"):
        data["centre"] = form["centre"]
    try:
        meeting = plan_meeting(session, partnership, MeetingSchema().load(data))
    except ValidationError as exc:
        session.rollback()
        return _page(422, error=field_error(*first_error(exc), FIELD_LABELS))
    except FieldError as exc:
        session.rollback()
        return _page(422, error=field_error(exc.field, exc.message, FIELD_LABELS))
    session.commit()
    return redirect(url_for("staff_meetings.meetings", planned=meeting.id), 303)
