"""The events service's staff pages: an editor signed in at partners lists, adds (with the recurrence builder and
its preview), changes and cancels their organisation's events, through the API's own operations."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from services.events.models import Event
from services.events.staff.builder import EventForm, api_input, skipped_dates
from services.messaging.staff import COOKIE
from tests.partners.helpers import make_centre, make_district
from tests.staff.conftest import csrf_of, history_table

YEAR = date.today().year + 1
#: The Tuesday and Thursday activity starts on the first Tuesday of March of YEAR (2 March 2027); its second Thursday
#: is left out.
FIRST = next(date(YEAR, 3, day) for day in range(2, 9) if date(YEAR, 3, day).weekday() == 1)
SKIPPED = FIRST + timedelta(days=9)


def _signed_in_editor(staff):
    make_district(staff.client)
    make_centre(staff.client)
    _account, cookie = staff.editor()
    staff.forward()
    client = staff.events.test_client()
    client.set_cookie(COOKIE, cookie)
    return client


def _form(**changes) -> dict:
    form = {"title": "Klub szachowy", "description": "Dla każdego.", "category": "culture",
            "district": "ostatni-grosz", "centre": "osl-ostatni-grosz", "audiences": ["seniors", "youth"],
            "day": FIRST.isoformat(), "starts": "17:00", "ends": "19:00", "weekdays": ["TU", "TH"],
            "until": f"{YEAR}-03-31", "skipped": f"{SKIPPED:%d.%m.%Y}"}
    return {**form, **changes}


def test_the_builder_says_weekly_days_until_a_date_and_skips():
    data = api_input(EventForm(**{**_form(), "audiences": ["seniors"]}))
    assert data["rrule"] == f"FREQ=WEEKLY;BYDAY=TU,TH;UNTIL={YEAR}0331T235959"
    assert data["exdates"] == [SKIPPED]
    assert skipped_dates(f"{YEAR}-12-24, 31.12.{YEAR}") == [date(YEAR, 12, 24), date(YEAR, 12, 31)]


def test_without_a_session_the_pages_send_to_the_sign_in(staff):
    response = staff.events.test_client().get("/staff/events/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        "/staff/sign-in?next=http%3A%2F%2F127.0.0.1%3A8002%2Fstaff%2Fevents%2F")


def test_an_editor_previews_the_dates_then_saves_a_weekly_activity(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    preview = client.post("/staff/events/new", data={**_form(), "preview": "1", "csrf_token": token})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert html.count("<li>") >= 8 and "<del>" in html  # 8 or 9 dates in March, one skipped
    saved = client.post("/staff/events/new", data={**_form(), "save": "1", "csrf_token": token})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    with staff.events.extensions["osl"].database.session() as session:
        event = session.scalars(select(Event)).one()
        assert (event.title, event.rrule, event.exdates) == (
            "Klub szachowy", f"FREQ=WEEKLY;BYDAY=TU,TH;UNTIL={YEAR}0331T235959", [SKIPPED.isoformat()])
        assert event.audiences == ["seniors", "youth"]
    listing = client.get("/staff/events/?q=szach").get_data(as_text=True)
    assert "Klub szachowy" in listing
    assert "Klub szachowy" not in client.get("/staff/events/?q=tenis").get_data(as_text=True)


def test_the_preview_says_when_the_first_date_has_passed(staff):
    """An editor who types last year (or yesterday) by mistake is told before saving; a date ahead is not flagged."""
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    yesterday = date.today() - timedelta(days=1)
    past = client.post("/staff/events/new", data={**_form(day=yesterday.isoformat(), weekdays=[], until="",
                                                          skipped=""), "preview": "1", "csrf_token": token})
    assert past.status_code == 200 and "(ten termin już minął)" in past.get_data(as_text=True)
    ahead = client.post("/staff/events/new", data={**_form(), "preview": "1", "csrf_token": token})
    assert "już minął" not in ahead.get_data(as_text=True)


def test_the_preview_refuses_a_series_the_save_refuses_with_the_same_error(staff):
    """A weekly series starting at 02:30 on the Sunday the clocks go forward: that time does not exist. Saving says
    so at "Od"; "Pokaż terminy" showed the dates without a word."""
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    sunday = max(date(YEAR, 3, day) for day in range(25, 32) if date(YEAR, 3, day).weekday() == 6)
    form = _form(day=sunday.isoformat(), starts="02:30", ends="04:00", weekdays=["SU"], until=f"{YEAR}-04-30",
                 skipped="")
    errors = []
    for button in ("save", "preview"):
        response = client.post("/staff/events/new", data={**form, button: "1", "csrf_token": token})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, (button, html)
        errors.append(re.search(r'<p class="field-error" id="starts-error">[^<]*</p>', html).group(0))
        assert 'id="preview-heading"' not in html
    assert errors[0] == errors[1]


def test_bad_input_names_the_field_and_keeps_what_was_typed(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    response = client.post("/staff/events/new", data={**_form(ends="16:00"), "save": "1", "csrf_token": token})
    assert response.status_code == 422 and "Klub szachowy" in response.get_data(as_text=True)
    response = client.post("/staff/events/new", data={**_form(title=""), "save": "1", "csrf_token": token})
    assert response.status_code == 422 and "title" in response.get_data(as_text=True)
    response = client.post("/staff/events/new", data={**_form(), "save": "1"})
    assert response.status_code == 400


@pytest.mark.parametrize(("changes", "field"), [
    ({"ends": "16:00"}, "ends"),  # the builder's error
    ({"title": ""}, "title"),  # the API's, named by its schema
    ({"title": "x" * 201}, "title"),
    ({"skipped": "31.02.2027"}, "skipped"),
    ({"audiences": ["aliens"]}, "audiences"),  # a fieldset of boxes
    ({"until": f"{YEAR}-02-01"}, "until"),  # the calendar core's, said at the builder's field
    ({"weekdays": []}, "until"),
])
def test_an_error_is_tied_to_its_field(staff, changes, field):
    """The field is marked invalid and described by its error, and the summary at the top links to it."""
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    response = client.post("/staff/events/new", data={**_form(**changes), "save": "1", "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<a href="#{field}">' in html
    assert re.search(f'id="{field}"[^>]*aria-invalid="true" aria-describedby="{field}-error"', html) or \
        re.search(f'<fieldset id="{field}"', html)
    assert re.search(f'<p class="field-error" id="{field}-error">[^<]+</p>', html)


def test_field_errors_are_in_the_pages_language(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    polish = client.post("/staff/events/new", data={**_form(ends="16:00"), "save": "1", "csrf_token": token})
    html = polish.get_data(as_text=True)
    assert polish.status_code == 422
    assert "Proszę sprawdzić pole Do: Koniec musi być po początku." in html
    assert "The end must be after the start" not in html and "ends_at" not in html
    polish = client.post("/staff/events/new", data={**_form(title=""), "save": "1", "csrf_token": token})
    assert "Proszę sprawdzić pole Tytuł" in polish.get_data(as_text=True)
    english = client.post("/staff/events/new?lang=en", data={**_form(ends="16:00"), "save": "1", "csrf_token": token})
    assert "Check the field To: The end must be after the start." in english.get_data(as_text=True)


def test_an_impossible_date_to_skip_is_named_in_the_error_in_the_pages_language(staff):
    """31 February is no date: the error says which of the dates typed is wrong, not only that one is."""
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    skipped = f"{SKIPPED:%d.%m.%Y}\n31.02.{YEAR}"
    for button in ("preview", "save"):
        response = client.post("/staff/events/new", data={**_form(skipped=skipped), button: "1", "csrf_token": token})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, html
        assert (f'<p class="field-error" id="skipped-error">Proszę sprawdzić pole Pomiń te dni (po jednym w wierszu, '
                f'np. 24.12.2026): „31.02.{YEAR}” nie jest poprawną datą: proszę ją wpisać tak jak 24.12.2026.</p>'
                ) in html
    english = client.post("/staff/events/new?lang=en", data={**_form(skipped=f"<b>1.1.{YEAR}, 2.2"), "save": "1",
                                                               "csrf_token": token})
    html = english.get_data(as_text=True)
    assert english.status_code == 422
    assert "“&lt;b&gt;1.1." in html and "<b>1.1" not in html  # the first wrong one, as typed and escaped
    assert "is not a valid date: write it such as 24.12.2026." in html


def test_a_last_day_before_the_first_is_refused_in_polish_and_nothing_is_saved(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    form = _form(day=f"{YEAR}-12-01", weekdays=["TU"], until=f"{YEAR}-11-01", skipped="")
    for button in ("preview", "save"):
        response = client.post("/staff/events/new", data={**form, button: "1", "csrf_token": token})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, html
        assert "Proszę sprawdzić pole do (ostatni dzień): Powtarzanie kończy się przed pierwszym dniem." in html
        assert "UNTIL" not in html
    with staff.events.extensions["osl"].database.session() as session:
        assert session.scalars(select(Event)).all() == []


def test_a_first_day_on_a_weekday_not_ticked_is_refused_in_polish(staff):
    """Tuesday 1 December with Wednesdays ticked would give Tuesday 1 December and then the Wednesdays (the first
    day always counts, RFC 5545): the page asks instead of adding a date nobody ticked."""
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    form = _form(day="2026-12-01", weekdays=["WE"], until="2027-01-31", skipped="")
    for button in ("preview", "save"):
        response = client.post("/staff/events/new", data={**form, button: "1", "csrf_token": token})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, html
        assert ("Proszę sprawdzić pole Powtarza się co tydzień w: Pierwszy dzień wypada w inny dzień tygodnia niż "
                "zaznaczone: proszę zaznaczyć także jego dzień albo wybrać inny pierwszy dzień.") in html
    with staff.events.extensions["osl"].database.session() as session:
        assert session.scalars(select(Event)).all() == []
    ticked = client.post("/staff/events/new", data={**form, "weekdays": ["TU", "WE"], "save": "1",
                                                    "csrf_token": token})
    assert ticked.status_code == 303


def test_a_last_day_without_weekdays_is_not_silently_dropped(staff):
    """Before, the until date was ignored and a single event saved: now the page asks for the weekdays."""
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    response = client.post("/staff/events/new", data={**_form(weekdays=[]), "save": "1", "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    assert ("Proszę sprawdzić pole do (ostatni dzień): Proszę zaznaczyć dni tygodnia, w które wydarzenie się "
            "powtarza, albo zostawić to pole puste.") in html
    single = client.post("/staff/events/new", data={**_form(weekdays=[], until=""), "save": "1", "csrf_token": token})
    assert single.status_code == 303  # a single event: no weekdays and no last day


def test_an_editor_changes_and_cancels_the_event_and_the_history_names_them(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    client.post("/staff/events/new", data={**_form(), "save": "1", "csrf_token": token})
    with staff.events.extensions["osl"].database.session() as session:
        event_id, version = session.execute(select(Event.id, Event.version)).one()
    page = client.get(f"/staff/events/{event_id}").get_data(as_text=True)
    assert 'value="Klub szachowy"' in page and 'value="TU" checked' in page
    assert f'id="day" name="day" type="date" required value="{FIRST}"' in page
    assert 'id="starts" name="starts" type="time" value="17:00"' in page
    # The skipped dates come back as the field asks for them ("such as 24.12.2026"), not as ISO dates.
    assert re.search(rf'<textarea[^>]*name="skipped"[^>]*>\s*{SKIPPED:%d\.%m\.%Y}\s*</textarea>', page), page
    changed = client.post(f"/staff/events/{event_id}", data={**_form(title="Klub szachowy dla wszystkich"),
                                                            "version": str(version), "save": "1",
                                                            "csrf_token": token})
    assert changed.status_code == 303
    stale = client.post(f"/staff/events/{event_id}", data={**_form(), "version": str(version), "save": "1",
                                                          "csrf_token": token})
    assert stale.status_code == 409
    assert client.post(f"/staff/events/{event_id}/cancel", data={"csrf_token": token, "confirm": "1",
                                                                 "version": str(version + 1)}).status_code == 303
    history = staff.events.test_client().get("/api/v1/history/", headers={"Authorization": "Bearer test-admin-token"})
    types = [(entry["type"], entry["actor"]) for entry in history.get_json() if entry["type"].startswith("event.")]
    assert types == [("event.cancelled", "account:1"), ("event.updated", "account:1"),
                     ("event.published", "account:1")]


def _editor_with_an_event(staff):
    """A signed-in editor's client, its form token, and the id of the event it added."""
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    client.post("/staff/events/new", data={**_form(), "save": "1", "csrf_token": token})
    with staff.events.extensions["osl"].database.session() as session:
        return client, token, session.scalar(select(Event.id))


