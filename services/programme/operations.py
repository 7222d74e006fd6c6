"""Changes to the programme records: programmes, participants and their stays, roll calls; the GDPR export and
erasure of one participant; the seed. Raise the shared errors (services/messaging/errors.py), never HTTP."""

import secrets
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select

from services.calendar.recurrence import occurrences
from services.calendar.times import local, local_date, today
from services.messaging.errors import Conflict, FieldError, Forbidden
from services.messaging.web import acts_for
from services.programme.auth import Caller
from services.programme.models import (
    Activity,
    Attendance,
    Participant,
    Programme,
    Registered,
    RegisteredMark,
    RollCall,
    Stay,
)

#: The programme the seed names (see the README): ESF-funded, with its targets.
SEED_PROGRAMME = {
    "name": "Częstochowa silna dzielnicami",
    "funding": "RPO WSL 2014–2020, EFS, działanie 9.1.2",
    "starts_on": date(2018, 4, 2), "ends_on": date(2021, 3, 31),
    "target_total": 325, "target_men": 162, "target_women": 163,
}


def seed(session) -> int:
    """The seed's programme, unless a programme of that name exists: running it again changes nothing."""
    if session.scalars(select(Programme).where(Programme.name == SEED_PROGRAMME["name"])).first() is not None:
        return 0
    session.add(Programme(**SEED_PROGRAMME, other_targets={}))
    return 1


def create_programme(session, data: dict) -> Programme:
    if data["ends_on"] < data["starts_on"]:
        raise FieldError("ends_on", "A programme ends on or after the day it starts.")
    if data["target_women"] + data["target_men"] > data["target_total"]:
        raise FieldError("target_total", "The targets by gender add up to more than the total.")
    if session.scalars(select(Programme).where(Programme.name == data["name"])).first() is not None:
        raise Conflict(f"A programme named {data['name']!r} exists already.")
    programme = Programme(**data)
    session.add(programme)
    session.flush()
    return programme


def retain_until(programme: Programme, archive_years: int) -> date:
    """The last day the participants' records are kept: the programme's end plus the archiving period."""
    end = programme.ends_on
    try:
        return end.replace(year=end.year + archive_years)
    except ValueError:  # 29 February
        return end.replace(year=end.year + archive_years, day=28)


def purge_expired(session, archive_years: int, day: date) -> int:
    """Erase the participants of every programme whose retention ended before ``day``, and the registered references
    of its roll calls and activities (_purge_registered); returns how many participants."""
    erased = 0
    programmes = session.scalars(select(Programme)).all()
    kept = [programme for programme in programmes if retain_until(programme, archive_years) >= day]
    for programme in programmes:
        if programme not in kept:
            for participant in session.scalars(select(Participant).where(Participant.programme_id == programme.id)):
                erase_participant(session, participant)
                erased += 1
            _purge_registered(session, programme, kept)
    return erased


def _purge_registered(session, programme: Programme, kept: list[Programme]) -> None:
    """Remove the ticks of registered references on the programme's roll calls, and the references no programme
    still kept may tick: those of its roll calls' activities, and those of a date in its period (or of a series with a
    date there) whether or not anybody took attendance. A date is kept while a kept programme's period holds it; a
    whole series' reference while a kept programme has a roll call of it or, if nobody ever took one, a date of it."""
    roll_calls = session.scalars(select(RollCall).where(RollCall.programme_id == programme.id)).all()
    for roll_call in roll_calls:
        roll_call.registered_marks.clear()
    called_here = {roll_call.event_id for roll_call in roll_calls}
    called = set(session.scalars(select(RollCall.event_id).distinct()))
    called_in_kept = set(session.scalars(select(RollCall.event_id).where(
        RollCall.programme_id.in_([other.id for other in kept])))) if kept else set()
    series_dates = {}

    def series_within(row: Registered, period: Programme) -> bool:
        if row.event_id not in series_dates:
            activity = session.get(Activity, row.event_id)
            series_dates[row.event_id] = activity.series() if activity is not None else None
        series = series_dates[row.event_id]
        return series is not None and bool(occurrences(series, *period.window(), limit=1))

    for row in session.scalars(select(Registered)):
        if row.occurrence_start is not None:
            day = local_date(row.occurrence_start)
            if row.event_id not in called_here and not programme.holds(day):
                continue  # another programme's, or no programme's
            needed = any(other.holds(day) for other in kept)
        elif row.event_id in called:
            if row.event_id not in called_here:
                continue
            needed = row.event_id in called_in_kept
        else:
            if not series_within(row, programme):
                continue
            needed = any(series_within(row, other) for other in kept)
        if not needed:
            session.delete(row)


