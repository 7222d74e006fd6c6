"""The indicators, computed by queries over the records every time: no counter is kept that could drift.

A participant is one person however many stays they have: counted from the first entry, with the status at the
last exit (once every stay has ended). Dimensions are broken down by gender, as the ESF common indicators are.
"""

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import aliased

from services.calendar.recurrence import occurrences
from services.calendar.times import local
from services.programme.models import (
    AGE_BANDS,
    ANSWERS,
    ATTENDANCE_STATUSES,
    COUNTED,
    ENTRY_STATUSES,
    EXIT_STATUSES,
    FLAGS,
    GENDERS,
    Activity,
    Attendance,
    District,
    Participant,
    Programme,
    RegisteredMark,
    RollCall,
    Stay,
)
from services.ui.naming import polish_key

TOTAL = "total"
#: The breakdowns of the participants and the values each takes (the district's are whatever was recorded).
DIMENSIONS = {"age_band": AGE_BANDS, "status_at_entry": ENTRY_STATUSES, "status_at_exit": EXIT_STATUSES,
              **{flag: ANSWERS for flag in FLAGS}, "district": None}


def _spans(programme_id: int):
    """Per participant: the first entry, the last exit (None while a stay is open) and the last stay's start."""
    open_stays = func.sum(case((Stay.exited_on.is_(None), 1), else_=0))
    return (select(Stay.participant_id.label("participant_id"), func.min(Stay.entered_on).label("first_entry"),
                   case((open_stays == 0, func.max(Stay.exited_on)), else_=None).label("last_exit"),
                   func.max(Stay.entered_on).label("last_entry"), func.count().label("stays"))
            .join(Participant, Participant.id == Stay.participant_id)
            .where(Participant.programme_id == programme_id).group_by(Stay.participant_id).subquery())


def people(session, programme_id: int):
    """One row per participant: the dimensions, the first entry, the last exit and its status, and the stays.

    One query; the counting is done on its rows, so every figure comes from the records as they are now."""
    spans = _spans(programme_id)
    last = aliased(Stay)
    columns = [getattr(Participant, name) for name in ("id", "pseudonym", "gender", "walk_in", *DIMENSIONS)
               if name != "status_at_exit"]
    return session.execute(
        select(*columns, spans.c.first_entry, spans.c.last_exit, spans.c.stays,
               last.status_at_exit.label("status_at_exit"))
        .join(spans, spans.c.participant_id == Participant.id)
        .join(last, and_(last.participant_id == Participant.id, last.entered_on == spans.c.last_entry))
        .order_by(Participant.id)).all()


def _by_gender(tally: Counter, key=()) -> dict[str, int]:
    counts = {gender: tally[(*key, gender)] for gender in GENDERS}
    counts[TOTAL] = sum(counts.values())
    return counts


def indicators(session, programme: Programme, as_of: date) -> dict:
    """People supported so far by gender against the targets, and the participants by each dimension.

    Supported: first entry on or before ``as_of``. The status at exit is the last stay's, once every stay has ended
    by ``as_of``.
    """
    tally: Counter = Counter()
    rows = people(session, programme.id)
    if rows:
        # Plain tuples and column positions: this loop runs once per participant on every dashboard.
        position = {name: rows[0]._fields.index(name) for name in ("first_entry", "last_exit", "gender", "stays",
                                                                    "walk_in", *DIMENSIONS)}
        at = [(name, position[name]) for name in DIMENSIONS if name != "status_at_exit"]
        first, last, sex, stays, walk_in, status_at_exit = (position[name] for name in (
            "first_entry", "last_exit", "gender", "stays", "walk_in", "status_at_exit"))
        for row in map(tuple, rows):
            if row[first] > as_of:
                continue
            gender = row[sex]
            tally[(gender,)] += 1
            tally[("returned", gender)] += row[stays] > 1
            tally[("walk_in", gender)] += row[walk_in]
            for name, index in at:
                tally[(name, row[index], gender)] += 1
            if row[last] is not None and row[last] <= as_of:
                tally[("status_at_exit", row[status_at_exit], gender)] += 1
    dimensions = {}
    for name, values in DIMENSIONS.items():
        keys = values if values is not None else sorted({key[1] for key in tally if key[0] == name})
        dimensions[name] = {value: _by_gender(tally, (name, value)) for value in keys}
    return {
        "as_of": as_of,
        "supported": _by_gender(tally),
        "targets": {"female": programme.target_women, "male": programme.target_men, TOTAL: programme.target_total},
        "other_targets": dict(programme.other_targets or {}),
        "returned": _by_gender(tally, ("returned",)),
        "walk_ins": _by_gender(tally, ("walk_in",)),
        "dimensions": dimensions,
    }


def _ticks(programme_id: int):
    """Per roll call of the programme: its ticks counted by status, and those that count as attendance. A
    participant's tick is one person; a registered reference's (from notify) is as many as it registered."""
    marks = union_all(
        select(Attendance.roll_call_id, Attendance.status, literal(1).label("people")),
        select(RegisteredMark.roll_call_id, RegisteredMark.status, RegisteredMark.people)).subquery()
    return (select(marks.c.roll_call_id,
                   *(func.sum(case((marks.c.status == status, marks.c.people), else_=0)).label(status)
                     for status in ATTENDANCE_STATUSES),
                   func.sum(case((marks.c.status.in_(COUNTED), marks.c.people), else_=0)).label("counted"))
            .join(RollCall, RollCall.id == marks.c.roll_call_id).where(RollCall.programme_id == programme_id)
            .group_by(marks.c.roll_call_id).subquery())