def test_the_cancel_button_asks_first_and_only_the_confirmation_cancels(staff):
    client, token, event_id = _editor_with_an_event(staff)
    path = f"/staff/events/{event_id}"
    form = client.get(path).get_data(as_text=True)
    # The button is a plain link to the question (a GET), not a form that cancels.
    assert f'href="{path}/cancel?version=1"' in form and "Odwołaj to wydarzenie" in form
    assert f'action="{path}/cancel"' not in form
    asked = client.get(f"{path}/cancel")
    assert asked.status_code == 200 and asked.headers["Cache-Control"] == "no-store"
    page = asked.get_data(as_text=True)
    assert "Odwołać wydarzenie „Klub szachowy”?" in page
    assert "Każdy termin tego powtarzającego się wydarzenia zostanie odwołany." in page
    assert "Osoby, które je obserwują lub są na nie zapisane, dostaną wiadomość e-mail." in page
    assert "Tego nie można cofnąć." in page
    assert f'<form method="post" action="{path}/cancel">' in page and 'name="confirm" value="1"' in page
    assert 'name="csrf_token"' in page and "Tak, odwołaj" in page and f'<a href="{path}">Wróć</a>' in page
    # A post without the confirmation's field (an old page's one-click form) cancels nothing: back to the question.
    unasked = client.post(f"{path}/cancel", data={"csrf_token": token})
    assert (unasked.status_code, unasked.headers["Location"]) == (303, f"{path}/cancel")
    assert client.post(f"{path}/cancel", data={"confirm": "1"}).status_code == 400  # no CSRF token: refused
    with staff.events.extensions["osl"].database.session() as session:
        assert session.get(Event, event_id).status == "scheduled"
    assert client.post(f"{path}/cancel", data={"csrf_token": token, "confirm": "1", "version": "1"}
                       ).status_code == 303
    with staff.events.extensions["osl"].database.session() as session:
        assert session.get(Event, event_id).status == "cancelled"
    assert "Odwołaj to wydarzenie" not in client.get(path).get_data(as_text=True)
    assert client.get(f"{path}/cancel").headers["Location"] == path  # cancelled already: nothing to ask