def _new_pseudonym(session, programme_id: int) -> str:
    while True:
        pseudonym = secrets.token_hex(5).upper()
        taken = session.scalars(select(Participant.id).where(Participant.programme_id == programme_id,
                                                             Participant.pseudonym == pseudonym)).first()
        if taken is None:
            return pseudonym


def _check_within(programme: Programme, day: date, field: str) -> None:
    if not programme.holds(day):
        raise FieldError(field, f"Give a date within the programme, {programme.starts_on} to {programme.ends_on}.")


def add_participant(session, programme: Programme, data: dict, *, walk_in: bool = False) -> Participant:
    """A participant under a new random pseudonym, with a first stay from ``entered_on``."""
    data = dict(data)
    entered_on = data.pop("entered_on")
    _check_within(programme, entered_on, "entered_on")
    participant = Participant(programme_id=programme.id, pseudonym=_new_pseudonym(session, programme.id),
                              walk_in=walk_in, **data)
    participant.stays = [Stay(entered_on=entered_on)]
    session.add(participant)
    session.flush()
    return participant


def exit_participant(session, programme: Programme, participant: Participant, data: dict) -> Stay:
    stay = participant.stays[-1]
    if stay.exited_on is not None:
        raise Conflict(f"Participant {participant.pseudonym} left on {stay.exited_on}; record a re-entry first.")
    _check_within(programme, data["exited_on"], "exited_on")
    if data["exited_on"] < stay.entered_on:
        raise FieldError("exited_on", f"The stay began on {stay.entered_on}: give that day or a later one.")
    stay.exited_on, stay.status_at_exit = data["exited_on"], data["status_at_exit"]
    return stay


def reenter_participant(session, programme: Programme, participant: Participant, entered_on: date) -> Stay:
    """A participant who comes back: a new stay, and still one person supported."""
    last = participant.stays[-1]
    if last.exited_on is None:
        raise Conflict(f"Participant {participant.pseudonym} has not left since {last.entered_on}.")
    _check_within(programme, entered_on, "entered_on")
    if entered_on <= last.exited_on:
        raise FieldError("entered_on", f"The last stay ended on {last.exited_on}: give a later day.")
    stay = Stay(entered_on=entered_on)
    participant.stays.append(stay)
    return stay


def participant_record(session, participant: Participant) -> dict:
    """Everything held about one participant id (the GDPR export): the dimensions, the stays and the attendance."""
    marks = session.execute(
        select(RollCall.event_id, RollCall.occurrence_start, Attendance.status)
        .join(Attendance, Attendance.roll_call_id == RollCall.id)
        .where(Attendance.participant_id == participant.id).order_by(RollCall.occurrence_start)).all()
    return {
        "participant": participant,
        "attendance": [{"event_id": event_id, "occurrence_start": start, "status": status}
                       for event_id, start, status in marks],
    }


def erase_participant(session, participant: Participant) -> None:
    """Erase one participant id with its stays and attendance; the indicators, being queries, follow."""
    for mark in session.scalars(select(Attendance).where(Attendance.participant_id == participant.id)):
        session.delete(mark)
    session.delete(participant)


def activity_of(session, event_id: uuid.UUID) -> Activity:
    activity = session.get(Activity, event_id)
    if activity is None or activity.meeting:
        raise FieldError("event_id", f"No public activity {event_id} has reached this service.")
    return activity


def check_recorder(caller: Caller, activity: Activity) -> None:
    """MOPS records any roll call; an organisation only those of its own activities."""
    if not acts_for(caller, activity.organisation_id):
        raise Forbidden("An organisation records attendance only at its own activities.")


def activity_occurrences(activity: Activity, start: datetime, end: datetime):
    return occurrences(activity.series(), local(start), local(end))


def check_occurrence(activity: Activity, start: datetime) -> None:
    found = activity_occurrences(activity, start, start + timedelta(seconds=1))
    if not found or found[0].starts_at != local(start):
        raise FieldError("occurrence_start", f"{activity.title!r} has no occurrence starting at "
                                             f"{local(start).isoformat()}.")


