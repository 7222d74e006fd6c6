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


#: An event.updated message's data (services/messaging/messages/events.py EventUpdated), as the history shows it
#: (services/messaging/history.py: without its VEVENT), and the record's previous message's.
EVENT_BEFORE = {
    "id": "0b7f1c4e-3a51-4f5e-9a57-4c2d7f0e8b11", "version": 1, "sequence": 0, "title": "Gimnastyka",
    "description": "Dla seniorów", "starts_at": "2026-12-01T17:00:00+01:00", "ends_at": "2026-12-01T19:00:00+01:00",
    "timezone": "Europe/Warsaw", "all_day": False, "rrule": None, "exdates": [], "overrides": [],
    "district_id": 11, "district_name": "Bialogon", "district_slug": "bialogon", "centre_id": None,
    "centre_name": None, "centre_slug": None, "organisation_id": 4, "organisation_name": "Fundacja Kielce",
    "organisation_slug": "fundacja-kielce", "partnership_id": None, "partnership_name": None, "meeting_id": None,
    "visibility": "partnership", "audiences": ["adults"], "category": "meeting", "location": None, "latitude": None,
    "longitude": None, "url": None, "contact": None, "accessibility": None,
    "registration": {"url": None, "required": False, "capacity": None}, "status": "scheduled",
    "created_at": "2026-11-30T10:00:00+00:00", "updated_at": "2026-11-30T10:00:00+00:00", "cancelled_at": None,
}
EVENT_AFTER = {
    **EVENT_BEFORE, "version": 2, "sequence": 1, "rrule": "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261229T225959Z",
    "exdates": ["2026-12-22"], "district_id": 12, "district_name": "Raków", "district_slug": "rakow",
    "visibility": "public", "audiences": ["seniors"], "category": "workshop",
    "registration": {"url": None, "required": True, "capacity": 3}, "status": "cancelled",
    "changed_fields": ["sequence", "timezone", "rrule", "district_id", "district_name", "district_slug", "status"],
}


def _entry(type_name: str, before: dict, after: dict, kind: str) -> dict:
    """A history entry as services/messaging/history.py builds it from two messages of one record."""
    changes = {name: {"from": before.get(name), "to": value} for name, value in after.items()
               if name != "version" and before.get(name) != value}
    return {"time": "2026-11-30T21:33:42.210685+00:00", "type": type_name, "actor": "account:1",
            "record": {"kind": kind, "id": after.get("id")}, "changes": changes, "state": after}


def test_an_event_change_says_every_value_in_polish_and_leaves_out_technical_fields(context):
    changes = dict(entry_words(_entry("event.updated", EVENT_BEFORE, EVENT_AFTER, "event"))["changes"])
    assert changes["Stan"] == "Odwołane"
    assert changes["Kto widzi"] == "Wszyscy"
    assert changes["Dla kogo"] == "Seniorzy"
    assert changes["Rodzaj wydarzenia"] == "Warsztaty"
    assert changes["Zapisy"] == "obowiązkowe, miejsc: 3"
    assert changes["Powtarza się"].startswith("W każdy wtorek, 17:00–19:00, od 1 grudnia")
    assert changes["Pominięte daty"] == "22 grudnia 2026"
    assert changes["Dzielnica"] == "Raków"  # the name, not its id 12 beside it
    assert changes["Zmienione pola"] == "Powtarza się, Dzielnica, Stan"
    shown = " ".join(f"{label}: {value}" for label, value in changes.items())
    for raw in ("sequence", "timezone", "district_slug", "scheduled", "cancelled", "public", "seniors", "FREQ=",
                "{", "2026-12-22", ": 12"):
        assert raw not in shown, raw
    assert list(changes).count("Dzielnica") == 1


def test_a_meeting_s_status_and_room_booking_in_polish(context):
    before = {"id": 3, "version": 1, "partnership_id": 2, "title": "Zebranie", "agenda": "", "status": "planned",
              "starts_at": "2026-12-03T17:00:00+01:00", "ends_at": "2026-12-03T18:00:00+01:00",
              "timezone": "Europe/Warsaw", "centre_id": 5, "address": None,
              "updated_at": "2026-11-30T10:00:00+00:00", "room_id": 7, "room_status": None}
    after = {**before, "version": 2, "room_status": "conflict", "status": "held"}
    changes = dict(entry_words(_entry("meeting.room_status", {}, after, "meeting"))["changes"])
    assert changes["Stan"] == "Odbyte"
    assert changes["Rezerwacja sali"] == "konflikt sali"
    assert "Strefa czasowa" not in changes and "timezone" not in changes
    assert changes["Sala"] == "7"  # an id where nothing better is known


def test_a_room_taken_for_a_meeting_says_why_and_an_account_mail_its_kind(context):
    taken = {"meeting_id": 3, "meeting_version": 2, "partnership_id": 2, "title": "Zebranie", "organisation_id": 4,
             "room_id": 7, "room_name": "Sala 1", "starts_at": "2026-12-03T17:00:00+01:00",
             "ends_at": "2026-12-03T18:00:00+01:00", "reason": "bookable_hours", "booking_id": None}
    changes = dict(entry_words(_entry("meeting_room.taken", {}, taken, "meeting_room"))["changes"])
    assert changes["Powód"] == "sali nie można zarezerwować w tych godzinach"
    assert changes["Sala"] == "Sala 1"
    assert "meeting_version" not in changes
    mail = {"account_id": 2, "template": "invitation", "language": "pl",
            "expires_at": "2026-12-03T17:00:00+01:00"}
    changes = dict(entry_words(_entry("account.mail.requested", {}, mail, "account.mail"))["changes"])
    assert changes["Rodzaj wiadomości"] == "Zaproszenie"
    assert changes["Język"] == "polski"


