"""The staff history page's words: what kind of change (by message type), who made it, and each changed field with
its label and value as staff read them, at a time in Warsaw's clock.

The API (services/messaging/history.py) keeps the raw entries; only the page says them in words. A message type or a
field with no words here is shown as it is, so a new one is never hidden.
"""

import re
from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from services.ui import formatting

#: An ISO 8601 moment with its offset, as the messages carry times ("2026-11-30T21:33:42.210685+00:00").
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")

#: What kind of change each message type (services/messaging/messages/*.py) is, as a sentence's start.
CHANGE_LABELS = {
    "district.created": _l("District added"), "district.updated": _l("District changed"),
    "district.deleted": _l("District removed"),
    "centre.created": _l("Centre added"), "centre.updated": _l("Centre changed"),
    "centre.deleted": _l("Centre removed"),
    "organisation.created": _l("Organisation added"), "organisation.updated": _l("Organisation changed"),
    "organisation.deleted": _l("Organisation removed"),
    "organisation.api_key.issued": _l("API key issued to an organisation"),
    "organisation.api_key.revoked": _l("Organisation's API key revoked"),
    "admin_key.issued": _l("Admin API key issued"), "admin_key.revoked": _l("Admin API key revoked"),
    "partnership.created": _l("Partnership added"), "partnership.updated": _l("Partnership changed"),
    "partnership.deleted": _l("Partnership removed"),
    "membership.added": _l("Partnership member added"), "membership.updated": _l("Partnership membership changed"),
    "membership.removed": _l("Partnership member removed"),
    "agreement.signed": _l("Agreement signed"), "agreement.updated": _l("Agreement changed"),
    "agreement.withdrawn": _l("Agreement withdrawn"),
    "meeting.planned": _l("Meeting planned"), "meeting.updated": _l("Meeting changed"),
    "meeting.cancelled": _l("Meeting cancelled"), "meeting.room_status": _l("Meeting's room booking updated"),
    "room.created": _l("Room added"), "room.updated": _l("Room changed"), "room.deleted": _l("Room removed"),
    "member_contacts.replaced": _l("Members' contacts updated"),
    "account.created": _l("Account created"), "account.updated": _l("Account changed"),
    "account.disabled": _l("Account disabled"), "account.mail.requested": _l("E-mail to an account sent"),
    "session.started": _l("Signed in"), "session.ended": _l("Signed out"),
    "event.published": _l("Event published"), "event.updated": _l("Event changed"),
    "event.cancelled": _l("Event cancelled"), "import_source.failing": _l("Event import failing"),
    "booking.created": _l("Room booked"), "booking.updated": _l("Room booking changed"),
    "booking.cancelled": _l("Room booking cancelled"),
    "meeting_room.booked": _l("Room booked for a meeting"), "meeting_room.taken": _l("Room for a meeting not booked"),
    "registration.counts": _l("Places on an event counted"), "registration.changed": _l("Registration changed"),
}

#: Each field's label; the words staff pages' forms use where they have the field (the same messages).
FIELD_LABELS = {
    "name": _l("Name"), "title": _l("Title"), "description": _l("Description"), "kind": _l("Kind"),
    "krs": _l("KRS number"), "email": _l("E-mail address"), "phone": _l("Phone"), "website": _l("Website"),
    "address": _l("Address"), "opening_hours": _l("Opening hours"), "slug": _l("Address on the site"),
    "needs_review": _l("Needs review of events"), "role": _l("Role"), "status": _l("Status"), "state": _l("State"),
    "organisation_id": _l("Organisation"), "organisation_name": _l("Organisation"),
    "partnership_id": _l("Partnership"), "partnership_name": _l("Partnership"), "person_id": _l("Person"),
    "district_id": _l("District"), "district_name": _l("District"), "centre_id": _l("Centre"),
    "centre_name": _l("Centre"), "room_id": _l("Room"), "room_name": _l("Room"), "meeting_id": _l("Meeting"),
    "event_id": _l("Event"), "starts_at": _l("From"), "ends_at": _l("To"), "all_day": _l("All day"),
    "joined_on": _l("Joined on"), "left_on": _l("Left on"), "signed_on": _l("Signed on"),
    "valid_from": _l("Valid from"), "valid_until": _l("Valid until"), "disabled_at": _l("Disabled on"),
    "cancelled_at": _l("Cancelled on"), "created_at": _l("Created on"), "updated_at": _l("Changed on"),
    "location": _l("Place"), "category": _l("Kind of event"), "audiences": _l("For whom"),
    "capacity": _l("Places"), "language": _l("Language"), "account_id": _l("Account"), "reason": _l("Reason"),
    "started_at": _l("Started on"), "expires_at": _l("Expires on"), "template": _l("Kind of e-mail"),
    "member_kind": _l("Kind of member"), "contacts": _l("Contacts"), "potential": _l("What the member brings"),
    "document_ref": _l("Where the signed paper is"), "signatory_ids": _l("Members who signed"),
    "contact": _l("Contact"), "accessibility": _l("Accessibility"), "registration": _l("Registration"),
    "rrule": _l("Repeats"), "changed_fields": _l("Fields changed"), "visibility": _l("Who sees it"),
    "exdates": _l("Dates skipped"), "url": _l("Website"),
}


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
    """A changed field's new value: "yes"/"no", "—" for none, a list joined by commas, a moment in Warsaw's clock."""
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(value_words(item) for item in value)
    if isinstance(value, str) and _MOMENT.match(value):
        moment = datetime.fromisoformat(value)
        return f"{formatting.day(moment)}, {formatting.clock(moment)}"
    return str(value)


def field_label(name: str) -> str:
    return _words(FIELD_LABELS, name)


def _named_fields(name: str, value):
    """An updated event's ``changed_fields`` by their labels; any other value as it is."""
    return [field_label(field) for field in value] if name == "changed_fields" and isinstance(value, list) else value


def entry_words(entry: dict) -> dict:
    """A history entry (services/messaging/history.py) as the page shows it: ``at`` (an aware datetime, for the
    ``day`` and ``clock`` filters), ``what``, ``who``, ``record`` and ``changes`` as (label, value) pairs."""
    changes = [(field_label(name), value_words(_named_fields(name, change["to"])))
               for name, change in entry["changes"].items() if name != "id"]  # the record's id is said once
    return {"at": datetime.fromisoformat(entry["time"]), "what": change_words(entry["type"]),
            "who": actor_words(entry["actor"]), "record": entry["record"], "changes": changes}
