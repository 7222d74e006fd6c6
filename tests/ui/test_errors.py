"""One reading of a marshmallow ValidationError for every page (services/ui/errors.py first_error): its first field,
with that field's first message (partners' pages), or all its messages in one (events' form)."""

from marshmallow import ValidationError

from services.ui.errors import first_error


def test_the_first_field_with_its_first_message_or_all_of_them():
    exc = ValidationError({"ends_at": ["Not a valid datetime.", "The end must be after the start."],
                           "title": ["Missing data for required field."]})
    assert first_error(exc) == ("ends_at", "Not a valid datetime.")
    assert first_error(exc, joined=True) == ("ends_at", "Not a valid datetime. The end must be after the start.")


def test_messages_about_the_parts_of_a_field():
    exc = ValidationError({"exdates": {0: ["Not a valid date."]}})
    assert first_error(exc) == ("exdates", None)  # no one sentence to translate: the page names the field
    assert first_error(exc, joined=True) == ("exdates", "{0: ['Not a valid date.']}")


def test_a_nested_schemas_field_is_named_with_its_parent():
    """The events form's sign-up (the API's ``registration``) says its places and its address apart."""
    exc = ValidationError({"registration": {"url": ["Not a valid URL."]},
                           "title": ["Missing data for required field."]})
    assert first_error(exc) == ("registration.url", "Not a valid URL.")
    assert first_error(exc, joined=True) == ("registration.url", "Not a valid URL.")
