"""The staff history page's words: what kind of change (by message type), who made it, and each changed field with
its label and value as staff read them, at a time in Warsaw's clock.

The API (services/messaging/history.py) keeps the raw entries; only the page says them in words. A message type or a
field with no words here is shown as it is, so a new one is never hidden.
"""

import re
from datetime import date, datetime
from types import SimpleNamespace

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from services.calendar.recurrence import Series
from services.calendar.times import local
from services.ui import formatting
from services.ui.labels import (
    ACCOUNT_MAIL_LABELS,
    ACCOUNT_ROLE_LABELS,
    API_KEY_SCOPE_LABELS,
    AUDIENCE_LABELS,
    BOOKING_DATE_REASON_LABELS,
    BOOKING_DATE_STATE_LABELS,
    BOOKING_KIND_LABELS,
    BOOKING_STATE_LABELS,
    CATEGORY_LABELS,
    CENTRE_KIND_LABELS,
    CONTRIBUTION_LABELS,
    EVENT_STATUS_LABELS,
    LANGUAGE_LABELS,
    MEETING_STATUS_LABELS,
    MEMBER_KIND_LABELS,
    MEMBER_ROLE_LABELS,
    ORGANISATION_KIND_LABELS,
    PARTNERSHIP_STATUS_LABELS,
    ROOM_REASON_LABELS,
    ROOM_STATUS_LABELS,
    VISIBILITY_LABELS,
    WEEKDAY_LABELS,
)

