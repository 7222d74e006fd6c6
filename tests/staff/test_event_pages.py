"""The events service's staff pages: an editor signed in at partners lists, adds (with the recurrence builder and
its preview), changes and cancels their organisation's events, through the API's own operations."""

import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from services.events.models import Centre, Event
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
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/sign-in")


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


#: What the API sets and the form now asks too: an address for "another place", a contact, accessibility, sign-up.
DETAILS = {"centre": "", "location": "Park Lisiniec, ul. Kusięckiego 1, Częstochowa",
           "contact": "Anna Nowak, tel. 34 123 45 67", "accessibility": "Wejście bez schodów.\nPętla indukcyjna.",
           "registration": "here", "capacity": "12"}


def _saved_details(staff, event_id=None) -> tuple:
    with staff.events.extensions["osl"].database.session() as session:
        event = session.get(Event, event_id) if event_id else session.scalars(select(Event)).one()
        return (event.id, event.version, event.centre_id, event.location, event.contact, event.accessibility,
                event.registration_required, event.capacity, event.registration_url)


def _radio_checked(html: str, value: str) -> bool:
    return re.search(rf'<input[^>]*name="registration"[^>]*value="{value}"[^>]*checked', html) is not None


def test_an_editor_gives_the_address_contact_accessibility_and_sign_up_and_sees_them_again(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    saved = client.post("/staff/events/new", data={**_form(**DETAILS), "save": "1", "csrf_token": token})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    event_id, version, *columns = _saved_details(staff)
    assert columns == [None, DETAILS["location"], DETAILS["contact"], DETAILS["accessibility"], True, 12, None]
    page = client.get(f"/staff/events/{event_id}").get_data(as_text=True)
    assert f'value="{DETAILS["location"]}"' in page and f'value="{DETAILS["contact"]}"' in page
    assert re.search(r'<textarea[^>]*name="accessibility"[^>]*>Wejście bez schodów.\nPętla indukcyjna.</textarea>',
                     page), page
    assert _radio_checked(page, "here") and not _radio_checked(page, "none")
    assert re.search(r'<input[^>]*name="capacity"[^>]*value="12"', page)
    assert '"osl-ostatni-grosz" selected' not in page  # "none: another place" (the first option) stays chosen
    # Sign-up elsewhere, at the centre again: the centre's address is the place, the URL the way to sign up.
    with staff.events.extensions["osl"].database.session() as session:
        session.scalars(select(Centre)).one().address = "ul. Wręczycka 1"
        session.commit()
    url = "https://fundacja.example/zapisy"
    changed = client.post(f"/staff/events/{event_id}", data={
        **_form(**{**DETAILS, "centre": "osl-ostatni-grosz", "location": "", "registration": "elsewhere",
                   "registration_url": url}), "version": str(version), "save": "1", "csrf_token": token})
    assert changed.status_code == 303, changed.get_data(as_text=True)
    event_id, version, centre_id, location, *rest = _saved_details(staff, event_id)
    assert centre_id is not None and location == "ul. Wręczycka 1"
    assert rest == [DETAILS["contact"], DETAILS["accessibility"], False, None, url]
    page = client.get(f"/staff/events/{event_id}").get_data(as_text=True)
    assert _radio_checked(page, "elsewhere") and re.search(rf'<input[^>]*name="registration_url"[^>]*value="{url}"',
                                                           page)
    assert re.search(r'<input[^>]*name="location"[^>]*value=""', page)  # the centre's address is not copied in
    # Emptied, each is gone (the page says what it wants saved, not "keep what was there").
    cleared = client.post(f"/staff/events/{event_id}", data={
        **_form(contact="", accessibility="", registration="none", registration_url=url), "version": str(version),
        "save": "1", "csrf_token": token})
    assert cleared.status_code == 303, cleared.get_data(as_text=True)
    assert _saved_details(staff, event_id)[4:] == (None, None, False, None, None)
    assert _radio_checked(client.get(f"/staff/events/{event_id}").get_data(as_text=True), "none")


def test_a_repeating_event_at_a_centre_becomes_a_single_one_at_another_place(staff):
    """No weekday ticked and no centre chosen are said to the operation, not left out (which kept the old ones)."""
    client, token, event_id = _editor_with_an_event(staff)
    version = _saved_details(staff, event_id)[1]
    changed = client.post(f"/staff/events/{event_id}", data={
        **_form(weekdays=[], until="", skipped="", centre="", location="Park Lisiniec"), "version": str(version),
        "save": "1", "csrf_token": token})
    assert changed.status_code == 303, changed.get_data(as_text=True)
    with staff.events.extensions["osl"].database.session() as session:
        event = session.get(Event, event_id)
        assert (event.rrule, event.centre_id, event.location) == (None, None, "Park Lisiniec")


def test_the_preview_keeps_the_address_contact_accessibility_and_sign_up(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    for choice, extra in (("here", {}), ("elsewhere", {"registration_url": "https://fundacja.example/zapisy"})):
        response = client.post("/staff/events/new", data={**_form(**{**DETAILS, "registration": choice, **extra}),
                                                          "preview": "1", "csrf_token": token})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and 'id="preview-heading"' in html
        assert f'value="{DETAILS["location"]}"' in html and f'value="{DETAILS["contact"]}"' in html
        assert "Wejście bez schodów.\nPętla indukcyjna.</textarea>" in html
        assert _radio_checked(html, choice) and re.search(r'<input[^>]*name="capacity"[^>]*value="12"', html)
        if extra:
            assert 'value="https://fundacja.example/zapisy"' in html


@pytest.mark.parametrize(("changes", "field", "said"), [
    ({"capacity": "0"}, "capacity", "Proszę sprawdzić pole Liczba miejsc: "),
    ({"capacity": "dużo"}, "capacity", "Proszę sprawdzić pole Liczba miejsc: "),
    ({"capacity": ""}, "capacity", "Proszę sprawdzić pole Liczba miejsc: "),
    ({"registration": "elsewhere", "registration_url": "zapisy u pani Ani"}, "registration_url",
     "Proszę sprawdzić pole Adres strony zapisów: "),
    ({"registration": "elsewhere", "registration_url": ""}, "registration_url",
     "Proszę sprawdzić pole Adres strony zapisów: "),
    ({"registration": "somewhere"}, "registration", "Proszę sprawdzić pole Zapisy"),
    ({"contact": "x" * 301}, "contact", "Proszę sprawdzić pole Kontakt"),
    ({"location": "x" * 501}, "location", "Proszę sprawdzić pole Adres"),
    ({"accessibility": "x" * 2001}, "accessibility", "Proszę sprawdzić pole Dostępność"),
])
def test_a_bad_detail_is_said_at_its_field_kept_on_the_page_and_changes_nothing(staff, changes, field, said):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    assert client.post("/staff/events/new", data={**_form(**DETAILS), "save": "1", "csrf_token": token}
                       ).status_code == 303
    before = _saved_details(staff)
    event_id, version = before[:2]
    form = {**_form(**{**DETAILS, **changes}), "version": str(version), "csrf_token": token}
    for button in ("save",):
        response = client.post(f"/staff/events/{event_id}", data={**form, button: "1"})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, html
        assert f'<a href="#{field}">{said}' in html
        assert re.search(f'id="{field}"[^>]*aria-invalid="true" aria-describedby="{field}-error[^"]*"', html) or \
            re.search(f'<fieldset id="{field}"', html)
        assert re.search(f'<p class="field-error" id="{field}-error">{said}[^<]*</p>', html)
        # What was typed stays: the bad value and the rest.
        assert 'value="Klub szachowy"' in html and (field == "registration" or changes[field] in html)
        if field != "accessibility":
            assert "Wejście bez schodów.\nPętla indukcyjna.</textarea>" in html
        if field != "registration":
            assert _radio_checked(html, changes.get("registration", "here"))
    assert _saved_details(staff, event_id) == before


#: A fair over a weekend (the API's ``ends_at`` of an all-day event is its last day, inclusive), and a one-day one.
FAIR_DAY = date(YEAR, 12, 12)
FAIR = {"title": "Kiermasz świąteczny", "starts_at": FAIR_DAY.isoformat(),
        "ends_at": (FAIR_DAY + timedelta(days=1)).isoformat(), "all_day": True, "district": "ostatni-grosz",
        "audiences": ["everyone"], "category": "picnic"}


def _all_day_from_the_api(staff, **changes):
    """An editor's client and the id of an all-day event their organisation added through the API."""
    from services.events.models import Organisation

    client = _signed_in_editor(staff)
    with staff.events.extensions["osl"].database.session() as session:
        slug = session.scalars(select(Organisation.slug)).one()
    response = staff.events.test_client().post("/api/v1/events", json={**FAIR, "organisation": slug, **changes},
                                               headers={"Authorization": "Bearer test-admin-token"})
    assert response.status_code == 201, response.get_json()
    return client, uuid.UUID(response.get_json()["id"])


def _checked(html: str, name: str) -> bool:
    return re.search(rf'<input[^>]*name="{name}"[^>]*checked', html) is not None


def _stored_times(staff, event_id) -> tuple:
    with staff.events.extensions["osl"].database.session() as session:
        event = session.get(Event, event_id)
        return event.all_day, event.starts_at, event.ends_at


def test_an_all_day_event_from_the_api_opens_in_the_form_as_all_day_for_its_editor_and_an_admin(staff):
    from tests.staff.conftest import signed_in_admin

    client, event_id = _all_day_from_the_api(staff)
    _partners, cookie = signed_in_admin(staff)
    staff.forward()
    admin = staff.events.test_client()
    admin.set_cookie(COOKIE, cookie)
    for who in (client, admin):
        response = who.get(f"/staff/events/{event_id}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, html
        assert _checked(html, "all_day") and "Cały dzień" in html
        assert re.search(rf'<input[^>]*name="day"[^>]*value="{FAIR_DAY}"', html)
        # Its last day is the API's ends_at (inclusive), not the stored midnight after it.
        assert re.search(rf'<input[^>]*name="last_day"[^>]*value="{FAIR_DAY + timedelta(days=1)}"', html)
        # The times are not asked for: a browser would not send the form with a required field left empty.
        assert not re.search(r'<input[^>]*name="starts"[^>]*required', html)


def test_our_events_show_an_all_day_event_over_two_days_by_its_days_without_a_time(staff):
    client, _event_id = _all_day_from_the_api(staff)
    listing = client.get("/staff/events/").get_data(as_text=True)
    item = listing.split("Kiermasz świąteczny", 1)[1].split("</li>", 1)[0]
    assert "00:00" not in item
    assert re.search(r"12 grudnia( \d{4})? – \w+, 13 grudnia", item), item


def test_a_one_day_all_day_event_is_listed_as_the_whole_day(staff):
    client, _event_id = _all_day_from_the_api(staff, ends_at=FAIR_DAY.isoformat())
    item = client.get("/staff/events/").get_data(as_text=True).split("Kiermasz świąteczny", 1)[1].split("</li>")[0]
    assert "00:00" not in item and re.search(r"\w+, 12 grudnia( \d{4})?, cały dzień", item), item


def test_saving_an_all_day_event_through_the_form_keeps_it_all_day(staff):
    client, event_id = _all_day_from_the_api(staff)
    before = _stored_times(staff, event_id)
    page = client.get(f"/staff/events/{event_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    form = {**_form(title="Kiermasz świąteczny i koncert", weekdays=[], until="", skipped="", starts="", ends=""),
            "all_day": "1", "day": FAIR_DAY.isoformat(), "last_day": (FAIR_DAY + timedelta(days=1)).isoformat(),
            "version": version, "csrf_token": csrf_of(client, "/staff/events/new")}
    saved = client.post(f"/staff/events/{event_id}", data={**form, "save": "1"})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    assert _stored_times(staff, event_id) == before
    with staff.events.extensions["osl"].database.session() as session:
        assert session.get(Event, event_id).title == "Kiermasz świąteczny i koncert"


def test_ticking_all_day_on_a_new_event_makes_an_all_day_event_and_its_preview_says_so(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    form = {**_form(weekdays=[], until="", skipped="", starts="", ends=""), "all_day": "1",
            "day": FAIR_DAY.isoformat(), "last_day": "", "csrf_token": token}
    preview = client.post("/staff/events/new", data={**form, "preview": "1"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    shown = html.split('id="preview-heading"', 1)[1].split("</ol>")[0]
    assert "cały dzień" in shown and "00:00" not in shown and "12 grudnia" in shown
    assert _checked(html, "all_day")
    saved = client.post("/staff/events/new", data={**form, "save": "1"})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    with staff.events.extensions["osl"].database.session() as session:
        event = session.scalars(select(Event)).one()
        event_id = event.id
    all_day, starts_at, ends_at = _stored_times(staff, event_id)
    # One day (no last day given): from the midnight of that day to the next, Warsaw time.
    from services.calendar.times import local_midnight

    assert (all_day, starts_at, ends_at) == (True, local_midnight(FAIR_DAY),
                                             local_midnight(FAIR_DAY + timedelta(days=1)))


def test_an_all_day_last_day_before_the_first_is_refused_at_its_field_in_polish(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    form = {**_form(weekdays=[], until="", skipped=""), "all_day": "1", "day": FAIR_DAY.isoformat(),
            "last_day": (FAIR_DAY - timedelta(days=1)).isoformat(), "csrf_token": token, "save": "1"}
    response = client.post("/staff/events/new", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    assert re.search(r'<p class="field-error" id="last_day-error">[^<]*Ostatni dzień nie może być przed pierwszym',
                     html), html
    with staff.events.extensions["osl"].database.session() as session:
        assert session.scalars(select(Event)).all() == []


def test_a_timed_event_still_needs_its_times(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    response = client.post("/staff/events/new", data={**_form(starts=""), "csrf_token": token, "save": "1"})
    assert response.status_code == 422 and 'id="starts-error"' in response.get_data(as_text=True)


def test_the_builder_makes_a_weekly_all_day_event_and_ignores_the_times():
    """Every Saturday of a month, all day: dates for the API, no times; the preview's dates last their whole day."""
    from services.events.staff.builder import preview

    saturday = next(date(YEAR, 5, day) for day in range(1, 8) if date(YEAR, 5, day).weekday() == 5)
    data = api_input(EventForm(**{**_form(weekdays=["SA"], until=f"{YEAR}-05-31", skipped="", starts="", ends=""),
                                  "audiences": ["everyone"], "day": saturday.isoformat(), "all_day": True}))
    assert (data["all_day"], data["starts_at"], data["ends_at"]) == (True, saturday, saturday)
    shown = preview(data)
    assert len(shown) in (4, 5)
    first_start, first_end, skipped = shown[0]
    assert (first_start.date(), first_start.hour, first_end - first_start, skipped) == (
        saturday, 0, timedelta(days=1), False)
