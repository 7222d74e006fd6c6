"""The indicators, computed by queries over the records every time: no counter is kept that could drift.

A participant is one person however many stays they have: counted from the first entry, with the status at the
last exit (once every stay has ended). Dimensions are broken down by gender, as the ESF common indicators are.
"""

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, case, func, select

from services.calendar.times import local
from services.programme.models import (
    AGE_BANDS,
    ANSWERS,
    COUNTED,
    ENTRY_STATUSES,
    EXIT_STATUSES,
    FLAGS,
    GENDERS,
    Activity,
    Attendance,
    Participant,
    Programme,
    RollCall,
    Stay,
)

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


def _by_gender(rows) -> dict[str, int]:
    counts = {gender: 0 for gender in GENDERS}
    for gender, count in rows:
        counts[gender] = counts.get(gender, 0) + count
    counts[TOTAL] = sum(counts.values())
    return counts


def _breakdown(rows, values) -> dict[str, dict[str, int]]:
    """``{value: {female, male, total}}`` from (value, gender, count) rows, every known value present."""
    found: dict[str, list] = defaultdict(list)
    for value, gender, count in rows:
        found[value].append((gender, count))
    keys = list(values) if values is not None else sorted(found)
    return {value: _by_gender(found.get(value, [])) for value in keys}


def indicators(session, programme: Programme, as_of: date) -> dict:
    """People supported so far by gender against the targets, and the participants by each dimension."""
    spans = _spans(programme.id)
    supported = (select(Participant).join(spans, spans.c.participant_id == Participant.id)
                 .where(spans.c.first_entry <= as_of).subquery())
    rows = session.execute(select(supported.c.gender, func.count()).group_by(supported.c.gender)).all()
    dimensions = {}
    for name, values in DIMENSIONS.items():
        if name == "status_at_exit":
            continue
        column = supported.c[name]
        dimensions[name] = _breakdown(session.execute(
            select(column, supported.c.gender, func.count()).group_by(column, supported.c.gender)).all(), values)
    # The status at exit is the last stay's, once every stay has ended by ``as_of``.
    last_stay = and_(Stay.participant_id == spans.c.participant_id, Stay.entered_on == spans.c.last_entry)
    exits = session.execute(
        select(Stay.status_at_exit, Participant.gender, func.count())
        .join(spans, last_stay).join(Participant, Participant.id == Stay.participant_id)
        .where(spans.c.last_exit.is_not(None), spans.c.last_exit <= as_of)
        .group_by(Stay.status_at_exit, Participant.gender)).all()
    dimensions["status_at_exit"] = _breakdown(exits, EXIT_STATUSES)
    returned = session.execute(select(supported.c.gender, func.count()).join(
        spans, spans.c.participant_id == supported.c.id).where(spans.c.stays > 1).group_by(supported.c.gender)).all()
    walk_ins = session.execute(select(supported.c.gender, func.count()).where(supported.c.walk_in)
                               .group_by(supported.c.gender)).all()
    return {
        "as_of": as_of,
        "supported": _by_gender(rows),
        "targets": {"female": programme.target_women, "male": programme.target_men, TOTAL: programme.target_total},
        "other_targets": dict(programme.other_targets or {}),
        "returned": _by_gender(returned),
        "walk_ins": _by_gender(walk_ins),
        "dimensions": dimensions,
    }


def _roll_calls(session, programme_id: int, organisation_id: int | None):
    """Each roll call with its activity and its counts by status."""
    counts = {status: func.sum(case((Attendance.status == status, 1), else_=0)) for status in
              ("present", "excused", "absent")}
    query = (select(RollCall.event_id, RollCall.occurrence_start, RollCall.anonymous_count, Activity.title,
                    Activity.organisation_name, Activity.district_slug, *(c.label(s) for s, c in counts.items()))
             .join(Activity, Activity.id == RollCall.event_id)
             .outerjoin(Attendance, Attendance.roll_call_id == RollCall.id)
             .where(RollCall.programme_id == programme_id)
             .group_by(RollCall.id, RollCall.event_id, RollCall.occurrence_start, RollCall.anonymous_count,
                       Activity.title, Activity.organisation_name, Activity.district_slug))
    if organisation_id is not None:
        query = query.where(Activity.organisation_id == organisation_id)
    return session.execute(query).all()


def attended(row) -> int:
    """Attendances of one roll call that count: the ticks whose status counts, and the anonymous walk-ins."""
    return sum(getattr(row, status) or 0 for status in COUNTED) + row.anonymous_count


def month_of(moment) -> str:
    return local(moment).strftime("%Y-%m")


def attendance(session, programme: Programme, organisation_id: int | None = None) -> dict:
    """Attendance per activity and per month (Warsaw time); an organisation's own activities only when given."""
    activities: dict = {}
    months: dict = defaultdict(lambda: {"roll_calls": 0, "attended": 0})
    for row in _roll_calls(session, programme.id, organisation_id):
        item = activities.setdefault(row.event_id, {
            "event_id": row.event_id, "title": row.title, "organisation": row.organisation_name,
            "district": row.district_slug, "roll_calls": 0, "present": 0, "excused": 0, "absent": 0,
            "anonymous": 0, "attended": 0})
        item["roll_calls"] += 1
        for status in ("present", "excused", "absent"):
            item[status] += getattr(row, status) or 0
        item["anonymous"] += row.anonymous_count
        item["attended"] += attended(row)
        month = months[month_of(row.occurrence_start)]
        month["roll_calls"] += 1
        month["attended"] += attended(row)
    return {
        "activities": sorted(activities.values(), key=lambda item: (item["title"], str(item["event_id"]))),
        "months": [{"month": month, **values} for month, values in sorted(months.items())],
    }


def public_statistics(session, programme: Programme, small: int) -> dict:
    """Counts only, per district and month: people who entered (first entry) and attendances; any count under
    ``small`` is shown as "< 5" so that no one can be singled out."""
    spans = _spans(programme.id)
    entered: dict = defaultdict(int)
    for district, first_entry, count in session.execute(
            select(Participant.district, spans.c.first_entry, func.count())
            .join(spans, spans.c.participant_id == Participant.id)
            .group_by(Participant.district, spans.c.first_entry)):
        entered[(district, first_entry.strftime("%Y-%m"))] += count
    visits: dict = defaultdict(int)
    for row in _roll_calls(session, programme.id, None):
        visits[(row.district_slug, month_of(row.occurrence_start))] += attended(row)
    cells = sorted(set(entered) | set(visits))
    return {"rows": [{"district": district, "month": month,
                      "participants": suppress(entered.get((district, month), 0), small),
                      "attendances": suppress(visits.get((district, month), 0), small)}
                     for district, month in cells]}


def suppress(count: int, small: int) -> int | str:
    """A count, or "< 5" when it is small enough to point at a person."""
    return f"< {small}" if count < small else count
