"""A centre's rooms on the staff pages, for MOPS staff (admins), as the API allows (``require_admin``): the list, add
a room, change one or delete one (through the shared confirmation page), each with the version the page was opened at
(a stale one is a 409 that changes nothing and shows what is saved now, with its version), by the API's schema
(``RoomSchema``) and operations, so a page refuses what the API refuses.

The form asks a room's name, capacity, equipment, accessibility and bookable hours (one span from/to per weekday).
Hours the form cannot show (two spans on a day, or a span to midnight, 24:00) are shown as they are and kept: only
the API changes them. Closures, holidays open, buffer, horizon and approval are the API's; a change here keeps them.
"""

from flask import redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select

from services.calendar.rooms import WEEKDAYS, HoursError, parse_span
from services.messaging.errors import Conflict, FieldError
from services.messaging.web import request_session
from services.partners.models import Centre, Room
from services.partners.operations import create_room, delete_room, update_room
from services.partners.pages.guards import admins_only, found, staff_blueprint
from services.partners.schemas import RoomSchema
from services.ui.errors import ANOTHER_HAS_IT, conflict_error, field_error, first_error
from services.ui.forms import FormError, form_time, max_lengths, number_bounds, typed_number
from services.ui.history import FIELD_LABELS as RECORD_FIELD_LABELS
from services.ui.labels import WEEKDAY_LABELS
from services.ui.naming import polish_sorted
from services.ui.pages import STALE_FORM, confirm_page, private_page, stale, unconfirmed

room_pages = staff_blueprint("staff_rooms", "/staff")
room_pages.before_request(admins_only)

#: The fields the form asks, labelled as the history of changes labels them.
FIELD_LABELS = {name: RECORD_FIELD_LABELS[name] for name in (
    "name", "capacity", "equipment", "step_free", "accessible_toilet", "bookable_hours")}
BOUNDS = number_bounds(RoomSchema)
SIDES = ("from", "to")


def hours_field(weekday: str, side: str) -> str:
    """The form's field of a weekday's span start (``from``) or end (``to``): ``hours_MO_from``."""
    return f"hours_{weekday}_{side}"


def _labels() -> dict:
    """Each field's label, and each weekday's from and to ("Tuesday, to"), for the error that names it."""
    sides = {"from": lambda day: _("%(day)s, from", day=day), "to": lambda day: _("%(day)s, to", day=day)}
    hours = {hours_field(code, side): sides[side](WEEKDAY_LABELS[code]) for code in WEEKDAYS for side in SIDES}
    return {**FIELD_LABELS, **hours}


def hours_in_form(hours: dict) -> bool:
    """Whether the form's one span from/to per weekday can show ``hours`` (no day of two spans, none to 24:00)."""
    return all(len(spans) <= 1 and not span.endswith("24:00") for spans in hours.values() for span in spans)


def _values(room: Room | None) -> dict:
    """What the form shows of ``room`` (or of a new room), as the form posts it."""
    if room is None:
        return {}
    values = {"name": room.name, "capacity": "" if room.capacity is None else str(room.capacity),
              "equipment": "\n".join(room.equipment or []), "step_free": "1" if room.step_free else "",
              "accessible_toilet": "1" if room.accessible_toilet else ""}
    if hours_in_form(room.bookable_hours or {}):
        for code, spans in (room.bookable_hours or {}).items():
            for side, time_text in zip(SIDES, spans[0].split("-"), strict=True):
                values[hours_field(code, side)] = time_text
    return values


def _hours(form) -> dict[str, list[str]]:
    """The weekdays' spans as the schema takes them; a weekday left empty is not bookable. A FormError names the
    time that is none, or the end that is not after the start (``parse_span``: the calendar's one rule of it)."""
    hours = {}
    for code in WEEKDAYS:
        typed = {side: form.get(hours_field(code, side), "").strip() for side in SIDES}
        if not any(typed.values()):
            continue
        times = {side: form_time(text, hours_field(code, side)) for side, text in typed.items()}
        span = f"{times['from']:%H:%M}-{times['to']:%H:%M}"
        try:
            parse_span(span)
        except HoursError:
            raise FormError(hours_field(code, "to"), "The end must be after the start.") from None
        hours[code] = [span]
    return hours


def _loaded(form, centre: Centre, room: Room | None) -> dict:
    """The form as the API takes a room, loaded by its schema (a new room in ``centre``; a change of ``room`` keeps
    what the form does not ask, and hours the form cannot show)."""
    data = {"name": form.get("name", ""), "capacity": typed_number(form.get("capacity", "")),
            "equipment": [line.strip() for line in form.get("equipment", "").splitlines() if line.strip()],
            "step_free": form.get("step_free") == "1", "accessible_toilet": form.get("accessible_toilet") == "1"}
    if room is None or hours_in_form(room.bookable_hours or {}):
        data["bookable_hours"] = _hours(form)
    if room is None:
        data["centre"] = centre.slug
    return RoomSchema(partial=room is not None).load(data)