def test_the_events_history_page_says_each_change_in_polish_words(staff):
    from tests.staff.conftest import signed_in_admin

    client, token, event_id = _editor_with_an_event(staff)
    with staff.events.extensions["osl"].database.session() as session:
        version = session.get(Event, event_id).version
    # Another weekday only: the rule changes, its first date does not (the history's entry has no starts_at).
    client.post(f"/staff/events/{event_id}", data={**_form(weekdays=["TU"]), "version": str(version), "save": "1",
                                                   "csrf_token": token})
    assert client.post(f"/staff/events/{event_id}/cancel", data={"csrf_token": token, "confirm": "1",
                                                                 "version": str(version + 1)}).status_code == 303
    _partners, cookie = signed_in_admin(staff)
    staff.forward()
    admin = staff.events.test_client()
    admin.set_cookie(COOKIE, cookie)
    table = history_table(admin, "/staff/events/history")
    assert "Stan: Odwołane" in table and "Stan: Odbędzie się" in table
    assert "Dla kogo: Seniorzy, Młodzież" in table or "Dla kogo: Młodzież, Seniorzy" in table
    assert "Powtarza się: W każdy wtorek, 17:00–19:00" in table
    assert f"Pominięte daty: {SKIPPED.day} marca" in table
    for raw in ("sequence", "timezone", "district_slug", "centre_slug", "scheduled", "cancelled", "FREQ=",
                "seniors", "{", "public"):
        assert raw not in table, raw