def registered_for(session, activity: Activity, start: datetime, *, including_cancelled: bool = False) -> list:
    """The registrations (notify's references) for the activity's date starting at ``start``, or for every date of
    its series from one at or before it (``series_from``: registered once the series had begun; none: every date);
    still holding a place or waiting, unless ``including_cancelled``. In the order they arrived."""
    query = select(Registered).where(Registered.event_id == activity.id, or_(
        Registered.occurrence_start == start,
        and_(Registered.occurrence_start.is_(None),
             or_(Registered.series_from.is_(None), Registered.series_from <= start))))
    if not including_cancelled:
        query = query.where(Registered.status.in_(("confirmed", "waiting")))
    return list(session.scalars(query.order_by(Registered.id)))


def _registered_ticks(session, activity: Activity, start: datetime, marks: list[dict]) -> dict[str, tuple[int, str]]:
    """The ticks of registered references: each must be registered for this date (a cancelled one may still be
    ticked: they may come anyway). By reference: (people, status)."""
    known = {row.ref: row for row in registered_for(session, activity, start, including_cancelled=True)}
    ticks: dict[str, tuple[int, str]] = {}
    for index, mark in enumerate(marks):
        row = known.get(mark["ref"])
        if row is None:
            raise FieldError(f"registered.{index}.ref", f"No registration {mark['ref']!r} for this date.")
        if row.ref in ticks:
            raise FieldError(f"registered.{index}.ref", f"{row.ref} is ticked twice.")
        ticks[row.ref] = (row.people, mark["status"])
    return ticks


def record_roll_call(session, programme: Programme, activity: Activity, start: datetime,
                     data: dict) -> tuple[RollCall, list[Participant]]:
    """Replace the roll call of one occurrence: the ticks of participants and of registered references, the
    walk-ins recorded as participants (present), and the anonymous count. Returns the roll call and the
    participants made of the walk-ins."""
    check_occurrence(activity, start)
    if local_date(start) > today():  # attendance is what happened: its walk-ins enter the programme that day
        raise FieldError("occurrence_start", "This date has not come yet: its roll call is taken on the day.")
    _check_within(programme, local_date(start), "occurrence_start")
    roll_call = session.scalars(select(RollCall).where(
        RollCall.programme_id == programme.id, RollCall.event_id == activity.id,
        RollCall.occurrence_start == start)).first()
    if roll_call is None:
        roll_call = RollCall(programme_id=programme.id, event_id=activity.id, occurrence_start=start)
        session.add(roll_call)
    ticks: dict[int, str] = {}
    wanted = [mark["participant"] for mark in data["attendance"]]
    found = {p.pseudonym: p for p in session.scalars(select(Participant).where(
        Participant.programme_id == programme.id, Participant.pseudonym.in_(wanted)))} if wanted else {}
    for index, mark in enumerate(data["attendance"]):
        participant = found.get(mark["participant"])
        if participant is None:
            raise FieldError(f"attendance.{index}.participant", f"No participant {mark['participant']!r} in this "
                                                                "programme.")
        if participant.id in ticks:
            raise FieldError(f"attendance.{index}.participant", f"{participant.pseudonym} is ticked twice.")
        ticks[participant.id] = mark["status"]
    registered = _registered_ticks(session, activity, start, data.get("registered", []))
    walk_ins = [add_participant(session, programme, {**walk_in, "entered_on": local_date(start)}, walk_in=True)
                for walk_in in data["walk_ins"]]
    ticks.update((participant.id, "present") for participant in walk_ins)
    # Changed in place: deleting and re-adding a tick would break the (roll call, participant) uniqueness mid-flush.
    for mark in list(roll_call.marks):
        if mark.participant_id in ticks:
            mark.status = ticks.pop(mark.participant_id)
        else:
            roll_call.marks.remove(mark)
    roll_call.marks.extend(Attendance(participant_id=pid, status=status) for pid, status in ticks.items())
    for mark in list(roll_call.registered_marks):
        if mark.ref in registered:
            mark.people, mark.status = registered.pop(mark.ref)
        else:
            roll_call.registered_marks.remove(mark)
    roll_call.registered_marks.extend(RegisteredMark(ref=ref, people=people, status=status)
                                      for ref, (people, status) in registered.items())
    roll_call.anonymous_count = data["anonymous_count"]
    session.flush()
    return roll_call, walk_ins
