"""The roll call as a page (plain forms, no JavaScript): the same rules and credentials as the API."""

import re

from tests.programme.factories import (
    ACTIVITY,
    ADMIN,
    OTHER_KEY,
    OWN_KEY,
    PICNIC,
    bearer,
    known_programme,
    page_of,
    statuses,
)
from tests.staff.conftest import CSRF

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
    assert "Proszę sprawdzić pole Uczestnicy programu (NOSUCHONE)." in text and "No participant" not in text
    assert client.get(f"{known['base']}/roll-calls/{ACTIVITY}/{WHEN}", headers=ADMIN).json["attendance"] == []


def test_the_pages_keep_to_the_roles(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    url = f"/programmes/{known['id']}/roll-calls/{ACTIVITY}/{WHEN}"
    assert statuses(client, url, None, OTHER_KEY) == [303, 403]
    assert client.post(url, headers=bearer(OTHER_KEY), data={"anonymous_count": "1"}).status_code == 403
    assert client.get(f"/programmes/{known['id']}/activities/{PICNIC}/", headers=bearer(OWN_KEY)).status_code == 403
    assert client.get(f"/programmes/{known['id']}/roll-calls/{ACTIVITY}/2018-05-23T17:00:00+02:00",
                      headers=ADMIN).status_code == 404
