"""Keeping a source's events in sync with its feed, by key, through the events' own operations.

Each UID of the feed is one event, found again by ``(source, UID)``; the dates its calendar changed on their own
(VEVENTs with a RECURRENCE-ID) are that event's overrides, keyed by RECURRENCE-ID. A content hash of each decides:

- the same hash: nothing is written, so no message and no notice;
- a new UID: ``insert_events`` (``event.published`` each);
- a changed one: ``change_event`` with the new values and overrides (``event.updated`` or ``event.cancelled``,
  with the notices that follow), each override made by the same rule as ``PUT .../occurrences/{start}``;
- a UID that is gone from a feed read whole: cancelled (never deleted). An event cancelled here stays cancelled.

Moderation applies as to the API's events (services/events/moderation.py): the new events of an organisation that
needs review are withheld (no message, so no resident is told) and wait in the queue until an admin approves them; a
change from the calendar to a withheld event sends it for review again.

Events that end before the import window, or whose series has no date in it, are not made (an event already
made is left as it is).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from services.calendar import recurrence
from services.calendar.recurrence import Series
from services.events import moderation
from services.events.imports.parse import Feed, Item
from services.events.models import Centre, Event, ImportSource
from services.events.occurrences import occurrence_override
from services.events.operations import change_event, insert_events
from services.messaging.errors import Conflict, FieldError

log = logging.getLogger(__name__)


@dataclass
class Counts:
    new: int = 0
    changed: int = 0
    cancelled: int = 0
    unchanged: int = 0


def defaults(source: ImportSource) -> dict:
    """What the source gives every event of it, part of each event's hash: a change of these updates them all."""
    return {"district_id": source.district_id, "centre_id": source.centre_id, "audiences": list(source.audiences),
            "category": source.category, "organisation_id": source.organisation_id}


def sync(session, source: ImportSource, feed: Feed, window: tuple[datetime, datetime], warnings: list) -> Counts:
    """Apply a feed read whole to the source's events, in the caller's transaction; returns the counts."""
    counts = Counts()
    given = defaults(source)
    centre = session.get(Centre, source.centre_id) if source.centre_id else None
    visibility = moderation.WITHHELD if moderation.needs_review(session, source.organisation_id) else "public"
    # Every imported UID with its status (light rows), and whole events only for the UIDs parsed this time.
    states = dict(session.execute(select(Event.import_uid, Event.status)
                                  .where(Event.import_source_id == source.id)).all())
    existing = _events(session, source, [item.uid for item in feed.items if item.uid in states])
    seen, new = set(feed.unchanged), []
    counts.unchanged = sum(1 for uid in feed.unchanged if uid in states)
    for item in feed.items:
        seen.add(item.uid)
        event = existing.get(item.uid)
        hashes = item.hashes(given)
        if event is not None and _compared(event.import_hashes) == hashes:
            if (event.import_hashes or {}).get(RAW) != item.raw:  # other bytes, the same event: remember them
                event.import_hashes = {**hashes, RAW: item.raw}
            counts.unchanged += 1
            continue
        hashes[RAW] = item.raw
        if event is None and not _in_window(item, window):
            continue
        values = _values(item, given, centre)
        if event is None:
            values["overrides"] = _overrides(None, values, item, warnings)
            new.append({**values, "visibility": visibility, "import_source_id": source.id, "import_uid": item.uid,
                        "import_hashes": hashes})
            continue
        if event.cancelled_here:
            values["status"] = "cancelled"
        values["overrides"] = _overrides(event, values, item, warnings)
        was = event.status
        event.import_hashes = hashes
        if change_event(session, event, values) and event.visibility == moderation.WITHHELD:
            moderation.submit(session, event)  # changed by its calendar: in the queue again
        if event.status == "cancelled" and was != "cancelled":
            counts.cancelled += 1
        else:
            counts.changed += 1
    made = insert_events(session, new) if new else []
    for event in made:
        if event.visibility == moderation.WITHHELD:
            moderation.submit(session, event)
    counts.new = len(made)
    vanished = [uid for uid, status in states.items() if uid not in seen and status != "cancelled"]
    for event in _events(session, source, vanished).values():
        event.import_hashes = None  # should it come back, it is compared afresh
        change_event(session, event, {"status": "cancelled"})
        counts.cancelled += 1
    log.info("import source %s: %d new, %d changed, %d cancelled, %d unchanged", source.id, counts.new,
             counts.changed, counts.cancelled, counts.unchanged)
    return counts


