"""The roll call as a page, for staff on a phone: an activity's dates, and one date's form. Plain HTML forms, no
JavaScript; the same rules as the API (services/programme/operations.py). Staff sign in once at partners (the
session cookie); a bearer token still works. The form carries a CSRF token (services/ui/csrf.py)."""

import uuid

from flask import abort, redirect, render_template, request, url_for
from flask_babel import force_locale
from marshmallow import ValidationError
from sqlalchemy import select

from services.calendar.times import from_wire, local, to_wire
from services.messaging.errors import FieldError, Forbidden
from services.messaging.web import request_session
from services.programme import operations
from services.programme.api import get_programme, registered_view
from services.programme.auth import require_page_caller
from services.programme.dashboard import AGE_NAMES, STATUS_NAMES, pages
from services.programme.labels import GENDER_LABELS
from services.programme.models import AGE_BANDS, ATTENDANCE_STATUSES, ENTRY_STATUSES, Attendance, Participant, RollCall
from services.programme.schemas import RollCallInSchema
from services.ui import csrf
from services.ui.errors import field_error

#: The answer to a form without its CSRF token (services/ui/csrf.py): nothing is saved.
STALE_FORM = "Formularz wygasł lub nie pochodzi z tej strony: odśwież stronę i wyślij go ponownie."
STATUS_LABELS = {"present": "obecny", "excused": "usprawiedliwiony", "absent": "nieobecny"}
#: The form's words for the fields an error may name (the API's body: services/programme/schemas.py RollCallInSchema).
FIELD_LABELS = {"attendance": "Uczestnicy programu", "registered": "Zapisani na ten termin",
                "walk_ins": "Nowy uczestnik", "gender": "Płeć", "age_band": "Wiek",
                "status_at_entry": "Sytuacja na rynku pracy", "district": "Dzielnica",
                "anonymous_count": "Osoby policzone bez zapisu", "occurrence_start": "Termin"}


def said_in_polish(field: str, message: str, data: dict) -> str:
    """An error of the roll call's body as the page says it, in Polish as the page is (services/ui/errors.py): the
    field by the form's words, with the pseudonym or reference of the row it names."""
    parts = field.split(".")
    name = FIELD_LABELS.get(parts[-1] if parts[0] == "walk_ins" else parts[0], field)
    if parts[0] in ("attendance", "registered") and len(parts) > 1 and parts[1].isdigit():
        rows = data.get(parts[0]) or []
        row = rows[int(parts[1])] if int(parts[1]) < len(rows) else {}
        shown = row.get("participant") or row.get("ref")
        name = f"{name} ({shown})" if shown else name
    with force_locale("pl"):
        return field_error(field, message, {field: name})


def _activity(session, event_id: uuid.UUID):
    caller = require_page_caller()
    try:
        activity = operations.activity_of(session, event_id)
        operations.check_recorder(caller, activity)
    except FieldError:
        abort(404)
    except Forbidden as exc:
        abort(403, str(exc))
    return activity


@pages.route("/programmes/<int:programme_id>/activities/<uuid:event_id>/")
def activity_dates(programme_id: int, event_id: uuid.UUID):
    session = request_session()
    programme = get_programme(session, programme_id)
    activity = _activity(session, event_id)
    found = operations.activity_occurrences(activity, *programme.window())
    recorded = set(session.scalars(select(RollCall.occurrence_start).where(
        RollCall.programme_id == programme.id, RollCall.event_id == activity.id)))
    return render_template("programme/activity.html", programme=programme, activity=activity,
                           dates=[(o, o.starts_at in recorded, to_wire(o.starts_at)) for o in found])


def _regulars(session, programme_id: int, activity_id: uuid.UUID) -> list[str]:
    """Who is listed to tick: everyone ticked at any date of this activity, in the order they first came."""
    ticked = session.execute(
        select(Participant.pseudonym).join_from(RollCall, RollCall.marks).join(Participant)
        .where(RollCall.programme_id == programme_id, RollCall.event_id == activity_id)
        .order_by(Participant.id)).scalars().all()
    return list(dict.fromkeys(ticked))


