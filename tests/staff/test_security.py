"""The security points: one session on the three services, ended everywhere by a sign-out or a disabled account;
CSRF refused; sign-in rate limits; no session, password, token or address in any log line."""

import logging

import pytest

from services.messaging.staff import COOKIE, session_hash
from tests.staff.conftest import ADMIN, PASSWORD, csrf_of


def _accepted(staff, cookie: str) -> dict[str, int]:
    """What /staff/session answers with this cookie on each service."""
    answers = {}
    for name, app in (("partners", staff.partners), ("events", staff.events), ("notify", staff.notify)):
        client = app.test_client()
        client.set_cookie(COOKIE, cookie)
        answers[name] = client.get("/staff/session").status_code
    return answers


def test_one_session_works_on_every_service_and_a_disabled_account_is_refused_on_all(staff):
    account, cookie = staff.editor()
    assert _accepted(staff, cookie) == {"partners": 200, "events": 401, "notify": 401}  # not replicated yet
    envelopes = staff.forward()
    assert "session.started" in [e.type for e in envelopes]
    assert all(cookie not in e.to_json() for e in envelopes)  # only its hash travels
    assert any(session_hash(cookie) in e.to_json() for e in envelopes)
    assert _accepted(staff, cookie) == {"partners": 200, "events": 200, "notify": 200}
    response = staff.partners.test_client().post(f"/api/v1/accounts/{account['id']}/disable", headers=ADMIN)
    assert response.status_code == 200 and response.get_json()["disabled_at"]
    assert _accepted(staff, cookie)["partners"] == 401
    assert [e.type for e in staff.forward()] == ["account.disabled", "session.ended"]
    assert _accepted(staff, cookie) == {"partners": 401, "events": 401, "notify": 401}
    assert staff.sign_in("ewa@sasiedzi.example").status_code == 401


def test_the_account_message_alone_ends_the_session_elsewhere(staff):
    """A replica that got ``account.disabled`` refuses the session even before ``session.ended``."""
    account, cookie = staff.editor()
    staff.forward()
    staff.partners.test_client().post(f"/api/v1/accounts/{account['id']}/disable", headers=ADMIN)
    disabled = [e for e in staff.forward() if e.type == "account.disabled"]
    assert disabled and _accepted(staff, cookie)["events"] == 401


def test_a_sign_out_ends_the_session_on_every_service(staff):
    _account, cookie = staff.editor()
    staff.forward()
    staff.client.post("/staff/sign-out", data={"csrf_token": csrf_of(staff.client, "/staff/")})
    assert [e.type for e in staff.forward()] == ["session.ended"]
    assert _accepted(staff, cookie) == {"partners": 401, "events": 401, "notify": 401}


@pytest.mark.parametrize("path", ["/staff/sign-in", "/staff/sign-out", "/staff/password", "/staff/reset",
                                  "/staff/first-admin", "/staff/accounts/invite", "/staff/accounts/1/disable"])
def test_every_form_refuses_a_post_without_its_csrf_token(staff, path):
    client = staff.partners.test_client()
    csrf_of(client, "/staff/sign-in")  # the browser has the cookie; the forged form lacks the token
    assert client.post(path, data={"email": "x@example.com", "password": PASSWORD}).status_code == 400
    other = staff.partners.test_client()
    forged = csrf_of(other, "/staff/sign-in")  # a genuine token, for another browser's cookie
    assert client.post(path, data={"email": "x@example.com", "csrf_token": forged}).status_code == 400


def test_a_signed_in_admin_cannot_be_made_to_disable_someone_by_another_site(staff):
    account, _cookie = staff.editor()
    admin = staff.partners.test_client()
    staff.invite("anna@mops.example", None, role="admin")
    staff.set_password(staff.mailed_token())
    assert staff.sign_in("anna@mops.example", client=admin).status_code == 303
    assert admin.post(f"/staff/accounts/{account['id']}/disable").status_code == 400
    assert admin.get("/api/v1/accounts/").status_code == 401  # the API takes a bearer token, never the cookie
    assert staff.sign_in("ewa@sasiedzi.example", client=staff.partners.test_client()).status_code == 303


def test_sign_in_is_rate_limited_per_account(staff):
    staff.editor()
    for attempt in range(5):
        assert staff.sign_in("ewa@sasiedzi.example", "wrong password " + str(attempt),
                             address=f"10.0.0.{attempt}").status_code == 401
    refused = staff.sign_in("ewa@sasiedzi.example", address="10.0.1.1")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert staff.sign_in("other@example.com", "whatever it is", address="10.0.1.1").status_code == 401


def test_sign_in_is_rate_limited_per_client_address(staff):
    staff.editor()
    for attempt in range(20):
        assert staff.sign_in(f"guess{attempt}@example.com", "wrong password!", address="10.9.9.9").status_code == 401
    assert staff.sign_in("ewa@sasiedzi.example", address="10.9.9.9").status_code == 429
    assert staff.sign_in("ewa@sasiedzi.example", address="10.9.9.10").status_code == 303


def test_no_session_password_token_or_address_in_any_log_line(staff, caplog):
    caplog.set_level(logging.DEBUG)
    account, cookie = staff.editor()
    token = staff.mailed_token()
    staff.forward()
    from services.notify.notices import Sender
    sender = Sender(staff.notify.extensions["osl"].database, staff.notify.config)
    assert sender.send_due() == 1
    staff.sign_in("ewa@sasiedzi.example", "a wrong password")
    staff.partners.test_client().post(f"/api/v1/accounts/{account['id']}/disable", headers=ADMIN)
    staff.forward()
    lines = [record.getMessage() for record in caplog.records]
    assert any("signed in" in line for line in lines) and any("mail queued" in line for line in lines)
    for secret in (cookie, session_hash(cookie), PASSWORD, token, "ewa@sasiedzi.example", "sasiedzi.example"):
        assert not [line for line in lines if secret in line], secret