def test_a_room_s_fields_have_labels(context):
    room = {"id": 7, "version": 1, "centre_id": 5, "name": "Sala 1", "capacity": 20, "step_free": True,
            "accessible_toilet": False, "equipment": ["rzutnik"], "bookable_hours": {"MO": ["09:00-17:00"]},
            "closures": [], "open_on": [], "buffer_minutes": 15, "horizon_days": 90, "requires_approval": False}
    changes = dict(entry_words(_entry("room.created", {}, room, "room"))["changes"])
    assert changes["Bez progów i schodów"] == "tak"
    assert not [label for label in changes if "_" in label]


def test_a_value_with_no_words_falls_back_to_itself(context):
    entry = _entry("event.updated", {}, {"status": "postponed", "visibility": "x", "registration": {"odd": 1},
                                         "rrule": "NOT A RULE", "audiences": ["martians"]}, "event")
    changes = dict(entry_words(entry)["changes"])
    assert changes["Stan"] == "postponed" and changes["Dla kogo"] == "martians"
    assert "NOT A RULE" in changes["Powtarza się"]


def _fields(schema, prefix=""):
    """Every field a message carries, nested ones too ("closures.from")."""
    for name, field in schema.fields.items():
        key = field.data_key or name
        yield prefix + key
        inner = getattr(field, "inner", field)
        if hasattr(inner, "schema") and hasattr(inner, "nested"):
            yield from _fields(inner.schema, f"{prefix}{key}.")


def test_every_field_of_every_message_has_words_or_is_left_out(context):
    from services.messaging.history import HIDDEN
    from services.ui.history import FIELD_LABELS, TECHNICAL_FIELDS

    names = {name for kind in all_types().values() for name in _fields(kind.schema)}
    unsaid = sorted(name for name in names
                    if (last := name.rsplit(".", 1)[-1]) not in FIELD_LABELS and last not in TECHNICAL_FIELDS
                    and last not in HIDDEN and last not in ("id", "key_id") and not last.endswith("_slug"))
    assert unsaid == []


def test_nested_records_are_said_with_their_labels_and_without_technical_fields(context):
    event = {**EVENT_AFTER, "overrides": [{"recurrence_id": "2026-12-15T17:00:00", "status": "cancelled",
                                           "starts_at": "2026-12-15T17:00:00+01:00",
                                           "ends_at": "2026-12-15T19:00:00+01:00", "location": None,
                                           "sequence": 2}]}
    changes = dict(entry_words(_entry("event.updated", EVENT_BEFORE, event, "event"))["changes"])
    overrides = changes["Terminy zmienione osobno"]
    assert "Stan: Odwołane" in overrides and "wtorek, 15 grudnia" in overrides
    assert "sequence" not in overrides and "recurrence_id" not in overrides


def test_a_booking_s_kind_states_and_reasons_and_an_admin_key_s_scope_in_polish(context):
    booking = {"id": "0b7f1c4e-3a51-4f5e-9a57-4c2d7f0e8b11", "version": 2, "room_id": 7, "kind": "meeting",
               "state": "pending", "title": "Zebranie", "visibility": "private",
               "starts_at": "2026-12-03T17:00:00+01:00", "ends_at": "2026-12-03T18:00:00+01:00",
               "dates": [{"starts_at": "2026-12-03T17:00:00+01:00", "ends_at": "2026-12-03T18:00:00+01:00",
                          "state": "skipped", "reason": "yielded"},
                         {"starts_at": "2026-12-10T17:00:00+01:00", "ends_at": "2026-12-10T18:00:00+01:00",
                          "state": "cancelled", "reason": "holiday"}]}
    changes = dict(entry_words(_entry("booking.updated", {}, booking, "booking"))["changes"])
    assert changes["Rodzaj"] == "Spotkanie partnerstwa"
    assert changes["Stan"] == "Rezerwacja czeka na zatwierdzenie"
    assert "Stan: Termin pominięty, Powód: ten termin zajęła potwierdzona rezerwacja" in changes["Terminy"]
    assert "Stan: Termin odwołany, Powód: ten dzień jest świętem" in changes["Terminy"]
    key = {"id": 3, "prefix": "osl_ab12", "scopes": ["admin"], "issued_at": "2026-11-30T10:00:00+00:00"}
    changes = dict(entry_words(_entry("admin_key.issued", {}, key, "admin_key"))["changes"])
    assert changes["Uprawnienia"] == "Wszystko (administrator)"


def test_each_code_of_the_message_contract_has_its_words():
    from services.calendar.rooms import WEEKDAYS
    from services.messaging.messages import events, partners
    from services.ui import labels

    assert set(labels.CENTRE_KIND_LABELS) == set(partners.CENTRE_KINDS)
    assert set(labels.MEMBER_KIND_LABELS) == set(partners.MEMBER_KINDS)
    assert set(labels.API_KEY_SCOPE_LABELS) == {*partners.API_KEY_SCOPES, "admin"}
    assert set(labels.BOOKING_KIND_LABELS) == set(events.BOOKING_KINDS)
    assert set(labels.BOOKING_STATE_LABELS) == set(events.BOOKING_STATES)
    assert set(labels.BOOKING_DATE_STATE_LABELS) == set(events.BOOKING_DATE_STATES)
    assert tuple(labels.WEEKDAY_LABELS) == WEEKDAYS