def _form_data(form, listed: list[str], refs: list[str]) -> dict:
    """The form as the API's roll call body: ticks, registered references ticked, pseudonyms added, one walk-in, the
    anonymous count."""
    registered = [{"ref": ref, "status": form[f"reg-{ref}"]} for ref in refs if form.get(f"reg-{ref}")]
    marks = [{"participant": p, "status": form[f"mark-{p}"]} for p in listed if form.get(f"mark-{p}")]
    added = [p.strip().upper() for p in form.get("add", "").replace(";", ",").split(",") if p.strip()]
    marks += [{"participant": p, "status": "present"} for p in added if p not in listed]
    walk_ins = []
    if form.get("walk_in-gender"):
        walk_ins.append({name: form.get(f"walk_in-{name}", "") for name in
                         ("gender", "age_band", "status_at_entry", "district")})
    count = form.get("anonymous_count", "").strip() or "0"
    return {"attendance": marks, "registered": registered, "walk_ins": walk_ins,
            "anonymous_count": int(count) if count.isdigit() else count}


@pages.route("/programmes/<int:programme_id>/roll-calls/<uuid:event_id>/<occurrence_start>",
             methods=["GET", "POST"])
def roll_call_page(programme_id: int, event_id: uuid.UUID, occurrence_start: str):
    session = request_session()
    programme = get_programme(session, programme_id)
    activity = _activity(session, event_id)
    try:
        start = from_wire(occurrence_start)
        operations.check_occurrence(activity, start)
    except (ValueError, FieldError):
        abort(404)
    roll_call = session.scalars(select(RollCall).where(
        RollCall.programme_id == programme.id, RollCall.event_id == activity.id,
        RollCall.occurrence_start == start)).first()
    listed = _regulars(session, programme.id, activity.id)
    registered = registered_view(session, activity, roll_call, start)
    errors, status, walk_ins = [], 200, []
    if request.method == "POST" and not csrf.valid():
        errors, status = [STALE_FORM], 400
    elif request.method == "POST":
        sent = _form_data(request.form, listed, [row["ref"] for row in registered])
        try:
            data = RollCallInSchema().load(sent)
            roll_call, made = operations.record_roll_call(session, programme, activity, start, data)
        except ValidationError as exc:
            errors, status = [said_in_polish(field, message, sent) for field, message in _flat(exc.messages)], 422
        except FieldError as exc:
            errors, status = [said_in_polish(exc.field, exc.message, sent)], 422
        else:
            session.commit()
            return redirect(url_for(".roll_call_page", programme_id=programme.id, event_id=activity.id,
                                    occurrence_start=occurrence_start, saved=",".join(p.pseudonym for p in made)
                                    or "1"), 303)
        session.rollback()
    marks = {}
    if roll_call is not None and status == 200:
        marks = dict(session.execute(select(Participant.pseudonym, Attendance.status)
                                     .join_from(RollCall, RollCall.marks).join(Participant)
                                     .where(RollCall.id == roll_call.id)).all())
        listed = list(dict.fromkeys([*listed, *marks]))
    saved = request.args.get("saved")
    return render_template(
        "programme/roll_call.html", programme=programme, activity=activity, when=local(start), listed=listed,
        registered=registered,
        marks=marks, statuses=[(s, STATUS_LABELS[s]) for s in ATTENDANCE_STATUSES], errors=errors,
        saved=saved, walk_ins=[p for p in (saved or "").split(",") if p and p != "1"] or walk_ins,
        anonymous=roll_call.anonymous_count if roll_call is not None else 0,
        genders=[(g, GENDER_LABELS[g]) for g in ("female", "male")], ages=[(a, AGE_NAMES[a]) for a in AGE_BANDS],
        entry_statuses=[(s, STATUS_NAMES[s]) for s in ENTRY_STATUSES],
    ), status


def _flat(messages, prefix=""):
    """marshmallow's nested error messages as (field path, message) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flat(value, f"{prefix}{key}." if not isinstance(value, list) else f"{prefix}{key}")
    else:
        for message in messages:
            yield prefix.rstrip("."), message