#: An ISO 8601 moment, as the messages carry times ("2026-11-30T21:33:42.210685+00:00"); one without an offset (an
#: event's skipped date) is Warsaw's wall-clock time.
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")
#: A day, as the messages carry dates ("2026-12-24").
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Fields that say nothing to staff: the iCal sequence, the time zone (always Warsaw's), a record's version, and
#: each ``*_slug`` (the record's name is shown).
TECHNICAL_FIELDS = frozenset({"sequence", "timezone", "version", "meeting_version"})


def _life(kind: str, added, changed, removed, verbs: tuple[str, str, str] = ("created", "updated", "deleted")) -> dict:
    """The words for a record's three life-cycle messages, ``<kind>.created``, ``<kind>.updated`` and
    ``<kind>.deleted`` (services/messaging/messages/partners.py), or ``kind`` with other ``verbs``."""
    return {f"{kind}.{verb}": label for verb, label in zip(verbs, (added, changed, removed), strict=True)}


#: What kind of change each message type (services/messaging/messages/*.py) is, as a sentence's start.
CHANGE_LABELS = {
    **_life("district", _l("District added"), _l("District changed"), _l("District removed")),
    **_life("centre", _l("Centre added"), _l("Centre changed"), _l("Centre removed")),
    **_life("organisation", _l("Organisation added"), _l("Organisation changed"), _l("Organisation removed")),
    "organisation.api_key.issued": _l("API key issued to an organisation"),
    "organisation.api_key.revoked": _l("Organisation's API key revoked"),
    "admin_key.issued": _l("Admin API key issued"), "admin_key.revoked": _l("Admin API key revoked"),
    **_life("partnership", _l("Partnership added"), _l("Partnership changed"), _l("Partnership removed")),
    **_life("membership", _l("Partnership member added"), _l("Partnership membership changed"),
            _l("Partnership member removed"), verbs=("added", "updated", "removed")),
    **_life("agreement", _l("Agreement signed"), _l("Agreement changed"), _l("Agreement withdrawn"),
            verbs=("signed", "updated", "withdrawn")),
    **_life("meeting", _l("Meeting planned"), _l("Meeting changed"), _l("Meeting cancelled"),
            verbs=("planned", "updated", "cancelled")),
    "meeting.room_status": _l("Meeting's room booking updated"),
    **_life("room", _l("Room added"), _l("Room changed"), _l("Room removed")),
    "member_contacts.replaced": _l("Members' contacts updated"),
    **_life("account", _l("Account created"), _l("Account changed"), _l("Account disabled"),
            verbs=("created", "updated", "disabled")),
    "account.mail.requested": _l("E-mail to an account sent"),
    "session.started": _l("Signed in"), "session.ended": _l("Signed out"),
    **_life("event", _l("Event published"), _l("Event changed"), _l("Event cancelled"),
            verbs=("published", "updated", "cancelled")),
    "import_source.failing": _l("Event import failing"),
    **_life("booking", _l("Room booked"), _l("Room booking changed"), _l("Room booking cancelled"),
            verbs=("created", "updated", "cancelled")),
    "meeting_room.booked": _l("Room booked for a meeting"), "meeting_room.taken": _l("Room for a meeting not booked"),
    "meeting_room.pending": _l("Room for a meeting awaiting approval"),
    "meeting_room.cancelled": _l("Room booking for a meeting cancelled"),
    "registration.counts": _l("Places on an event counted"), "registration.changed": _l("Registration changed"),
}

#: The records a change names by id and by name (``<record>_id``, ``<record>_name``): each says the record's kind.
_NAMED_RECORDS = {"organisation": _l("Organisation"), "partnership": _l("Partnership"), "district": _l("District"),
                  "centre": _l("Centre"), "room": _l("Room")}
#: Each field's label; the words staff pages' forms use where they have the field (the same messages).
FIELD_LABELS = {
    **{f"{record}_{part}": label for record, label in _NAMED_RECORDS.items() for part in ("id", "name")},
    # Fields of any record
    "name": _l("Name"), "title": _l("Title"), "description": _l("Description"), "kind": _l("Kind"),
    "slug": _l("Address on the site"), "status": _l("Status"), "state": _l("State"), "role": _l("Role"),
    "reason": _l("Reason"), "created_at": _l("Created on"), "updated_at": _l("Changed on"),
    "cancelled_at": _l("Cancelled on"), "disabled_at": _l("Disabled on"),
    # Other records a change names, by id
    "person_id": _l("Person"), "meeting_id": _l("Meeting"), "event_id": _l("Event"), "account_id": _l("Account"),
    "booking_id": _l("Booking"), "membership_id": _l("Membership"), "operator_id": _l("Run by"),
    "source_id": _l("Imported calendar"),
    # Contacts and places
    "krs": _l("KRS number"), "email": _l("E-mail address"), "phone": _l("Phone"), "website": _l("Website"),
    "url": _l("Website"), "address": _l("Address"), "opening_hours": _l("Opening hours"), "contact": _l("Contact"),
    "accessibility": _l("Accessibility"), "latitude": _l("Latitude"), "longitude": _l("Longitude"),
    "started_year": _l("Running since"), "needs_review": _l("Needs review of events"),
    # Events and meetings
    "starts_at": _l("From"), "ends_at": _l("To"), "all_day": _l("All day"), "location": _l("Place"),
    "category": _l("Kind of event"), "audiences": _l("For whom"), "capacity": _l("Places"), "language": _l("Language"),
    "registration": _l("Registration"), "required": _l("Required"), "rrule": _l("Repeats"),
    "exdates": _l("Dates skipped"), "overrides": _l("Dates changed on their own"),
    "recurrence_id": _l("Date in the series"), "visibility": _l("Who sees it"), "changed_fields": _l("Fields changed"),
    "agenda": _l("Agenda"), "room_status": _l("Room booking"), "from": _l("From"), "to": _l("To"), "dates": _l("Dates"),
    "occurrence": _l("Date"), "series_from": _l("From the date"),
    # Partnerships
    "joined_on": _l("Joined on"), "left_on": _l("Left on"), "signed_on": _l("Signed on"),
    "valid_from": _l("Valid from"), "valid_until": _l("Valid until"), "member_kind": _l("Kind of member"),
    "contacts": _l("Contacts"), "potential": _l("What the member brings"),
    "document_ref": _l("Where the signed paper is"), "signatory_ids": _l("Members who signed"),
    "withdrawn_at": _l("Withdrawn on"), "withdrawal_reason": _l("Why withdrawn"),
    # Rooms
    "step_free": _l("Step-free access"), "accessible_toilet": _l("Accessible toilet"), "equipment": _l("Equipment"),
    "bookable_hours": _l("Hours it can be booked"), "closures": _l("Closed"), "open_on": _l("Open on public holidays"),
    "buffer_minutes": _l("Minutes between bookings"), "horizon_days": _l("Days ahead it can be booked"),
    "requires_approval": _l("Bookings need approval"),
    # Registrations
    "confirmed": _l("Places taken"), "waiting": _l("On the waiting list"), "ref": _l("Registration reference"),
    "people": _l("Number of people"),
    # Accounts, keys, sessions and imported calendars
    "started_at": _l("Started on"), "expires_at": _l("Expires on"), "ended_at": _l("Ended on"),
    "template": _l("Kind of e-mail"), "prefix": _l("Key's first characters"), "scopes": _l("What it may do"),
    "issued_at": _l("Issued on"), "revoked_at": _l("Revoked on"), "failing_since": _l("Failing since"),
    "failures": _l("Failed attempts"), "last_error": _l("Last error"),
}

#: Each field's values in words, by the record's kind (the message type without its last word) and the field, or by
#: the field alone: the one table of each (services/ui/labels.py).
VALUE_LABELS = {
    "audiences": AUDIENCE_LABELS, "category": CATEGORY_LABELS, "visibility": VISIBILITY_LABELS,
    "room_status": ROOM_STATUS_LABELS, "template": ACCOUNT_MAIL_LABELS, "language": LANGUAGE_LABELS,
    ("event", "status"): EVENT_STATUS_LABELS, ("meeting", "status"): MEETING_STATUS_LABELS,
    ("partnership", "status"): PARTNERSHIP_STATUS_LABELS, ("membership", "role"): MEMBER_ROLE_LABELS,
    ("account", "role"): ACCOUNT_ROLE_LABELS, ("organisation", "kind"): ORGANISATION_KIND_LABELS,
    ("meeting_room", "reason"): ROOM_REASON_LABELS, ("membership", "potential", "kind"): CONTRIBUTION_LABELS,
    ("event", "overrides", "status"): EVENT_STATUS_LABELS, ("centre", "kind"): CENTRE_KIND_LABELS,
    "member_kind": MEMBER_KIND_LABELS, "scopes": API_KEY_SCOPE_LABELS, ("booking", "kind"): BOOKING_KIND_LABELS,
    ("booking", "state"): BOOKING_STATE_LABELS, ("booking", "dates", "state"): BOOKING_DATE_STATE_LABELS,
    ("booking", "dates", "reason"): BOOKING_DATE_REASON_LABELS,
}
#: Fields whose keys are codes: a room's bookable hours by weekday ({"MO": ["09:00-17:00"]}).
KEY_LABELS = {"bookable_hours": WEEKDAY_LABELS}


def _words(labels: dict, name: str) -> str:
    """``name``'s words from ``labels``, or ``name`` itself when it has none: nothing new is ever hidden."""
    label = labels.get(name)
    return str(label) if label is not None else name


def change_words(type_name: str) -> str:
    return _words(CHANGE_LABELS, type_name)


def actor_words(actor: str | None) -> str:
    """Who made a change: "account no. 1", "API key abc123", "admin token", or "—" (the command line, or another
    service's message). Never more than the envelope says: no address leaves the accounts."""
    if not actor:
        return "—"
    kind, _sep, rest = actor.partition(":")
    if kind == "account":
        return gettext("account no. %(id)s", id=rest)
    if kind == "key":
        return gettext("API key %(prefix)s", prefix=rest)
    if kind == "admin-token":
        return gettext("admin token")
    return actor


def value_words(value) -> str:
    """A changed field's new value: "yes"/"no", "—" for none, a list joined by commas, a moment in Warsaw's clock, a
    day as "24 grudnia 2026", a nested record as its labelled fields; anything else as it is."""
    if value is None or value == [] or value == "" or value == {}:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ("; " if any(isinstance(item, dict) for item in value) else ", ").join(
            value_words(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{field_label(str(name))}: {value_words(item)}" for name, item in value.items()
                         if _shown_field(str(name), value))
    if isinstance(value, str) and _DAY.match(value):
        try:
            return formatting.long_date(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and _MOMENT.match(value):
        try:
            moment = local(datetime.fromisoformat(value))
        except ValueError:
            return value
        return f"{formatting.day(moment)}, {formatting.clock(moment)}"
    return str(value)


def field_label(name: str) -> str:
    return _words(FIELD_LABELS, name)


def _shown_field(name: str, names) -> bool:
    """Whether staff see ``name`` among ``names`` (the changed fields): not a technical one, nor an id whose record's
    name is there too ("Dzielnica: Raków", never "Dzielnica: 12" beside it)."""
    if name in TECHNICAL_FIELDS or name.endswith("_slug"):
        return False
    return not (name.endswith("_id") and f"{name[:-3]}_name" in names)


def _labelled(labels: dict, value):
    """``value`` (a code, or a list of codes) in ``labels``' words; a code with none stays as it is."""
    if isinstance(value, list):
        return [_labelled(labels, item) for item in value]
    return _words(labels, value) if isinstance(value, str) else value


def _registration_words(value: dict) -> str:
    """An event's registration: "obowiązkowe, miejsc: 3", and where to sign up (as the e-mails say it)."""
    if value.get("required"):
        words = [gettext("required")]
    else:
        words = [gettext("welcome") if value.get("url") or value.get("capacity") else gettext("not needed")]
    if value.get("capacity"):
        words.append(f"{gettext('places:')} {value['capacity']}")
    if value.get("url"):
        words.append(str(value["url"]))
    return ", ".join(words)


def _series_words(rrule: str, state: dict) -> str:
    """A rule in words with the record's first date, hours and skipped dates (services/ui/series.py); the rule itself
    when the record does not say enough to read it."""
    try:
        shown = Series(starts_at=datetime.fromisoformat(state["starts_at"]),
                       ends_at=datetime.fromisoformat(state["ends_at"]), rrule=rrule,
                       exdates=tuple(state.get("exdates") or ()), all_day=bool(state.get("all_day")))
        return formatting.series_words(SimpleNamespace(series=shown)) or rrule
    except (KeyError, TypeError, ValueError):
        return rrule


def _value(kind: str, name: str, value, state: dict) -> str:
    """One changed field's new value in words, as its record's kind and the field have them."""
    if name == "changed_fields" and isinstance(value, list):
        return ", ".join(dict.fromkeys(field_label(field) for field in value if _shown_field(field, value)))
    if name == "registration" and isinstance(value, dict) and "required" in value:
        return _registration_words(value)
    if name == "rrule" and isinstance(value, str) and value:
        return _series_words(value, state)
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        value = [{key: _labelled(VALUE_LABELS.get((kind, name, key), {}), item) for key, item in record.items()}
                 for record in value]
    if isinstance(value, dict) and name in KEY_LABELS:
        value = {_words(KEY_LABELS[name], key): item for key, item in value.items()}
    labels = VALUE_LABELS.get((kind, name), VALUE_LABELS.get(name))
    return value_words(_labelled(labels, value) if labels else value)


def entry_words(entry: dict) -> dict:
    """A history entry (services/messaging/history.py) as the page shows it: ``at`` (an aware datetime, for the
    ``day`` and ``clock`` filters), ``what``, ``who``, ``record`` and ``changes`` as (label, value) pairs: the
    technical fields left out, each value in words (its ``state``, the record's whole message, gives a rule its
    dates)."""
    kind = entry["record"]["kind"]
    state = {**{name: change["to"] for name, change in entry["changes"].items()}, **entry.get("state", {})}
    changes = [(field_label(name), _value(kind, name, change["to"], state))
               for name, change in entry["changes"].items()
               if name not in ("id", "key_id") and _shown_field(name, entry["changes"])]  # the record's id: once
    return {"at": datetime.fromisoformat(entry["time"]), "what": change_words(entry["type"]),
            "who": actor_words(entry["actor"]), "record": entry["record"], "changes": changes}
