"""The roll call as a page, for staff on a phone: an activity's dates, and one date's form. Plain HTML forms, no
JavaScript; the same rules as the API (services/programme/operations.py). Staff sign in once at partners (the
session cookie); a bearer token still works. The form carries a CSRF token (services/ui/csrf.py)."""

import uuid

from flask import abort, redirect, request, url_for
from flask_babel import force_locale
from marshmallow import ValidationError
from sqlalchemy import select

from services.calendar.times import from_wire, local, to_wire
from services.messaging.errors import FieldError, Forbidden
from services.messaging.web import request_session
from services.programme import operations
from services.programme.api import get_programme, registered_view
from services.programme.auth import require_page_caller
from services.programme.dashboard import AGE_NAMES, STATUS_NAMES, in_polish, pages
from services.programme.labels import GENDER_LABELS
from services.programme.models import AGE_BANDS, ATTENDANCE_STATUSES, ENTRY_STATUSES, Attendance, Participant, RollCall
from services.programme.queries import district_names
from services.programme.schemas import MOST_ANONYMOUS, RollCallInSchema
from services.ui import csrf
from services.ui.errors import field_error
from services.ui.naming import polish_key
from services.ui.pages import private_page

#: The answer to a form without its CSRF token (services/ui/csrf.py): nothing is saved.
STALE_FORM = "Formularz wygasł lub nie pochodzi z tej strony: odśwież stronę i wyślij go ponownie."
STATUS_LABELS = {"present": "obecny", "excused": "usprawiedliwiony", "absent": "nieobecny"}
#: The form's words for the fields an error may name (the API's body: services/programme/schemas.py RollCallInSchema).
FIELD_LABELS = {"attendance": "Uczestnicy programu", "registered": "Zapisani na ten termin",
                "walk_ins": "Nowy uczestnik", "gender": "Płeć", "age_band": "Wiek",
                "status_at_entry": "Sytuacja na rynku pracy", "district": "Dzielnica",
                "anonymous_count": "Osoby policzone bez zapisu", "occurrence_start": "Termin"}
#: The walk-in's fields, each posted as ``walk_in-<name>``.
WALK_IN_FIELDS = ("gender", "age_band", "status_at_entry", "district")
CHOOSE = "wybierz jedną z pozycji na liście."
#: What each field wants, by the last part of its name in the API's body: the reason the page gives where the
#: catalogue has no Polish for the API's message (services/ui/errors.py). Only what the form can send is here.
REASONS = {"participant": "nie ma takiego uczestnika w tym programie.", "ref": "nie ma takiego zapisu na ten termin.",
           "status": "wybierz: obecny, usprawiedliwiony albo nieobecny.", "gender": CHOOSE, "age_band": CHOOSE,
           "status_at_entry": CHOOSE, "district": "wybierz dzielnicę z listy.",
           "anonymous_count": f"podaj liczbę całkowitą od 0 do {MOST_ANONYMOUS}.",
           "occurrence_start": "ten termin jest poza okresem programu."}


def _row(data: dict, parts: list[str]) -> dict | None:
    """The row of the body's ``attendance`` or ``registered`` an error's field names (``attendance.2.participant``),
    or None for another field."""
    if parts[0] not in ("attendance", "registered") or len(parts) < 2 or not parts[1].isdigit():
        return None
    rows = data.get(parts[0]) or []
    return rows[int(parts[1])] if int(parts[1]) < len(rows) else {}


def said_in_polish(field: str, message: str, data: dict) -> str:
    """An error of the roll call's body as the page says it, in Polish as the page is (services/ui/errors.py): the
    field by the form's words, with the pseudonym or reference of the row it names, and why."""
    parts = field.split(".")
    name = FIELD_LABELS.get(parts[-1] if parts[0] == "walk_ins" else parts[0], field)
    row = _row(data, parts) or {}
    shown = row.get("participant") or row.get("ref")
    name = f"{name} ({shown})" if shown else name
    with force_locale("pl"):
        return field_error(field, message, {field: name}, otherwise=REASONS.get(parts[-1]))


def form_field(field: str, data: dict, listed: list[str]) -> str | None:
    """The id of the form's field an error of the body's ``field`` belongs next to: a ticked row's group, the
    pseudonyms typed in, a walk-in's field, the count; None for the form as a whole."""
    parts = field.split(".")
    row = _row(data, parts)
    if row is not None:
        if parts[0] == "registered":
            return f"reg-{row['ref']}" if row.get("ref") else None
        pseudonym = row.get("participant")
        return f"mark-{pseudonym}" if pseudonym in listed else "add"
    if parts[0] == "walk_ins" and len(parts) == 3 and parts[2] in WALK_IN_FIELDS:
        return f"walk_in-{parts[2]}"
    return "anonymous_count" if field == "anonymous_count" else None


def _activity(session, event_id: uuid.UUID):
    """Who opens the page, and the activity they may record the roll calls of (else 404 or 403)."""
    caller = require_page_caller()
    try:
        activity = operations.activity_of(session, event_id)
        operations.check_recorder(caller, activity)
    except FieldError:
        abort(404)
    except Forbidden as exc:
        abort(403, str(exc))
    return caller, activity


