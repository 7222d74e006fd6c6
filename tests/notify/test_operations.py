"""Subscribing, double opt-in, preferences and one-click unsubscribe, on SQLite and PostgreSQL."""

import re

from sqlalchemy import select

from services.notify.consent import CONSENT_TEXTS, CURRENT_VERSION
from services.notify.models import Notice, Subscriber
from services.notify.notices import Sender
from services.notify.tokens import make_token
from tests.notify.conftest import folder_mails

REQUEST = {"email": "Anna.Nowak@example.org", "districts": ["rakow"], "audiences": ["seniors"],
           "frequency": "immediate", "reminders": True, "language": "pl", "consent": True}


def subscriber(app, email="anna.nowak@example.org") -> Subscriber | None:
    with app.extensions["osl"].database.session() as session:
        return session.scalar(select(Subscriber).where(Subscriber.email == email))


def send_all(app) -> int:
    return Sender(app.extensions["osl"].database, app.config).send_due()


def link_in(mail, purpose: str) -> str:
    text = mail.get_body(("plain",)).get_content()
    return re.search(rf"https://osl\.example(/subscriptions/{purpose}/\S+)", text).group(1)


def test_subscribe_sends_a_confirmation_and_one_click_confirms(notify, mail_dir):
    client = notify.test_client()
    answer = client.post("/api/v1/subscriptions/", json=REQUEST)
    assert answer.status_code == 202, answer.json
    pending = subscriber(notify)
    assert pending.status == "pending"
    assert (pending.districts, pending.audiences, pending.reminders) == (["rakow"], ["seniors"], True)
    assert pending.consent_version == CURRENT_VERSION
    assert pending.consent_text == CONSENT_TEXTS[CURRENT_VERSION]["pl"]
    assert pending.consent_at is not None

    assert send_all(notify) == 1
    [mail] = folder_mails(mail_dir)
    assert mail["To"].addresses[0].addr_spec == "anna.nowak@example.org"
    assert mail["Subject"] == "Potwierdź zapis na powiadomienia: OSL Częstochowa"
    page = client.get(link_in(mail, "confirm"))
    assert page.status_code == 200
    assert '<html lang="pl">' in page.text and "Zapis potwierdzony" in page.text
    assert "<form" not in page.text  # no second "are you sure" step
    assert subscriber(notify).status == "confirmed"


def test_subscribing_again_answers_the_same_and_resends_the_confirmation(notify, mail_dir):
    client = notify.test_client()
    first = client.post("/api/v1/subscriptions/", json=REQUEST)
    known = client.post("/api/v1/subscriptions/", json=REQUEST)
    unknown = client.post("/api/v1/subscriptions/", json={**REQUEST, "email": "someone.else@example.org"})
    assert first.status_code == known.status_code == unknown.status_code == 202
    assert first.json == known.json == unknown.json
    assert send_all(notify) == 3
    assert [m["To"].addresses[0].addr_spec for m in folder_mails(mail_dir)].count("anna.nowak@example.org") == 2


def test_a_confirmed_subscriber_keeps_their_choices_until_the_new_request_is_confirmed(notify, mail_dir):
    client = notify.test_client()
    client.post("/api/v1/subscriptions/", json=REQUEST)
    send_all(notify)
    client.get(link_in(folder_mails(mail_dir)[0], "confirm"))
    client.post("/api/v1/subscriptions/", json={**REQUEST, "districts": ["all"], "language": "en"})
    assert subscriber(notify).districts == ["rakow"]
    send_all(notify)
    second = folder_mails(mail_dir)[1]
    assert second["Subject"] == "Confirm your subscription to notices: OSL Częstochowa"
    client.get(link_in(second, "confirm"))
    now = subscriber(notify)
    assert (now.status, now.districts, now.language) == ("confirmed", [], "en")
    assert now.consent_text == CONSENT_TEXTS[CURRENT_VERSION]["en"]


def test_bad_requests_get_422_naming_the_field(notify):
    client = notify.test_client()
    cases = {"consent": {**REQUEST, "consent": False}, "email": {**REQUEST, "email": "not-an-address"},
             "frequency": {**REQUEST, "frequency": "hourly"}, "audiences": {**REQUEST, "audiences": ["cats"]},
             "language": {**REQUEST, "language": "de"}}
    for field, body in cases.items():
        answer = client.post("/api/v1/subscriptions/", json=body)
        assert answer.status_code == 422, field
        assert field in answer.json["errors"]["json"], answer.json
    missing_consent = {k: v for k, v in REQUEST.items() if k != "consent"}
    assert "consent" in client.post("/api/v1/subscriptions/", json=missing_consent).json["errors"]["json"]
    unknown = client.post("/api/v1/subscriptions/", json={**REQUEST, "districts": ["rakow", "atlantyda"]})
    assert unknown.status_code == 422
    assert "atlantyda" in unknown.json["errors"]["json"]["districts"][0]
    assert subscriber(notify) is None


def test_all_districts_and_audiences_are_stored_as_empty_lists(notify):
    client = notify.test_client()
    assert client.post("/api/v1/subscriptions/", json={**REQUEST, "districts": ["all"], "audiences": []}
                       ).status_code == 202
    assert (subscriber(notify).districts, subscriber(notify).audiences) == ([], [])


