"""The roll call as a page (plain forms, no JavaScript): the same rules and credentials as the API."""

import re

from tests.programme.factories import (
    ACTIVITY,
    ADMIN,
    DISTRICT_NAMES,
    OTHER_KEY,
    OWN_KEY,
    PICNIC,
    bearer,
    deliver,
    known_programme,
    page_of,
    statuses,
)
from tests.staff.conftest import CSRF
from tests.ui.pagecheck import words

WHEN = "2018-05-22T17:00:00+02:00"


def token_in(html: str) -> str:
    """The CSRF token of the page's form."""
    return CSRF.search(html).group(1)


def test_the_dates_of_an_activity_link_to_their_roll_calls(programme_app):
    text = page_of(programme_app, known_programme(programme_app), f"activities/{ACTIVITY}/")
    assert text.count("/roll-calls/") == 10
    assert text.count("lista zapisana") == 2


def test_a_roll_call_recorded_through_the_form(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    url = f"/programmes/{known['id']}/roll-calls/{ACTIVITY}/{WHEN}"
    form = client.get(url, headers=bearer(OWN_KEY))
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    ids = known["ids"]
    # Everyone ticked at an earlier date of the activity is listed to tick.
    assert all(f'name="mark-{ids[name]}"' in html for name in ("P1", "P2", "P4", "W1"))
    assert f'name="mark-{ids["P3"]}"' not in html
    sent = client.post(url, headers=bearer(OWN_KEY), data={
        "csrf_token": token_in(html), f"mark-{ids['P1']}": "present", f"mark-{ids['P2']}": "absent",
        "add": ids["P3"].lower(),
        "walk_in-gender": "male", "walk_in-age_band": "under_25", "walk_in-status_at_entry": "inactive",
        "walk_in-district": "rakow", "anonymous_count": "2"})
    assert sent.status_code == 303
    after = client.get(sent.headers["Location"], headers=bearer(OWN_KEY)).get_data(as_text=True)
    assert "Lista obecności zapisana" in after
    api = client.get(f"{known['base']}/roll-calls/{ACTIVITY}/{WHEN}", headers=ADMIN).json
    marks = {m["participant"]: m["status"] for m in api["attendance"]}
    new = [p for p in marks if p not in ids.values()]
    assert len(new) == 1 and new[0] in after
    assert marks == {ids["P1"]: "present", ids["P2"]: "absent", ids["P3"]: "present", new[0]: "present"}
    assert api["anonymous_count"] == 2
    # The form shows what was recorded.
    assert re.search(rf'name="mark-{ids["P1"]}" value="present"\s+checked', after)
    assert re.search(rf'name="mark-{ids["P2"]}" value="absent"\s+checked', after)
    assert not re.search(rf'name="mark-{ids["P2"]}" value="present"\s+checked', after)


def test_a_bad_form_is_shown_again_with_the_reason(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    url = f"/programmes/{known['id']}/roll-calls/{ACTIVITY}/{WHEN}"
    token = token_in(client.get(url, headers=ADMIN).get_data(as_text=True))
    sent = client.post(url, headers=ADMIN, data={"csrf_token": token, "add": "NOSUCHONE", "anonymous_count": "-3"})
    assert sent.status_code == 422
    # In Polish as the page is, the field by the form's words (it said "anonymous_count: Must be ...").
    assert "Proszę sprawdzić pole Osoby policzone bez zapisu" in sent.get_data(as_text=True)
    sent = client.post(url, headers=ADMIN, data={"csrf_token": token, "add": "NOSUCHONE"})
    assert sent.status_code == 422
    text = sent.get_data(as_text=True)
    assert ("Proszę sprawdzić pole Uczestnicy programu (NOSUCHONE): nie ma takiego uczestnika w tym programie."
            in text and "No participant" not in text)
    assert client.get(f"{known['base']}/roll-calls/{ACTIVITY}/{WHEN}", headers=ADMIN).json["attendance"] == []


def _posted(html: str, name: str) -> str | None:
    """The value the form shows in its field ``name``: an input's value, or the selected option of a select."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    if found:
        return found.group(1)
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.DOTALL)
    chosen = re.search(r'<option value="([^"]*)" selected', select.group(0)) if select else None
    return chosen.group(1) if chosen else None


def _error_of(html: str, field: str) -> str:
    """The error the page shows next to the field ``field`` (its id), which the field names as its description."""
    assert re.search(rf'id="{field}"[^>]*aria-describedby="{field}-error"', html), f"{field} is not described"
    return re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html).group(1)


def test_a_refused_form_keeps_everything_posted_with_the_reason_next_to_the_field(programme_app):
    known = known_programme(programme_app)
    deliver(programme_app, "notify", "registration.changed", {
        "ref": "ABCD01", "event_id": str(ACTIVITY), "occurrence": "2018-05-22T15:00:00+00:00", "people": 2,
        "status": "confirmed"})
    client = programme_app.test_client()
    url = f"/programmes/{known['id']}/roll-calls/{ACTIVITY}/{WHEN}"
    token = token_in(client.get(url, headers=ADMIN).get_data(as_text=True))
    ids = known["ids"]
    form = {"csrf_token": token, f"mark-{ids['P1']}": "present", f"mark-{ids['P2']}": "absent",
            "reg-ABCD01": "excused", "add": f"{ids['P3'].lower()}, ",
            "walk_in-gender": "female", "walk_in-age_band": "over_54", "walk_in-status_at_entry": "employed",
            "walk_in-district": "ostatni-grosz", "anonymous_count": "-3"}
    sent = client.post(url, headers=ADMIN, data=form)
    assert sent.status_code == 422
    html = sent.get_data(as_text=True)
    assert re.search(rf'name="mark-{ids["P1"]}" value="present"\s+checked', html)
    assert re.search(rf'name="mark-{ids["P2"]}" value="absent"\s+checked', html)
    assert not re.search(rf'name="mark-{ids["P4"]}" value="\w+"\s+checked', html)
    assert re.search(r'name="reg-ABCD01" value="excused"\s+checked', html)
    for name in ("add", "walk_in-gender", "walk_in-age_band", "walk_in-status_at_entry", "walk_in-district",
                 "anonymous_count"):
        assert _posted(html, name) == form[name], name
    assert _error_of(html, "anonymous_count") == (
        "Proszę sprawdzić pole Osoby policzone bez zapisu: podaj liczbę całkowitą od 0 do 10000.")
    assert 'href="#anonymous_count"' in html  # the list of errors at the top leads to the field
    # Nothing was recorded, and a stale form keeps what was posted too.
    assert client.get(f"{known['base']}/roll-calls/{ACTIVITY}/{WHEN}", headers=ADMIN).json["attendance"] == []
    stale = client.post(url, headers=ADMIN, data={**form, "csrf_token": "stale"})
    assert stale.status_code == 400 and _posted(stale.get_data(as_text=True), "walk_in-age_band") == "over_54"


def test_every_refusal_of_a_field_says_why_in_polish(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    url = f"/programmes/{known['id']}/roll-calls/{ACTIVITY}/{WHEN}"
    token = token_in(client.get(url, headers=ADMIN).get_data(as_text=True))
    walk_in = {"walk_in-gender": "male", "walk_in-age_band": "under_25", "walk_in-status_at_entry": "inactive"}
    # A district typed rather than chosen (as the form once asked for): kept as posted, refused with a reason.
    sent = client.post(url, headers=ADMIN, data={"csrf_token": token, **walk_in, "walk_in-district": "Raków"})
    assert sent.status_code == 422
    html = sent.get_data(as_text=True)
    assert _error_of(html, "walk_in-district") == "Proszę sprawdzić pole Dzielnica: wybierz dzielnicę z listy."
    assert _posted(html, "walk_in-district") == "Raków"
    sent = client.post(url, headers=ADMIN, data={"csrf_token": token, **walk_in, "walk_in-age_band": "old",
                                                 "walk_in-district": "rakow", "anonymous_count": "many"})
    html = sent.get_data(as_text=True)
    assert _error_of(html, "walk_in-age_band") == "Proszę sprawdzić pole Wiek: wybierz jedną z pozycji na liście."
    assert _error_of(html, "anonymous_count") == (
        "Proszę sprawdzić pole Osoby policzone bez zapisu: To nie jest poprawna liczba całkowita.")
    sent = client.post(url, headers=ADMIN, data={"csrf_token": token, "add": "NOSUCHONE"})
    assert _error_of(sent.get_data(as_text=True), "add") == (
        "Proszę sprawdzić pole Uczestnicy programu (NOSUCHONE): nie ma takiego uczestnika w tym programie.")
    # The same pseudonym typed twice is one tick, not a refusal.
    p3 = known["ids"]["P3"]
    assert client.post(url, headers=ADMIN, data={"csrf_token": token, "add": f"{p3}, {p3.lower()}"}).status_code == 303


def test_the_walk_in_district_is_chosen_from_the_districts_by_their_polish_names(programme_app):
    known = known_programme(programme_app)
    deliver(programme_app, "partners-replica", "district.created",
            {"id": 19, "version": 1, "name": "Śródmieście", "slug": "srodmiescie"})
    client = programme_app.test_client()
    url = f"/programmes/{known['id']}/roll-calls/{ACTIVITY}/{WHEN}"
    html = client.get(url, headers=ADMIN).get_data(as_text=True)
    select = re.search(r'<select id="walk_in-district" name="walk_in-district">(.*?)</select>', html, re.DOTALL)
    assert select, "the district is a select"
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1))
    # In Polish order, the activity's own district chosen first.
    assert options == [("ostatni-grosz", "", DISTRICT_NAMES["ostatni-grosz"]), ("rakow", " selected", "Raków"),
                       ("srodmiescie", "", "Śródmieście")]
    sent = client.post(url, headers=ADMIN, data={
        "csrf_token": token_in(html), "walk_in-gender": "female", "walk_in-age_band": "25_54",
        "walk_in-status_at_entry": "unemployed", "walk_in-district": "srodmiescie"})
    assert sent.status_code == 303
    new = sent.headers["Location"].rpartition("saved=")[2]
    participant = client.get(f"{known['base']}/participants/{new}", headers=ADMIN)
    assert participant.json["district"] == "srodmiescie"


def test_the_pages_keep_to_the_roles(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    url = f"/programmes/{known['id']}/roll-calls/{ACTIVITY}/{WHEN}"
    assert statuses(client, url, None, OTHER_KEY) == [303, 403]
    assert client.post(url, headers=bearer(OTHER_KEY), data={"anonymous_count": "1"}).status_code == 403
    assert client.get(f"/programmes/{known['id']}/activities/{PICNIC}/", headers=bearer(OWN_KEY)).status_code == 403
    assert client.get(f"/programmes/{known['id']}/roll-calls/{ACTIVITY}/2018-05-23T17:00:00+02:00",
                      headers=ADMIN).status_code == 404


def test_the_roll_calls_activity_and_date_read_without_a_stray_space(programme_app):
    known = known_programme(programme_app)
    page = programme_app.test_client().get(f"/programmes/{known['id']}/roll-calls/{ACTIVITY}/{WHEN}",
                                           headers=bearer(OWN_KEY)).get_data(as_text=True)
    assert " , " not in words(page) and " : " not in words(page)