@pages.route("/programmes/<int:programme_id>/activities/<uuid:event_id>/")
def activity_dates(programme_id: int, event_id: uuid.UUID):
    session = request_session()
    programme = get_programme(session, programme_id)
    caller, activity = _activity(session, event_id)
    found = operations.activity_occurrences(activity, *programme.window())
    recorded = set(session.scalars(select(RollCall.occurrence_start).where(
        RollCall.programme_id == programme.id, RollCall.event_id == activity.id)))
    return in_polish(private_page, "programme/activity.html", programme=programme, activity=activity,
                     is_admin=caller.is_admin,
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
    # Typed twice is still one tick.
    added = dict.fromkeys(p.strip().upper() for p in form.get("add", "").replace(";", ",").split(",") if p.strip())
    marks += [{"participant": p, "status": "present"} for p in added if p not in listed]
    walk_ins = []
    if form.get("walk_in-gender"):
        walk_ins.append({name: form.get(f"walk_in-{name}", "") for name in WALK_IN_FIELDS})
    count = form.get("anonymous_count", "").strip() or "0"
    try:
        count = int(count)
    except ValueError:
        pass  # left as text: the schema refuses it, naming the field
    return {"attendance": marks, "registered": registered, "walk_ins": walk_ins, "anonymous_count": count}


def district_choices(session, chosen: str) -> list[tuple[str, str]]:
    """The districts a walk-in may live in, (slug, Polish name) in Polish order: those programme knows from the
    partners' district messages and its activities (queries.district_names); and ``chosen`` as it was posted, if it
    is none of them, so that a refused form shows it again (marked as not of the list)."""
    names = district_names(session)
    if chosen and chosen not in names:
        names[chosen] = f"{chosen} (spoza listy)"
    return sorted(names.items(), key=lambda item: polish_key(item[1]))


@pages.route("/programmes/<int:programme_id>/roll-calls/<uuid:event_id>/<occurrence_start>",
             methods=["GET", "POST"])
def roll_call_page(programme_id: int, event_id: uuid.UUID, occurrence_start: str):
    session = request_session()
    programme = get_programme(session, programme_id)
    _, activity = _activity(session, event_id)
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
    errors, status = [], 200
    if request.method == "POST":
        sent = _form_data(request.form, listed, [row["ref"] for row in registered])
        if not csrf.valid():
            errors, status = [(None, STALE_FORM)], 400
        else:
            try:
                data = RollCallInSchema().load(sent)
                roll_call, made = operations.record_roll_call(session, programme, activity, start, data)
            except ValidationError as exc:
                errors = [(form_field(field, sent, listed), said_in_polish(field, message, sent))
                          for field, message in _flat(exc.messages)]
            except FieldError as exc:
                errors = [(form_field(exc.field, sent, listed), said_in_polish(exc.field, exc.message, sent))]
            else:
                session.commit()
                return redirect(url_for(".roll_call_page", programme_id=programme.id, event_id=activity.id,
                                        occurrence_start=occurrence_start, saved=",".join(p.pseudonym for p in made)
                                        or "1"), 303)
            session.rollback()
            status = 422
        # Refused: the form again as it was posted, each error next to its field.
        marks = {mark["participant"]: mark["status"] for mark in sent["attendance"] if mark["participant"] in listed}
        ticked = {mark["ref"]: mark["status"] for mark in sent["registered"]}
        registered = [{**row, "status": ticked.get(row["ref"])} for row in registered]
        shown = request.form
    else:
        marks = {}
        if roll_call is not None:
            marks = dict(session.execute(select(Participant.pseudonym, Attendance.status)
                                         .join_from(RollCall, RollCall.marks).join(Participant)
                                         .where(RollCall.id == roll_call.id)).all())
            listed = list(dict.fromkeys([*listed, *marks]))
        shown = {"walk_in-district": activity.district_slug,
                 "anonymous_count": roll_call.anonymous_count if roll_call is not None else 0}
    saved = request.args.get("saved")
    next_to = {}
    for field_id, message in errors:
        if field_id:
            next_to[field_id] = f"{next_to[field_id]} {message}" if field_id in next_to else message
    return in_polish(
        private_page, "programme/roll_call.html", status, programme=programme, activity=activity, when=local(start),
        listed=listed, registered=registered,
        marks=marks, statuses=[(s, STATUS_LABELS[s]) for s in ATTENDANCE_STATUSES], errors=errors, next_to=next_to,
        saved=saved, walk_ins=[p for p in (saved or "").split(",") if p and p != "1"], shown=shown,
        most_anonymous=MOST_ANONYMOUS,
        genders=[(g, GENDER_LABELS[g]) for g in ("female", "male")], ages=[(a, AGE_NAMES[a]) for a in AGE_BANDS],
        entry_statuses=[(s, STATUS_NAMES[s]) for s in ENTRY_STATUSES],
        districts=district_choices(session, shown.get("walk_in-district", "")),
    )


def _flat(messages, prefix=""):
    """marshmallow's nested error messages as (field path, message) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flat(value, f"{prefix}{key}." if not isinstance(value, list) else f"{prefix}{key}")
    else:
        for message in messages:
            yield prefix.rstrip("."), message
