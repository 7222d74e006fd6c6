"""The staff history page's words (services/ui/history.py): every message type said in Polish, values as staff read
them, times in Warsaw's clock, and a raw name kept when there are no words for it."""

import pytest
from flask_babel import force_locale

import services.messaging.messages  # noqa: F401  (fills the registry)
from services.messaging.registry import all_types
from services.ui.history import CHANGE_LABELS, actor_words, change_words, entry_words, value_words


@pytest.fixture
def context(ui_app):
    with ui_app.test_request_context("/"), force_locale("pl"):
        yield


def test_every_message_type_has_words_and_they_are_polish(context):
    names = {getattr(kind, "name", kind) for kind in all_types()}
    assert names == set(CHANGE_LABELS)
    polish = {name: change_words(name) for name in names}
    with force_locale("en"):
        english = {name: change_words(name) for name in names}
    assert [name for name in names if polish[name] == english[name]] == []  # each one translated


def test_a_type_with_no_words_is_shown_as_it_is(context):
    assert change_words("district.renamed.v2") == "district.renamed.v2"


def test_who_is_said_in_words_and_never_more_than_the_envelope_says(context):
    assert actor_words("account:7") == "konto nr 7"
    assert actor_words("admin-token") == "token administratora"
    assert actor_words("key:ab12cd") == "klucz API ab12cd"
    assert actor_words(None) == "—"


def test_values_yes_no_none_lists_and_moments_in_warsaw_time(context):
    assert (value_words(True), value_words(False), value_words(None), value_words([])) == ("tak", "nie", "—", "—")
    assert value_words(["seniors", "adults"]) == "seniors, adults"
    assert value_words(0) == "0"
    # 14 March 2026, 09:00 UTC is 10:00 in Warsaw (CET), a Saturday.
    assert value_words("2026-03-14T09:00:00+00:00").startswith("sobota, 14 marca")
    assert value_words("2026-03-14T09:00:00+00:00").endswith(", 10:00")


def test_an_entry_in_words(context):
    entry = {"time": "2026-07-04T08:05:00+00:00", "type": "meeting.planned", "actor": "account:1",
             "record": {"kind": "meeting", "id": 3},
             "changes": {"id": {"from": None, "to": 3}, "partnership_id": {"from": None, "to": 2},
                         "mystery": {"from": None, "to": "x"},
                         "changed_fields": {"from": None, "to": ["title", "starts_at", "mystery"]}}}
    words = entry_words(entry)
    assert (words["what"], words["who"]) == ("Zaplanowano spotkanie", "konto nr 1")
    assert words["changes"] == [("Partnerstwo", "2"), ("mystery", "x"), ("Zmienione pola", "Tytuł, Od, mystery")]
    assert words["at"].hour == 8  # aware: the page's filters put it in Warsaw's clock
