"""The words people see for fixed values (the events' audiences and categories, why a meeting's room was not booked):
one table for pages, forms, feeds and e-mails.

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
