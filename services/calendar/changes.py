"""Which changes of an event matter to the people who hold it in a calendar: one definition for every service.

A change to a significant field raises the event's iCal SEQUENCE (the events service), and is worth an e-mail to
those told of the event (notify), which names the groups that changed. A cancellation is significant too, and has
its own message. Fields are named as in the event's snapshot (and the events service's columns).
"""

from datetime import datetime

#: The significant fields, by the group an e-mail names.
SIGNIFICANT = {
    "title": ("title",),
    "time": ("starts_at", "ends_at", "all_day", "rrule", "exdates"),
    "place": ("location", "centre_id", "district_id"),
    #: One date of a series moved or cancelled on its own.
    "dates": ("overrides",),
}
SIGNIFICANT_FIELDS = frozenset(name for names in SIGNIFICANT.values() for name in names) | {"status"}


def _same(field: str, old, new) -> bool:
    if field in ("starts_at", "ends_at") and isinstance(old, str) and isinstance(new, str):
        return datetime.fromisoformat(old) == datetime.fromisoformat(new)  # the same moment, whatever the offset
    return old == new


def changed_groups(previous: dict | None, current: dict) -> list[str]:
    """The groups (title, time, place) whose fields differ between two snapshots; all of them with no previous."""
    if previous is None:
        return list(SIGNIFICANT)
    return [group for group, names in SIGNIFICANT.items()
            if any(not _same(name, previous.get(name), current.get(name)) for name in names)]


def is_significant(changed_fields) -> bool:
    """Whether a change of these fields raises SEQUENCE."""
    return bool(SIGNIFICANT_FIELDS.intersection(changed_fields))
