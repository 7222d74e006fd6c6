"""The words residents see for the events' fixed values, in their language."""

from flask_babel import lazy_gettext as _l

AUDIENCE_LABELS = {
    "children": _l("Children"), "youth": _l("Young people"), "adults": _l("Adults"), "seniors": _l("Seniors"),
    "families": _l("Families"), "disabilities": _l("People with disabilities"), "everyone": _l("Everyone"),
}
CATEGORY_LABELS = {
    "workshop": _l("Workshop"), "meeting": _l("Meeting"), "picnic": _l("Picnic"), "training": _l("Training"),
    "consultation": _l("Consultation"), "culture": _l("Culture"), "sport": _l("Sport"), "forum": _l("Forum"),
    "other": _l("Other"),
}