def test_rate_limit_per_address_and_per_ip(notify):
    notify.config.update(RATE_LIMIT_PER_ADDRESS=2, RATE_LIMIT_PER_IP=4)
    client = notify.test_client()
    assert [client.post("/api/v1/subscriptions/", json=REQUEST).status_code for _ in range(3)] == [202, 202, 429]
    limited = client.post("/api/v1/subscriptions/", json=REQUEST)
    assert "Zbyt wiele" in limited.json["message"] and "Too many" in limited.json["message"]
    assert int(limited.headers["Retry-After"]) > 0
    others = [client.post("/api/v1/subscriptions/", json={**REQUEST, "email": f"x{n}@example.org"}).status_code
              for n in range(3)]
    assert others == [202, 202, 429]  # the IP's fifth request
    other_ip = client.post("/api/v1/subscriptions/", json={**REQUEST, "email": "y@example.org"},
                           environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other_ip.status_code == 202
    with notify.extensions["osl"].database.session() as session:
        assert len(session.scalars(select(Notice)).all()) == 5


def test_behind_a_trusted_proxy_the_rate_limit_counts_the_forwarded_address(stack, mail_dir):
    from services.notify import create_app
    from tests.conftest import make_app

    app = make_app(create_app, stack, "notify", MAIL_DIR=mail_dir, TRUSTED_PROXIES=1, RATE_LIMIT_PER_IP=1)
    client = app.test_client()
    try:
        body = {**REQUEST, "districts": []}
        statuses = [client.post("/api/v1/subscriptions/", json={**body, "email": f"{n}@example.org"},
                                headers={"X-Forwarded-For": forwarded}).status_code
                    for n, forwarded in enumerate(["10.0.0.1", "10.0.0.2", "10.0.0.1"])]
    finally:
        app.extensions["osl"].database.dispose()
    assert statuses == [202, 202, 429]


def test_confirmation_links_expire_and_bad_links_are_refused(notify):
    client = notify.test_client()
    client.post("/api/v1/subscriptions/", json=REQUEST)
    token = make_token(notify.config["SECRET_KEY"], "confirm", subscriber(notify).key)
    notify.config["CONFIRM_MAX_AGE_HOURS"] = -1
    expired = client.get(f"/subscriptions/confirm/{token}")
    assert expired.status_code == 410 and "wygasł" in expired.text
    assert subscriber(notify).status == "pending"
    assert client.get(f"/subscriptions/confirm/{token}x").status_code == 404
    wrong_purpose = make_token(notify.config["SECRET_KEY"], "unsubscribe", subscriber(notify).key)
    assert client.get(f"/subscriptions/confirm/{wrong_purpose}").status_code == 404


def confirmed(notify, mail_dir) -> dict:
    client = notify.test_client()
    client.post("/api/v1/subscriptions/", json=REQUEST)
    send_all(notify)
    mail = folder_mails(mail_dir)[-1]
    client.get(link_in(mail, "confirm"))
    return {purpose: link_in(mail, purpose) for purpose in ("preferences", "unsubscribe")}


def test_preferences_page_shows_and_saves_choices(notify, mail_dir):
    links = confirmed(notify, mail_dir)
    client = notify.test_client()
    page = client.get(links["preferences"])
    assert page.status_code == 200
    assert '<html lang="pl">' in page.text and "Ostatni Grosz" in page.text and "<label" in page.text
    assert 'value="rakow" checked' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # the form's CSRF token
    saved = client.post(links["preferences"], data={"districts": ["polnoc", "ostatni-grosz"], "frequency": "weekly",
                                                    "language": "en", "csrf_token": token})
    assert saved.status_code == 200 and "Zapisano" in saved.text
    now = subscriber(notify)
    assert (now.districts, now.audiences, now.frequency, now.reminders, now.language) == (
        ["ostatni-grosz", "polnoc"], [], "weekly", False, "en")
    bad = client.post(links["preferences"], data={"districts": ["atlantyda"], "csrf_token": token})
    assert bad.status_code == 422 and "atlantyda" in bad.text
    assert subscriber(notify).districts == ["ostatni-grosz", "polnoc"]


def test_unsubscribe_page_has_one_button_and_one_click_post_works_with_an_empty_body(notify, mail_dir):
    links = confirmed(notify, mail_dir)
    client = notify.test_client()
    page = client.get(links["unsubscribe"])
    assert page.status_code == 200 and page.text.count("<button") == 1
    assert subscriber(notify).status == "confirmed"  # GET changes nothing (link scanners follow links)
    done = client.post(links["unsubscribe"], data=b"", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and "Wypisaliśmy" in done.text
    assert subscriber(notify).status == "unsubscribed"
    assert client.post(links["unsubscribe"]).status_code == 200  # again: still fine


def test_openapi_documents_the_subscribe_request(notify):
    spec = notify.test_client().get("/openapi.json").json
    schema = spec["components"]["schemas"]["Subscribe"]
    assert "all" in schema["properties"]["districts"]["description"]
    assert set(schema["required"]) == {"email", "consent"}
