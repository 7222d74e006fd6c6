"""One recipient's copy of rendered VEVENTs: one date of a series as an event of its own (a registration for that
date), or the VEVENTs with the recipient's own STATUS (a place given, waiting or cancelled), and the SEQUENCE that
copy must carry. The VEVENTs themselves are rendered once, by :mod:`services.calendar.ical`; every line these do not
change stays byte for byte as rendered there.
"""

import re
from datetime import UTC, datetime

from icalendar import Event

from services.calendar.ical import _check_status, _local, folded


def date_uid(uid: str, rule_start: datetime) -> str:
    """The UID of one date of a series shown on its own: the series' UID with the date's start as the rule gives it
    (in UTC) before the domain, e.g. ``<id>-20261210T160000Z@osl.example``. The same for every mail about the date,
    whether it moves or is cancelled, and never the series' own."""
    stamp = rule_start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    name, at, domain = uid.rpartition("@")
    return f"{name}-{stamp}@{domain}" if at else f"{uid}-{stamp}"


def one_date_vevent(vevents: str, rule_start: datetime, start: datetime, end: datetime, *,
                    status: str | None = None, uid_from: datetime | None = None) -> str:
    """One date of a series as a VEVENT of its own (a registration for that date mails it): ``vevents`` are the
    series' VEVENT and those of its dates changed on their own, as :func:`ical.render_vevent` rendered them; the
    result is that VEVENT (the changed date's, when this date is one) as ``render_vevent`` renders it at
    ``start``-``end``,
    without RRULE, EXDATE or RECURRENCE-ID, under :func:`date_uid`, with ``status`` (one of :data:`ical.STATUSES`) when
    given, else the VEVENT's own. Its SEQUENCE is never lower than the series' own (calendar apps keep the highest),
    and one above when this date is cancelled for the recipient alone (:func:`sequence_shown`).

    A standalone VEVENT rather than the series' UID with a RECURRENCE-ID: the recipient's calendar does not hold the
    series, and several apps lose or refuse an instance whose series they do not have. An all-day series' date is a
    day (or as many as the series' are), from ``start``'s day in Warsaw. Only the changed properties' lines are
    rendered again; every other line stays as the series has it, byte for byte.

    ``uid_from``: the rule's start that names the date's UID when it is not ``rule_start`` (the series moved the
    date to another start as its rule gives it, after the recipient's calendar got the date under the former)."""
    if status is not None:
        _check_status(status)
    blocks = _vevent_blocks(vevents)
    components = [Event.from_ical("\r\n".join(block)) for block in blocks]
    master = next(c for c in components if "RECURRENCE-ID" not in c)
    moment = _local(rule_start)
    wanted = moment if isinstance(master.decoded("dtstart"), datetime) else moment.date()
    chosen = next((i for i, c in enumerate(components)
                   if "RECURRENCE-ID" in c and c.decoded("recurrence-id") == wanted), components.index(master))
    vevent = components[chosen]
    first, last = vevent.decoded("dtstart"), vevent.decoded("dtend")
    if not isinstance(first, datetime):  # all-day: the date's day, as long as the series' (or changed date's) days
        day = _local(start).date()
        start, end = day, day + (last - first)
    fresh = Event()
    fresh.add("uid", date_uid(str(master["uid"]), uid_from or rule_start))
    own = max(int(master["sequence"]), int(vevent["sequence"]))
    fresh.add("sequence", sequence_shown(own, str(vevent.get("status", "CONFIRMED")), status))
    fresh.add("dtstart", _local(start))
    fresh.add("dtend", _local(end))
    if status is not None:
        fresh.add("status", status)
    lines = {_property_name(line): line for line in fresh.content_lines()[1:-1] if line}
    kept = [line for line in blocks[chosen] if _property_name(line) not in ("RRULE", "EXDATE", "RECURRENCE-ID")]
    missing = [line for name, line in lines.items() if name not in {_property_name(k) for k in kept}]
    shown = [lines.get(_property_name(line), line) for line in kept[:-1]] + missing + kept[-1:]
    return folded(shown).decode()


def with_status(vevents: str, status: str) -> str:
    """VEVENTs as :func:`ical.render_vevent` rendered them (an event's, a series' with its dates changed on their own),
    each with ``status`` (one of :data:`ical.STATUSES`): its STATUS line replaced, or added where it had none; but a
    date cancelled on its own stays CANCELLED. SEQUENCE as :func:`sequence_shown` says; every other line stays as it
    was, byte for byte."""
    _check_status(status)
    shown = []
    for block in _vevent_blocks(vevents):
        if not any(_property_name(line) == "STATUS" for line in block):
            block = block[:-1] + ["STATUS:CONFIRMED"] + block[-1:]
        own = next(line.partition(":")[2].upper() for line in block if _property_name(line) == "STATUS")
        shown += [f"STATUS:{status}" if _property_name(line) == "STATUS" and own != "CANCELLED"
                  else f"SEQUENCE:{sequence_shown(int(line.partition(':')[2]), own, status)}"
                  if _property_name(line) == "SEQUENCE" else line for line in block]
    return folded(shown).decode()


def sequence_shown(own: int, own_status: str, status: str | None) -> int:
    """The SEQUENCE of a VEVENT (its ``own``, with its ``own_status``) shown to one recipient with ``status``: its
    own, but one above when it is CANCELLED for that recipient alone while the event goes on (their registration
    cancelled). Their calendar took it at its own SEQUENCE, and RFC 5546 takes a cancellation only with a higher
    one: calendar apps ignore one at the same SEQUENCE. The event's own cancellation raised its SEQUENCE already."""
    return own + 1 if status == "CANCELLED" and own_status.upper() != "CANCELLED" else own


def _vevent_blocks(vevents: str) -> list[list[str]]:
    """Rendered VEVENTs as lists of their content lines, unfolded."""
    blocks: list[list[str]] = []
    for line in vevents.replace("\r\n ", "").split("\r\n"):
        if line == "BEGIN:VEVENT":
            blocks.append([])
        if line:
            blocks[-1].append(line)
    return blocks


def _property_name(line: str) -> str:
    return re.split("[;:]", line, maxsplit=1)[0].upper()
