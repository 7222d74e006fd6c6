"""What a registration form (residents' or staff's) shows again when the schema or the operation refuses it."""

import pytest
from marshmallow import ValidationError

from services.messaging.errors import Conflict, FieldError
from services.notify.pages.registrations import attempt

SENTENCES = {"name": "Enter a name.", "email": "Enter an address."}


class Session:
    rolled_back = 0

    def rollback(self):
        self.rolled_back += 1


def raising(exc):
    def register():
        raise exc
    return register


def test_a_registration_made_is_given_back_with_no_refusal():
    session = Session()
    assert attempt(session, SENTENCES, lambda: "registration") == ("registration", None)
    assert session.rolled_back == 0


def test_schema_errors_name_each_field_with_its_sentence_else_the_names():
    session = Session()
    registration, refusal = attempt(session, SENTENCES, raising(ValidationError({"email": ["x"], "phone": ["y"]})))
    assert registration is None
    assert refusal == {"errors": {"email": "Enter an address.", "phone": "Enter a name."}, "status": 422}


def test_an_operations_field_error_is_rolled_back_with_its_sentence_else_its_message():
    session = Session()
    _, refusal = attempt(session, SENTENCES, raising(FieldError("occurrence", "No such date.")))
    assert refusal == {"errors": {"occurrence": "No such date."}, "status": 422}
    _, refusal = attempt(session, SENTENCES, raising(FieldError("email", "bad")))
    assert refusal == {"errors": {"email": "Enter an address."}, "status": 422}
    assert session.rolled_back == 2


def test_a_conflict_is_closed_409_rolled_back():
    session = Session()
    assert attempt(session, SENTENCES, raising(Conflict("full"))) == (None, {"problem": "closed", "status": 409})
    assert session.rolled_back == 1


def test_anything_else_is_the_callers():
    with pytest.raises(KeyError):
        attempt(Session(), SENTENCES, raising(KeyError("x")))