def _refusal(exc: FormError | FieldError | ValidationError | Conflict) -> tuple[str | None, str]:
    """The field at fault (None: the room as a whole) and what is wrong, naming the field by its label."""
    if isinstance(exc, Conflict):
        return getattr(exc, "field", None), conflict_error(exc, _labels())
    field, message = first_error(exc) if isinstance(exc, ValidationError) else (exc.field, exc.message)
    otherwise = None
    if field in BOUNDS:
        otherwise = _("Give a whole number from %(min)s to %(max)s.", **BOUNDS[field])
    elif field == "name" and isinstance(exc, FieldError):  # another room of the centre has this name
        otherwise = _(ANOTHER_HAS_IT)
    return field, field_error(field, message, _labels(), otherwise=otherwise)


def _form_page(centre: Centre, room: Room | None, values, status: int = 200, error=None, failed=None):
    return private_page("partners_pages/staff/room.html", status, centre=centre, room=room, values=values,
                        labels=_labels(), limits=max_lengths(RoomSchema), bounds=BOUNDS, weekdays=WEEKDAYS,
                        day_names=WEEKDAY_LABELS, hours_editable=room is None or hours_in_form(room.bookable_hours),
                        error=error, failed=failed)


def _room(room_id: int) -> tuple[Room, Centre]:
    room = found(Room, room_id, _("No such room."))
    return room, request_session().get(Centre, room.centre_id)


def room_counts(session) -> dict[int, int]:
    """How many rooms each centre has, by the centre's id."""
    return dict(session.execute(select(Room.centre_id, func.count(Room.id)).group_by(Room.centre_id)).all())


@room_pages.get("/centres/<int:centre_id>/rooms")
def rooms(centre_id: int):
    centre = found(Centre, centre_id, _("No such centre."))
    listed = polish_sorted(request_session().scalars(select(Room).where(Room.centre_id == centre.id)))
    return private_page("partners_pages/staff/rooms.html", centre=centre, rooms=listed, labels=FIELD_LABELS,
                        day_names=WEEKDAY_LABELS, saved=request.args.get("saved"),
                        deleted=request.args.get("deleted"))


@room_pages.get("/centres/<int:centre_id>/rooms/new")
def new(centre_id: int):
    return _form_page(found(Centre, centre_id, _("No such centre.")), None, {})


def _saved(centre: Centre, room: Room | None):
    """Add the form's room to ``centre``, or change ``room``: 303 to the centre's rooms, or the form again with what
    was typed and the field at fault."""
    session = request_session()
    try:
        loaded = _loaded(request.form, centre, room)
        if room is None:
            create_room(session, loaded)
        else:
            update_room(session, room, loaded)
    except (FormError, FieldError, ValidationError, Conflict) as exc:
        session.rollback()
        field, error = _refusal(exc)
        return _form_page(centre, room, request.form, 409 if isinstance(exc, Conflict) else 422, error, field)
    session.commit()
    return redirect(url_for("staff_rooms.rooms", centre_id=centre.id, saved=1), 303)


@room_pages.post("/centres/<int:centre_id>/rooms/new")
def add(centre_id: int):
    return _saved(found(Centre, centre_id, _("No such centre.")), None)


@room_pages.get("/rooms/<int:room_id>")
def edit(room_id: int):
    room, centre = _room(room_id)
    return _form_page(centre, room, _values(room))


@room_pages.post("/rooms/<int:room_id>")
def change(room_id: int):
    room, centre = _room(room_id)
    if stale(room):  # what is saved now, with its version: sending it again cannot overwrite the other change
        return _form_page(centre, room, _values(room), 409, STALE_FORM)
    return _saved(centre, room)


@room_pages.get("/rooms/<int:room_id>/delete")
def confirm_delete(room_id: int):
    room, _centre = _room(room_id)
    # The version of the page MOPS came from (the link carries it), else the one the question shows.
    version = request.args.get("version", str(room.version))
    return confirm_page(_("Delete the room “%(name)s”?", name=room.name),
                        [_("Its bookings stay in the events service's calendar, naming a room that is gone.")],
                        url_for("staff_rooms.edit", room_id=room.id), yes=_("Yes, delete"),
                        carried={"version": version})


@room_pages.post("/rooms/<int:room_id>/delete")
def delete(room_id: int):
    room, centre = _room(room_id)
    if (ask := unconfirmed()) is not None:
        return ask
    if stale(room):  # based on an older version: what is saved now, and nothing deleted
        return _form_page(centre, room, _values(room), 409, STALE_FORM)
    session = request_session()
    try:
        delete_room(session, room)
    except Conflict as exc:
        session.rollback()
        return _form_page(centre, room, _values(room), 409, _refusal(exc)[1])
    session.commit()
    return redirect(url_for("staff_rooms.rooms", centre_id=centre.id, deleted=1), 303)
