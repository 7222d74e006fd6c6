"""The words people see for fixed values (the events' audiences and categories, why a meeting's room was not booked,
a status, a role, a kind): one table for pages, forms, feeds, e-mails and the staff history of changes.

Each value maps to its English message id; pages show it in the reader's language (``AUDIENCE_LABELS``,
``CATEGORY_LABELS``), and the feeds, which calendar users read in Polish, take the Polish word (:func:`polish`).
"""

from functools import cache

from babel.support import Translations
from flask_babel import lazy_gettext as _l

from services.ui.i18n import DEFAULT, compiled_catalogues


def N_(message: str) -> str:
    """Marks a message for extraction (``pybabel extract -k N_``); it is translated where it is shown."""
    return message


AUDIENCE_NAMES = {
    "children": N_("Children"), "youth": N_("Young people"), "adults": N_("Adults"), "seniors": N_("Seniors"),
    "families": N_("Families"), "disabilities": N_("People with disabilities"), "everyone": N_("Everyone"),
}
CATEGORY_NAMES = {
    "workshop": N_("Workshop"), "meeting": N_("Meeting"), "picnic": N_("Picnic"), "training": N_("Training"),
    "consultation": N_("Consultation"), "culture": N_("Culture"), "sport": N_("Sport"), "forum": N_("Forum"),
    "other": N_("Other"),
}
#: Why a partner meeting's room was not booked: the ``reason`` of the events service's ``meeting_room.taken``
#: (services/messaging/messages/events.py MEETING_ROOM_REASONS), on partners' meetings page and in notify's mail.
ROOM_REASON_NAMES = {
    "taken": N_("another booking holds the room at that time"),
    "bookable_hours": N_("the room cannot be booked at that hour"),
    "closure": N_("the room is closed that day"), "holiday": N_("that day is a public holiday"),
    "horizon": N_("that day is too far ahead to book the room"), "past": N_("that time has passed"),
    "no_room": N_("the room no longer exists"),
}
AUDIENCE_LABELS = {value: _l(message) for value, message in AUDIENCE_NAMES.items()}
CATEGORY_LABELS = {value: _l(message) for value, message in CATEGORY_NAMES.items()}
ROOM_REASON_LABELS = {value: _l(message) for value, message in ROOM_REASON_NAMES.items()}
#: The values of services/messaging/messages/*.py, for the pages that show or choose them.
EVENT_STATUS_LABELS = {"scheduled": _l("Going ahead"), "cancelled": _l("Cancelled")}
#: Who sees an event (``partnership``: its members only) or a room's booking.
VISIBILITY_LABELS = {"public": _l("Everyone"), "partnership": _l("The partnership's members only"),
                     "private": _l("Private")}
MEETING_STATUS_LABELS = {"planned": _l("Planned"), "held": _l("Held"), "cancelled": _l("Cancelled")}
ROOM_STATUS_LABELS = {"booked": _l("room booked"), "pending": _l("room awaiting approval"),
                      "conflict": _l("room conflict"), "cancelled": _l("room booking cancelled")}
PARTNERSHIP_STATUS_LABELS = {"forming": _l("Forming"), "active": _l("Active"), "ended": _l("Ended")}
MEMBER_ROLE_LABELS = {"coordinator": _l("Coordinator"), "member": _l("Member"), "observer": _l("Observer")}
CONTRIBUTION_LABELS = {"people": _l("People"), "material_resources": _l("Material resources"),
                       "ideas": _l("Ideas"), "free_time": _l("Free time")}
ORGANISATION_KIND_LABELS = {
    "ngo": _l("NGO"), "public_institution": _l("Public institution"), "school": _l("School"),
    "library": _l("Library"), "parish": _l("Parish"), "business": _l("Business"),
    "informal_group": _l("Informal group"), "municipal": _l("Municipal unit")}
ACCOUNT_ROLE_LABELS = {"admin": _l("Administrator"), "editor": _l("Editor")}
#: Each weekday by its iCalendar code, Monday first: a room's bookable hours (its ``bookable_hours``' keys), the
#: weekdays of an event's repetition.
WEEKDAY_LABELS = {"MO": _l("Monday"), "TU": _l("Tuesday"), "WE": _l("Wednesday"), "TH": _l("Thursday"),
                  "FR": _l("Friday"), "SA": _l("Saturday"), "SU": _l("Sunday")}
#: The values of services/messaging/messages/partners.py: a centre's kind (CENTRE_KINDS), a member's kind
#: (MEMBER_KINDS), what an API key may do (API_KEY_SCOPES, and an admin key's ``admin``).
CENTRE_KIND_LABELS = {"osl": _l("Local Community Centre (OSL)"),
                      "dosl": _l("District Local Community Centre (DOSL)")}
MEMBER_KIND_LABELS = {"organisation": _l("Organisation"), "person": _l("Private person")}
API_KEY_SCOPE_LABELS = {"events": _l("Events"), "meetings": _l("Partnership meetings"),
                        "admin": _l("Everything (administrator)")}
#: The values of services/messaging/messages/events.py: a room booking's kind (BOOKING_KINDS) and state
#: (BOOKING_STATES), each of its dates' state (BOOKING_DATE_STATES) and why a date is skipped (the reasons a
#: meeting's room is not booked, and two of its own).
BOOKING_KIND_LABELS = {"event": _l("Event"), "meeting": _l("Partnership meeting"),
                       "reservation": _l("Room reservation")}
BOOKING_STATE_LABELS = {"confirmed": _l("Booking confirmed"), "pending": _l("Booking awaits approval"),
                        "cancelled": _l("Booking cancelled")}
BOOKING_DATE_STATE_LABELS = {"active": _l("Date booked"), "pending": _l("Date awaits approval"),
                             "skipped": _l("Date skipped"), "cancelled": _l("Date cancelled")}
BOOKING_DATE_REASON_LABELS = {**ROOM_REASON_LABELS, "yielded": _l("a confirmed booking took that date"),
                              "skipped": _l("whoever booked left that date out")}
#: The mails an account is sent (services/messaging/messages/staff.py ACCOUNT_MAILS).
ACCOUNT_MAIL_LABELS = {"invitation": _l("Invitation"), "password_reset": _l("Password reset")}
#: Each language in its own words, as a reader looks for it.
LANGUAGE_LABELS = {"pl": "polski", "en": "English"}


@cache
def _polish() -> Translations:
    return Translations.load(str(compiled_catalogues()), [DEFAULT])


def polish(message: str) -> str:
    """``message`` in Polish, from the same catalogue as the pages, with no request needed (feeds are rendered once)."""
    return _polish().gettext(message)


def polish_audience(value: str) -> str:
    return polish(AUDIENCE_NAMES[value]) if value in AUDIENCE_NAMES else value


def polish_category(value: str) -> str:
    return polish(CATEGORY_NAMES[value]) if value in CATEGORY_NAMES else value