def test_another_organisations_event_is_not_found(staff):
    client, token, event_id = _editor_with_an_event(staff)
    other_organisation = staff.organisation("Fundacja Inni")
    _account, cookie = staff.editor("jan@inni.example", other_organisation)
    staff.forward()
    other = staff.events.test_client()
    other.set_cookie(COOKIE, cookie)
    assert other.get(f"/staff/events/{event_id}").status_code == 404
    assert other.get(f"/staff/events/{event_id}/cancel").status_code == 404
    assert other.post(f"/staff/events/{event_id}/cancel", data={"csrf_token": csrf_of(other, "/staff/events/new"),
                                                               "confirm": "1"}).status_code == 404
    assert "Klub szachowy" not in other.get("/staff/events/").get_data(as_text=True)


def test_our_events_link_an_event_with_registration_to_its_registrations_in_notify(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    assert client.post("/staff/events/new", data={**_form(), "save": "1", "csrf_token": token}).status_code == 303
    with staff.events.extensions["osl"].database.session() as session:
        event = session.scalars(select(Event)).one()
    link = f'href="{staff.events.config["NOTIFY_URL"].rstrip("/")}/registrations/staff/events/{event.id}"'
    assert link not in client.get("/staff/events/").get_data(as_text=True)
    with staff.events.extensions["osl"].database.session() as session:
        session.get(Event, event.id).registration_required = True
        session.commit()
    assert link in client.get("/staff/events/").get_data(as_text=True)