def _of(query, organisation_id: int | None):
    return query if organisation_id is None else query.where(Activity.organisation_id == organisation_id)


def visits(session, programme_id: int, organisation_id: int | None = None):
    """Per roll call: the activity, its district, the occurrence's start, the ticks by status and the attendances
    that count (the ticks whose status counts, and the anonymous walk-ins). One scan of the ticks."""
    ticks = _ticks(programme_id)
    return session.execute(_of(
        select(RollCall.event_id, Activity.district_slug, RollCall.occurrence_start, RollCall.anonymous_count,
               *(func.coalesce(ticks.c[status], 0).label(status) for status in ATTENDANCE_STATUSES),
               (RollCall.anonymous_count + func.coalesce(ticks.c.counted, 0)).label("attended"))
        .join(Activity, Activity.id == RollCall.event_id).outerjoin(ticks, ticks.c.roll_call_id == RollCall.id)
        .where(RollCall.programme_id == programme_id), organisation_id)).all()


def month_of(moment) -> str:
    return local(moment).strftime("%Y-%m")


def attendance(session, programme: Programme, organisation_id: int | None = None) -> dict:
    """Attendance per activity and per month (Warsaw time); an organisation's own activities only when given."""
    activities: dict = {}
    months: dict = defaultdict(lambda: {"roll_calls": 0, "attended": 0})
    for row in visits(session, programme.id, organisation_id):
        item = activities.setdefault(row.event_id, dict.fromkeys(
            ("roll_calls", *ATTENDANCE_STATUSES, "anonymous", "attended"), 0))
        item["roll_calls"] += 1
        for status in ATTENDANCE_STATUSES:
            item[status] += getattr(row, status)
        item["anonymous"] += row.anonymous_count
        item["attended"] += row.attended
        month = months[month_of(row.occurrence_start)]
        month["roll_calls"] += 1
        month["attended"] += row.attended
    named = session.execute(select(Activity.id, Activity.title, Activity.organisation_name, Activity.district_slug)
                            .where(Activity.id.in_(list(activities)))).all() if activities else []
    return {
        "activities": sorted(({"event_id": row.id, "title": row.title, "organisation": row.organisation_name,
                               "district": row.district_slug, **activities[row.id]} for row in named),
                             key=lambda item: (polish_key(item["title"]), str(item["event_id"]))),
        "months": [{"month": month, **values} for month, values in sorted(months.items())],
    }


def district_names(session) -> dict[str, str]:
    """The Polish name of each district slug ("rakow" → "Raków"), from the partners' district messages, else as the
    events' messages gave it."""
    names = dict(session.execute(select(Activity.district_slug, Activity.district_name).distinct()).all())
    names.update(session.execute(select(District.slug, District.name).where(District.deleted_at.is_(None))).all())
    return names


def activities_within(session, programme: Programme, meetings: bool = False) -> list[Activity]:
    """The activities not cancelled with a date within the programme, by title (and partner meetings too, with
    ``meetings``): a weekly series begun before the programme counts when one of its dates falls inside it."""
    start, end = programme.window()
    query = select(Activity).where(Activity.starts_at < end, Activity.status != "cancelled")
    if not meetings:
        query = query.where(Activity.meeting.is_(False))
    found = [activity for activity in session.scalars(query) if occurrences(activity.series(), start, end, limit=1)]
    return sorted(found, key=lambda activity: (polish_key(activity.title), str(activity.id)))


def activities_by_district(session, programme: Programme) -> dict[str, dict[str, int]]:
    """Activities and partner meetings not cancelled with a date within the programme (:func:`activities_within`),
    per district."""
    counts: dict = defaultdict(lambda: {"activities": 0, "meetings": 0})
    for activity in activities_within(session, programme, meetings=True):
        counts[activity.district_slug]["meetings" if activity.meeting else "activities"] += 1
    return dict(sorted(counts.items()))


def public_statistics(session, programme: Programme, small: int) -> dict:
    """Counts only, per district and month: people who entered (first entry) and attendances; any count under
    ``small`` is shown as "< 5" so that no one can be singled out."""
    entered: dict = defaultdict(int)
    for row in people(session, programme.id):
        entered[(row.district, row.first_entry.strftime("%Y-%m"))] += 1
    attended: dict = defaultdict(int)
    for row in visits(session, programme.id):
        attended[(row.district_slug, month_of(row.occurrence_start))] += row.attended
    cells = sorted(set(entered) | set(attended))
    return {"rows": [{"district": district, "month": month,
                      "participants": suppress(entered.get((district, month), 0), small),
                      "attendances": suppress(attended.get((district, month), 0), small)}
                     for district, month in cells]}


def suppress(count: int, small: int) -> int | str:
    """A count, or "< 5" when it is small enough to point at a person."""
    return f"< {small}" if count < small else count
