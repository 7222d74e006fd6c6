"""The words people see for the events' fixed values (audiences, categories): one table for pages, forms and feeds.

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
AUDIENCE_LABELS = {value: _l(message) for value, message in AUDIENCE_NAMES.items()}
CATEGORY_LABELS = {value: _l(message) for value, message in CATEGORY_NAMES.items()}


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