#: The key of ``Event.import_hashes`` that holds the raw block hashes (not compared: they only spare a parse).
RAW = "#raw"


def _compared(hashes: dict | None) -> dict | None:
    return None if hashes is None else {key: value for key, value in hashes.items() if key != RAW}


def known_blocks(session, source: ImportSource) -> dict[str, list[str]]:
    """Each imported UID's raw block hashes at the last sync, for the parser to skip the unchanged ones."""
    query = select(Event.import_uid, Event.import_hashes).where(Event.import_source_id == source.id)
    return {uid: hashes[RAW] for uid, hashes in session.execute(query) if hashes and hashes.get(RAW)}


def _events(session, source: ImportSource, uids: list[str]) -> dict[str, Event]:
    """The source's events of these UIDs, by UID, loaded a few hundred at a time."""
    found = {}
    for first in range(0, len(uids), 500):
        query = select(Event).where(Event.import_source_id == source.id, Event.import_uid.in_(uids[first:first + 500]))
        found.update({event.import_uid: event for event in session.scalars(query)})
    return found


def _values(item: Item, given: dict, centre: Centre | None) -> dict:
    data = item.values
    location = data["location"] or (centre.address if centre else None)
    from_centre = centre is not None and not data["location"]
    return {
        "title": data["title"], "description": data["description"],
        "starts_at": datetime.fromisoformat(data["starts_at"]), "ends_at": datetime.fromisoformat(data["ends_at"]),
        "all_day": data["all_day"], "rrule": data["rrule"], "exdates": list(data["exdates"]),
        "district_id": given["district_id"], "centre_id": given["centre_id"], "organisation_id": given[
            "organisation_id"], "partnership_id": None, "audiences": list(given["audiences"]),
        "category": given["category"], "location": location,
        "latitude": centre.latitude if from_centre else None, "longitude": centre.longitude if from_centre else None,
        "url": data["url"], "status": data["status"],
    }


def _overrides(event: Event | None, values: dict, item: Item, warnings: list) -> list[dict]:
    """The event's overrides after the sync: each changed date of the feed, by the rule of the API's
    ``PUT .../occurrences/{start}`` (a date the rule gives, its own SEQUENCE raised when it changes)."""
    if not item.overrides or not values["rrule"]:
        return []
    # The series as it will be, with the overrides and SEQUENCE it has now: what each override is checked against.
    preview = Event(id=event.id if event else None, starts_at=values["starts_at"], ends_at=values["ends_at"],
                    rrule=values["rrule"], exdates=values["exdates"], all_day=values["all_day"],
                    overrides=list(event.overrides or []) if event else [], sequence=event.sequence if event else 0)
    current = {o["recurrence_id"]: o for o in preview.overrides}
    kept = {}
    for key, data in sorted(item.overrides.items()):
        moment = datetime.fromisoformat(key)
        starts, ends = datetime.fromisoformat(data["starts_at"]), datetime.fromisoformat(data["ends_at"])
        change = {"starts_at": starts, "ends_at": ends if ends > starts else starts + values["ends_at"] -
                  values["starts_at"], "status": data["status"], "location": data["location"]}
        try:
            override = occurrence_override(preview, moment, change)
        except (FieldError, Conflict) as exc:
            warnings.append(f"{item.uid!r}: the changed date {key} is left out: {exc}")
            continue
        kept[key] = override or current[key]
    return [kept[key] for key in sorted(kept)]


def _in_window(item: Item, window: tuple[datetime, datetime]) -> bool:
    start, end = window
    data = item.values
    starts, ends = datetime.fromisoformat(data["starts_at"]), datetime.fromisoformat(data["ends_at"])
    if not data["rrule"]:
        return ends >= start and starts <= end or any(
            datetime.fromisoformat(o["starts_at"]) <= end for o in item.overrides.values())
    if starts > end:
        return False
    series = Series(starts, ends, data["rrule"], tuple(data["exdates"]), data["all_day"], item.uid)
    return bool(recurrence.occurrences(series, recurrence.local(start - (ends - starts) - timedelta(days=1)),
                                       recurrence.local(end), limit=1))
