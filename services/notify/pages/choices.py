"""What the subscribe and preferences forms offer, in the reader's language, and how their answers are read."""

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from services.messaging.fields import NOT_ASCII_MAILBOX
from services.messaging.messages.events import EVENT_AUDIENCES
from services.notify.models import District
from services.ui.errors import said
from services.ui.labels import AUDIENCE_LABELS, LANGUAGE_LABELS
from services.ui.naming import polish_sorted

FREQUENCY_LABELS = {
    "immediate": _l("Straight away, one e-mail per event"),
    "daily": _l("Once a day, a summary"),
    "weekly": _l("Once a week, a summary (on Mondays)"),
}
def districts(session) -> list[District]:
    """The districts of notify's replica, in Polish alphabetical order."""
    rows = session.scalars(select(District).where(District.deleted_at.is_(None))).all()
    return polish_sorted(rows)


def options(chosen: dict) -> dict:
    """What the form templates list, besides the districts.

    "Everyone" is not offered: an event for everyone already reaches every audience, and a box "everyone" next to
    the hint "tick none for all" would only puzzle. A subscriber who chose it through the API keeps seeing it.
    """
    audiences = [value for value in EVENT_AUDIENCES if value != "everyone" or value in chosen.get("audiences", ())]
    return {"audiences": [(value, AUDIENCE_LABELS.get(value, value)) for value in audiences],
            "frequencies": list(FREQUENCY_LABELS.items()), "languages": list(LANGUAGE_LABELS.items())}


def read_preferences(form=None) -> dict:
    """The preferences a submitted form gives, in the shape of the API's JSON."""
    form = form if form is not None else request.form
    answer = {"districts": form.getlist("districts"), "audiences": form.getlist("audiences"),
              "reminders": form.get("reminders") == "true"}
    for name in ("frequency", "language"):
        if form.get(name):
            answer[name] = form[name]
    return answer


def sentence(problems, otherwise):
    """What a resident's form says of a field: its own plain sentence (``otherwise``), unless the API's message says
    something the resident can act on and the page's language has words for it (an address with Polish letters)."""
    if isinstance(problems, list) and NOT_ASCII_MAILBOX in problems:
        return said(NOT_ASCII_MAILBOX) or otherwise
    return otherwise


def field_errors(messages: dict) -> dict[str, str]:
    """marshmallow's errors as one plain sentence per field, in the reader's language (lazy: the page chooses it)."""
    sentences = {
        "email": _l("Enter your e-mail address, for example anna.nowak@example.org."),
        "consent": _l("Tick this box to agree; without your consent we cannot send you anything."),
        "districts": _l("Choose districts from the list."),
        "audiences": _l("Choose from the list."),
        "frequency": _l("Choose how often."),
        "language": _l("Choose a language."),
    }
    return {name: sentence(problems, sentences.get(name, _l("Check this field.")))
            for name, problems in messages.items()}


def unknown_districts(exc) -> dict[str, str]:
    return {"districts": _l("There is no district %(slugs)s; choose districts from the list.",
                                 slugs=", ".join(exc.slugs))}
