"""Signing in returns to the page asked for, on any of the four services (services/ui/links.py
``sign_in_url``/``known_page``), and never to a page outside them: anything else goes to the staff home page."""

import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from services.ui.links import known_page
from tests.staff.conftest import PASSWORD, csrf_of

EVENTS = "http://127.0.0.1:8002"
NEXT = re.compile(r'<input type="hidden" name="next" value="([^"]*)">')


def asked_for(response) -> tuple[str, str | None]:
    """Where a signed-out page sent the browser (the sign-in page, without its query) and the page it returns to."""
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    location = urlsplit(response.headers["Location"])
    back = parse_qs(location.query).get("next")
    return location._replace(query="").geturl(), back[0] if back else None


def test_every_services_staff_page_sends_a_signed_out_browser_to_sign_in_with_the_page_asked_for(staff):
    for app in (staff.partners, staff.events, staff.notify):
        app.config["STAFF_URL"] = "https://osl.example"  # the gateway's origin, where every staff page is
    sign_in = "https://osl.example/staff/sign-in"
    assert asked_for(staff.partners.test_client().get("/staff/?invited=1")) == (
        sign_in, "https://osl.example/staff/?invited=1")
    assert asked_for(staff.events.test_client().get("/staff/events/")) == (sign_in, f"{EVENTS}/staff/events/")
    event = uuid.uuid4()
    assert asked_for(staff.notify.test_client().get(f"/registrations/staff/events/{event}")) == (
        sign_in, f"http://127.0.0.1:8003/registrations/staff/events/{event}")


def _signed_out_admin(staff):
    from tests.staff.conftest import signed_in_admin

    signed_in_admin(staff)
    return staff.partners.test_client()


def _sign_in(client, back: str, password: str = PASSWORD):
    return client.post("/staff/sign-in", data={"email": "anna@mops.example", "password": password, "next": back,
                                                "csrf_token": csrf_of(client, "/staff/reset")})


def test_signing_in_returns_to_the_page_asked_for_also_after_a_wrong_password(staff):
    client = _signed_out_admin(staff)
    back = f"{EVENTS}/staff/events/?status=pending"
    page = client.get("/staff/sign-in", query_string={"next": back}).get_data(as_text=True)
    assert NEXT.search(page).group(1) == "http://127.0.0.1:8002/staff/events/?status=pending"
    wrong = _sign_in(client, back, "not the password")
    assert wrong.status_code == 401
    assert NEXT.search(wrong.get_data(as_text=True)).group(1) == back.replace("&", "&amp;")
    signed = _sign_in(client, back)
    assert signed.status_code == 303 and signed.headers["Location"] == back
    # Programme's roll call, behind the gateway under /programme/.
    other = staff.partners.test_client()
    staff.partners.config["PROGRAMME_URL"] = "https://osl.example/programme"
    roll_call = "https://osl.example/programme/programmes/1/roll-calls/x/2018-05-22T17:00:00+02:00"
    assert _sign_in(other, roll_call).headers["Location"] == roll_call


EVIL = ["https://evil.example/staff/", "//evil.example/staff/", "///evil.example", "javascript:alert(1)",
        "JavaScript:alert(1)", "https:\\\\evil.example", "\\\\evil.example", "/\\evil.example",
        "http://127.0.0.1:8002@evil.example/", "https://osl.example.evil.example/partners/",
        "https://osl.example/partnersevil/", "https://osl.example/partners/../admin", "http://osl.example/partners/",
        "%2F%2Fevil.example", "https:%2F%2Fevil.example", "data:text/html,<script>", "http://127.0.0.1:8009/",
        "java\nscript:alert(1)", "https://osl.example/partners/\r\nSet-Cookie: x=1", "/staff/", "", "x" * 3000]


@pytest.mark.parametrize("back", EVIL)
def test_no_page_outside_the_four_services_is_followed(staff, back):
    assert known_page(staff.partners.config, back) is None
    client = _signed_out_admin(staff)
    signed = _sign_in(client, back)
    assert signed.status_code == 303 and signed.headers["Location"] == "/staff/"


@pytest.mark.parametrize("back", ["https://osl.example/partners/staff/", "https://OSL.example/partners/x?a=1",
                                  f"{EVENTS}/staff/events/1/edit", "http://127.0.0.1:8003/registrations/staff/x",
                                  "http://127.0.0.1:8004/programmes/1/"])
def test_a_page_of_the_four_services_is_followed(staff, back):
    assert known_page(staff.partners.config, back) == back


def test_a_browser_signed_in_already_gets_a_link_on_not_a_redirect_loop(staff):
    """The page asked for may not have heard of the new session yet and send the browser back to sign in: the
    sign-in page then links on rather than redirecting again."""
    client = _signed_out_admin(staff)
    back = f"{EVENTS}/staff/events/"
    assert _sign_in(client, back).headers["Location"] == back
    again = client.get("/staff/sign-in", query_string={"next": back})
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and f'<a href="{back}">Przejdź do strony, o którą chodziło</a>' in page
    assert f'<meta http-equiv="refresh" content="3;url={back}">' in page  # on by itself, not at once
    assert client.get("/staff/sign-in", query_string={"next": "https://evil.example/"}).headers["Location"] == "/staff/"
