"""The event form's address for another place, contact, accessibility and sign-up (none, here with N places, or at
another web address): saved through the API's schema, shown again on edit, kept by the preview, refused at its field."""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from services.events.models import Centre, Event
from tests.staff.conftest import csrf_of
from tests.staff.test_event_pages import _editor_with_an_event, _form, _signed_in_editor

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
    for button in ("save", "preview"):  # "Pokaż terminy" refuses what saving refuses, at the same field
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


def test_the_sign_up_address_takes_what_the_server_takes_without_https(staff):
    """The server adds https:// to "www.example.org" (messaging/fields.web_address); a type=url input made the
    browser refuse it first. The field is text, with the keyboard of web addresses."""
    client = _signed_in_editor(staff)
    page = client.get("/staff/events/new").get_data(as_text=True)
    field = re.search(r'<input id="registration_url"[^>]*>', page).group(0)
    assert 'type="text"' in field and 'inputmode="url"' in field and 'type="url"' not in field, field
    token = csrf_of(client, "/staff/events/new")
    saved = client.post("/staff/events/new", data={**_form(**{**DETAILS, "registration": "elsewhere",
                                                              "registration_url": "www.example.org"}),
                                                   "save": "1", "csrf_token": token})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    assert _saved_details(staff)[-1] == "https://www.example.org"


class _Shown(HTMLParser):
    """The values a browser sends for a page's form as shown: inputs (a box or a choice when ticked), text areas and
    the options chosen."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._text: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and (a.get("type") not in ("checkbox", "radio") or "checked" in a):
            self.values.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "textarea":
            self._text = a["name"]
            self.values.setdefault(self._text, []).append("")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values.setdefault(self._select, []).append(a.get("value") or "")

    def handle_data(self, data):
        if self._text:
            self.values[self._text][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._text = None
        elif tag == "select":
            self._select = None


def _as_shown(html: str) -> dict[str, list[str]]:
    form = html[html.index('<form method="post" class="stack event-form"'):]
    reader = _Shown()
    reader.feed(form[:form.index("</form>")])
    return reader.values


@pytest.mark.parametrize("capacity", [20, None])
def test_an_outside_sign_up_the_api_made_required_stays_so_when_the_form_is_saved_unchanged(staff, capacity):
    """The API stores a sign-up at another address that is also required, with or without a number of places; the
    form showed only the address, so saving it unchanged made the sign-up optional and dropped the places."""
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    url = "https://fundacja.example/zapisy"
    assert client.post("/staff/events/new", data={**_form(**{**DETAILS, "registration": "elsewhere",
                                                             "registration_url": url}),
                                                  "save": "1", "csrf_token": token}).status_code == 303
    event_id = _saved_details(staff)[0]
    with staff.events.extensions["osl"].database.session() as session:  # as the API stores it
        event = session.get(Event, event_id)
        event.registration_required, event.capacity = True, capacity
        session.commit()
    before = _saved_details(staff, event_id)
    page = client.get(f"/staff/events/{event_id}").get_data(as_text=True)
    saved = client.post(f"/staff/events/{event_id}", data={**_as_shown(page), "save": "1"})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    after = _saved_details(staff, event_id)
    assert after[-3:] == before[-3:] == (True, capacity, url)
