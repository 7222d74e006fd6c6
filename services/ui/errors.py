"""An error the API or a form's builder says in English, on a page in the page's language.

The operations and schemas raise English messages (the API's clients read them). A page shows the catalogue's
translation of the message where it has one (``MESSAGES`` lists those, so the extraction and the .po keep them), the
message itself on an English page, and only the field's name otherwise: never English inside a Polish page.
"""

from flask_babel import gettext
from marshmallow import ValidationError

from services.messaging.errors import Conflict
from services.ui.i18n import page_language
from services.ui.labels import N_

#: What a page says of a field whose value another record has already (a name or a slug that must be unique).
ANOTHER_HAS_IT = N_("another entry has this value already.")

#: The messages the pages translate: the form builder's, the operations' without values in them, marshmallow's own.
MESSAGES = (
    N_("Give a date."), N_("Give a time, such as 17:00."), N_("The end must be after the start."),
    N_("The last day must not be before the first day."), N_("The repetition ends before the first day."),
    N_("Tick the weekdays the event repeats on, or leave this field empty."), N_("Missing data for required field."),
    N_("Field may not be null."), N_("Not a valid string."), N_("Not a valid date."), N_("Not a valid datetime."),
    N_("Not a valid integer."), N_("Not a valid list."), N_("Not a valid email address."),
    N_("Use one line of text, with no line breaks, tabs or control characters."),
    N_("Text may not contain control characters other than tabs and line breaks."),
    N_("Give a date-time, such as 2026-07-04T10:00:00, or set all_day."),
    N_("Registration that is required needs a capacity or a url."), N_("Not a valid URL."),
    N_("Choose how people sign up."),
    N_("A capacity needs required: true."),
    N_("The meeting must end after it starts."), N_("The member cannot leave before joining."),
    N_("The room is not in the meeting's centre."),
    N_("A partner meeting still to come is planned in this room; move it to another room first."),
    N_("A meeting at a room lasts at most 24 hours; plan a longer one as several."),
    N_("The agreement cannot end before it starts."),
    N_("This meeting is cancelled; a cancelled meeting cannot be changed."),
    N_("This member already belongs to the partnership."),
    N_("Give exactly one of organisation_id and person_id."), N_("Choose an organisation or a person."),
    N_("A KRS number is exactly 10 digits."),
    N_("This time does not exist in Warsaw: the clocks go forward then."),
    N_("This date has not come yet: its roll call is taken on the day."),
    N_("Give an e-mail address."), N_("An account with this e-mail address already exists."),
    N_("An editor needs the id of an existing organisation."), N_("An admin belongs to no organisation."),
    N_("Not a phone number."),
    N_("Use an address without Polish letters (ą, ę, ł…) before the @: most mail servers cannot deliver to it."),
    N_("The first day falls on another weekday than those ticked: tick its weekday too, or choose another first "
       "day."),
    N_("This centre is not in the chosen district: choose one of its centres, or none."),
)


def said(message: str | None, values: dict | None = None) -> str | None:
    """The message in the page's language: as it is on an English page, the catalogue's translation otherwise, or
    None when the catalogue has none (a message with a value in it, say). ``values`` fill the message's
    ``%(name)s`` placeholders (a value typed in a form: services/ui/forms.py FormError), after its translation."""
    if not message:
        return None
    if page_language() == "en":
        return message % values if values else message
    translated = gettext(message)
    if translated == message:
        return None
    return translated % values if values else translated


def field_error(field: str, message: str | None, labels: dict | None = None, otherwise: str | None = None,
                values: dict | None = None) -> str:
    """"Check the field <its label>: <what is wrong>", in the page's language; where the language has no words for
    the message, ``otherwise`` (the page's own words, in its language, for what the field wants), else without it.
    ``values`` fill the message's placeholders (:func:`said`)."""
    name = str((labels or {}).get(field, field))
    shown = said(message, values) or otherwise
    if shown:
        return gettext("Check the field %(field)s: %(message)s", field=name, message=shown)
    return gettext("Check the field %(field)s.", field=name)


def first_error(exc, joined: bool = False) -> tuple[str, str | None]:
    """A marshmallow ValidationError's first field and its first message (None when it has no sentence of its own);
    a nested schema's field is named by both, joined with a dot (``registration.url``). With ``joined``, all that
    field's messages in one, as the events form says them (its parts' messages as they are)."""
    field, messages = next(iter(exc.normalized_messages().items()))
    while isinstance(messages, dict) and messages and all(isinstance(key, str) for key in messages):
        part, messages = next(iter(messages.items()))  # a nested schema's field: "registration.capacity"
        field = f"{field}.{part}"
    if joined:
        return field, " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
    message = messages[0] if isinstance(messages, list) and messages and isinstance(messages[0], str) else None
    return field, message


def conflict_error(conflict: Exception, labels: dict | None = None) -> str:
    """What clashes with what is recorded, in the page's language: the field whose value another record has (by its
    label, with the message where the catalogue has it), the message where the catalogue has it, or the page's
    general words for it."""
    if getattr(conflict, "field", None):
        return field_error(conflict.field, str(conflict) if said(str(conflict)) else ANOTHER_HAS_IT, labels)
    return said(str(conflict)) or gettext("This clashes with what is recorded already.")


def refusal(exc: Exception, labels: dict | None = None) -> tuple[int, str]:
    """What a form's page answers when the change it sent was refused, as its status and words in the page's
    language: 409 for a ``Conflict`` (:func:`conflict_error`); else 422 naming the field, of a marshmallow
    ``ValidationError`` (its first, :func:`first_error`) or of an error that names one (``FieldError``,
    services/ui/forms.py ``FormError``)."""
    if isinstance(exc, Conflict):
        return 409, conflict_error(exc, labels)
    if isinstance(exc, ValidationError):
        return 422, field_error(*first_error(exc), labels)
    return 422, field_error(exc.field, exc.message, labels)


__all__ = ["MESSAGES", "conflict_error", "field_error", "first_error", "refusal", "said"]
