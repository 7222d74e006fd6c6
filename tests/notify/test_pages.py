"""The notify pages: subscribe, check your e-mail, confirmed, preferences, unsubscribe; Polish and English, CSRF."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from services.notify.consent import CONSENT_TEXTS, CURRENT_VERSION
from services.notify.pages.csrf import COOKIE, FIELD
from services.ui.naming import polish_key
from tests.notify.conftest import folder_mails
from tests.notify.test_operations import REQUEST, confirmed, send_all, subscriber
from tests.ui.pagecheck import assert_accessible_page

ROOT = Path(__file__).resolve().parents[2]
FORM = {"email": "Ewa.Kowalska@example.org", "districts": ["rakow", "polnoc"], "audiences": ["seniors"],
        "frequency": "daily", "reminders": "true", "language": "pl", "consent": "true"}


def token_of(html: str) -> str:
    return re.search(rf'name="{FIELD}" value="([^"]+)"', html).group(1)


def post_form(client, path: str, data: dict, **kwargs):
    """Open the page (which sets the CSRF cookie), then post ``data`` with its token."""
    token = token_of(client.get(path, headers=kwargs.get("headers")).text)
    return client.post(path, data={**data, FIELD: token}, **kwargs)


def field_error(html: str, name: str) -> str:
    return re.search(rf'<p class="field-error" id="{name}-error">([^<]+)</p>', html).group(1)


def test_subscribe_page_answers_in_polish_and_english_with_labelled_fields(notify):
    client = notify.test_client()
    polish = client.get("/subscribe")
    assert polish.status_code == 200
    assert_accessible_page(polish.text, "pl")
    assert "<h1>Powiadomienia e-mail o wydarzeniach</h1>" in polish.text
    assert CONSENT_TEXTS[CURRENT_VERSION]["pl"] in polish.text
    assert "Wersja treści zgody: 23 listopada 2026." in polish.text  # a date as Poles read it, not ISO
    assert "Miejski Ośrodek Pomocy Społecznej" in polish.text and "mailto:wypisz@osl.example" in polish.text
    assert 'href="http://127.0.0.1:8003/subscribe?lang=pl">Powiadomienia e-mail</a>' in polish.text  # header menu
    english = client.get("/subscribe?lang=en")
    assert english.status_code == 200
    assert_accessible_page(english.text, "en")
    assert "<h1>E-mail notices of events</h1>" in english.text and CONSENT_TEXTS[CURRENT_VERSION]["en"] in english.text
    assert "Consent text version 23 November 2026." in english.text
    assert 'name="language" value="en" lang="en" checked' in english.text  # e-mails in the page's language


def test_everyone_is_not_a_box_to_tick_unless_already_chosen(notify, mail_dir):
    assert 'value="everyone"' not in notify.test_client().get("/subscribe").text
    links = confirmed(notify, mail_dir)
    client = notify.test_client()
    assert 'value="everyone"' not in client.get(links["preferences"]).text
    with notify.extensions["osl"].database.session() as session:
        session.merge(subscriber(notify)).audiences = ["everyone"]
    assert 'value="everyone" checked' in client.get(links["preferences"]).text


def test_districts_are_listed_in_polish_alphabetical_order(notify):
    html = notify.test_client().get("/subscribe").text
    listed = re.findall(r'name="districts" value="[^"]+"> <span>([^<]+)</span>', html)
    assert listed == ["Ostatni Grosz", "Północ", "Raków"]
    from_a_district_page = notify.test_client().get("/subscribe?district=polnoc").text
    assert re.findall(r'name="districts" value="([^"]+)" checked', from_a_district_page) == ["polnoc"]
    names = ["Śródmieście", "Stradom", "Łódzka", "Lisiniec", "Zawodzie", "Żabia"]
    assert sorted(names, key=polish_key) == ["Lisiniec", "Łódzka", "Stradom", "Śródmieście", "Zawodzie", "Żabia"]


def test_subscribing_through_the_form_is_the_api_s_subscribe(notify, mail_dir):
    client = notify.test_client()
    answer = post_form(client, "/subscribe", FORM)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/subscribe/check-email")
    page = client.get(answer.headers["Location"])
    assert page.status_code == 200 and "<h1>Proszę sprawdzić skrzynkę e-mail</h1>" in page.text
    made = subscriber(notify, "ewa.kowalska@example.org")
    assert (made.status, made.districts, made.audiences, made.frequency, made.reminders) == (
        "pending", ["polnoc", "rakow"], ["seniors"], "daily", True)
    assert made.consent_version == CURRENT_VERSION and made.consent_text == CONSENT_TEXTS[CURRENT_VERSION]["pl"]
    assert send_all(notify) == 1
    assert folder_mails(mail_dir)[0]["To"].addresses[0].addr_spec == "ewa.kowalska@example.org"
    again = post_form(client, "/subscribe", FORM)  # a known address: the very same answer
    assert again.status_code == 303 and again.headers["Location"] == answer.headers["Location"]


def test_the_form_shares_the_api_s_rate_limit_and_says_so_plainly(notify):
    client = notify.test_client()
    for _ in range(2):
        assert client.post("/api/v1/subscriptions/", json={**REQUEST, "email": FORM["email"]}).status_code == 202
    assert post_form(client, "/subscribe", FORM).status_code == 303  # the third of three per address
    limited = post_form(client, "/subscribe", FORM)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3600"
    assert "Proszę spróbować ponownie za godzinę" in limited.text and 'value="Ewa.Kowalska@example.org"' in limited.text


def test_errors_are_shown_next_to_their_fields_and_the_answers_are_kept(notify):
    client = notify.test_client()
    bad = post_form(client, "/subscribe", {**FORM, "email": "not-an-address", "consent": ""})
    assert bad.status_code == 422
    assert field_error(bad.text, "email").startswith("Proszę wpisać adres e-mail")
    assert field_error(bad.text, "consent").startswith("Proszę zaznaczyć to pole")
    assert 'aria-invalid="true" aria-describedby="email-error"' in bad.text
    # the summary links
    assert '<li><a href="#consent">Proszę zaznaczyć to pole' in bad.text and 'id="consent"' in bad.text
    assert 'value="not-an-address"' in bad.text and 'value="polnoc" checked' in bad.text
    unknown = post_form(client, "/subscribe?lang=en", {**FORM, "districts": ["atlantyda"]})
    assert unknown.status_code == 422
    assert field_error(unknown.text, "districts") == "There is no district atlantyda; choose districts from the list."
    assert subscriber(notify, "ewa.kowalska@example.org") is None


def test_a_form_without_a_valid_csrf_token_is_refused_with_a_clear_message(notify):
    client = notify.test_client()
    no_token = client.post("/subscribe", data=FORM)
    assert no_token.status_code == 400 and "nie pochodzi z tej strony" in no_token.text
    assert 'value="Ewa.Kowalska@example.org"' in no_token.text  # nothing the resident typed is lost
    retry = client.post("/subscribe", data={**FORM, FIELD: token_of(no_token.text)})  # the page's fresh token works
    assert retry.status_code == 303
    other = notify.test_client()  # another browser's token does not fit this browser's cookie
    other.get("/subscribe")
    stranger = notify.test_client()
    stranger.get("/subscribe")
    forged = stranger.post("/subscribe", data={**FORM, FIELD: token_of(other.get("/subscribe").text)})
    assert forged.status_code == 400
    tampered = client.post("/subscribe", data={**FORM, FIELD: token_of(no_token.text) + "x"})
    assert tampered.status_code == 400


def test_the_csrf_cookie_is_http_only_and_same_site(notify):
    set_cookies = notify.test_client().get("/subscribe").headers.getlist("Set-Cookie")
    [csrf_cookie] = [value for value in set_cookies if value.startswith(f"{COOKIE}=")]
    assert "HttpOnly" in csrf_cookie and "SameSite=Lax" in csrf_cookie


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_every_page_behind_a_signed_link_answers_in_both_languages(notify, mail_dir, lang):
    links = confirmed(notify, mail_dir)
    client = notify.test_client()
    for path in (links["preferences"], links["unsubscribe"], "/subscribe/check-email"):
        page = client.get(f"{path}?lang={lang}")
        assert page.status_code == 200, path
        assert_accessible_page(page.text, lang)
    confirm = re.search(r"https://osl\.example(/subscriptions/confirm/\S+)",
                        folder_mails(mail_dir)[0].get_body(("plain",)).get_content()).group(1)
    page = client.get(f"{confirm}?lang={lang}")
    assert page.status_code == 200
    assert_accessible_page(page.text, lang)
    assert ("Zapis potwierdzony" if lang == "pl" else "Subscription confirmed") in page.text
    broken = client.get(f"/subscriptions/preferences/forged?lang={lang}")
    assert broken.status_code == 404
    assert_accessible_page(broken.text, lang)
    assert broken.headers["Referrer-Policy"] == "no-referrer" and broken.headers["X-Robots-Tag"] == "noindex"


def test_pages_from_an_e_mail_speak_the_e_mails_language_unless_the_reader_chose_one(notify, mail_dir):
    links = confirmed(notify, mail_dir)
    with notify.extensions["osl"].database.session() as session:
        session.merge(subscriber(notify)).language = "en"
    browser_in_polish = {"Accept-Language": "pl-PL,pl;q=0.9"}
    page = notify.test_client().get(links["preferences"], headers=browser_in_polish)
    assert '<html lang="en">' in page.text and "Your notice settings" in page.text
    chosen = notify.test_client().get(links["preferences"] + "?lang=pl", headers=browser_in_polish)
    assert '<html lang="pl">' in chosen.text
    client = notify.test_client()
    saved = post_form(client, links["preferences"], {"language": "pl", "frequency": "immediate"},
                      headers=browser_in_polish)
    assert saved.status_code == 200 and "Changes saved." in saved.text  # the page it was sent from was English
    assert '<html lang="pl">' in client.get(links["unsubscribe"]).text  # and now the e-mails are Polish


def test_preferences_need_the_csrf_token_and_show_errors_next_to_the_field(notify, mail_dir):
    links = confirmed(notify, mail_dir)
    client = notify.test_client()
    refused = client.post(links["preferences"], data={"districts": ["polnoc"], "frequency": "weekly"})
    assert refused.status_code == 400 and "nie pochodzi z tej strony" in refused.text
    assert subscriber(notify).districts == ["rakow"]
    bad = post_form(client, links["preferences"], {"districts": ["polnoc"], "frequency": "hourly"})
    assert bad.status_code == 422 and field_error(bad.text, "frequency") == "Proszę wybrać, jak często."
    saved = post_form(client, links["preferences"], {"districts": ["polnoc"], "frequency": "weekly"})
    assert saved.status_code == 200 and "Zapisano zmiany." in saved.text
    assert (subscriber(notify).districts, subscriber(notify).frequency) == (["polnoc"], "weekly")


def test_unsubscribe_button_and_rfc_8058_one_click_need_no_csrf_token(notify, mail_dir):
    links = confirmed(notify, mail_dir)
    client = notify.test_client()
    page = client.get(links["unsubscribe"])
    assert page.text.count("<button") == 1 and FIELD not in page.text
    one_click = client.post(links["unsubscribe"], data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and "Wypisaliśmy ten adres" in one_click.text
    assert subscriber(notify).status == "unsubscribed"
    assert "<button" not in client.get(links["unsubscribe"]).text  # already done: no button to press again


def test_no_page_loads_anything_from_another_site(notify, mail_dir):
    links = confirmed(notify, mail_dir)
    client = notify.test_client()
    for path in ("/subscribe", "/subscribe/check-email", links["preferences"], links["unsubscribe"]):
        html = client.get(path).text
        loads = assert_accessible_page(html, "pl").loads
        assert ("link", "/subscriptions/static/notify.css") in loads and ("link", "/ui/static/osl.css") in loads
        hosts = set(re.findall(r'(?:href|src|action)="(?:https?:)?//([^/"]+)', html))
        assert hosts <= {"127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8003", "osl.example"}, hosts
    with client.get("/subscriptions/static/notify.css") as stylesheet:
        assert stylesheet.status_code == 200 and "label.choice" in stylesheet.text


def test_every_message_of_the_notify_pages_has_a_polish_translation():
    with (ROOT / "services/ui/translations/pl/LC_MESSAGES/messages.po").open("rb") as po:
        translated = {message.id for message in read_po(po) if message.id and message.string and not message.fuzzy}
    methods = [("pages/**.py", "python"), ("templates/pages/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    used = {message for _f, _l, message, _c, _x in extract_from_dir(ROOT / "services/notify", methods, keywords)}
    assert len(used) > 50
    assert sorted(used - translated) == []


UNSUBSCRIBED = [("pl", "Ten adres jest wypisany."), ("en", "This address is unsubscribed.")]


@pytest.mark.parametrize(("lang", "said"), UNSUBSCRIBED)
def test_an_old_preferences_link_says_the_address_is_unsubscribed_and_offers_a_new_confirmation(notify, mail_dir,
                                                                                                  lang, said):
    links = confirmed(notify, mail_dir)
    client = notify.test_client()
    client.post(links["unsubscribe"], data={"List-Unsubscribe": "One-Click"})
    page = client.get(f"{links['preferences']}?lang={lang}")
    assert page.status_code == 200 and said in page.text
    assert_accessible_page(page.text, lang)
    # The consent offered is in the page's language, whichever language the address's e-mails were in (Polish here).
    agreed = CONSENT_TEXTS[CURRENT_VERSION][lang]
    assert agreed in page.text
    assert 'name="frequency"' not in page.text  # no settings form that would save into nothing
    saved = post_form(client, links["preferences"], {"districts": ["polnoc"], "frequency": "weekly"})
    assert saved.status_code == 409 and said in saved.text and "Zapisano zmiany" not in saved.text
    assert subscriber(notify).districts == ["rakow"]
    again = f"{links['preferences']}/subscribe-again"
    without_consent = client.post(again, data={FIELD: token_of(page.text)})
    assert without_consent.status_code == 422 and 'id="consent-error"' in without_consent.text
    assert subscriber(notify).status == "unsubscribed"
    sent = len(folder_mails(mail_dir))
    done = client.post(again, data={FIELD: token_of(page.text), "consent": "true"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/subscribe/check-email")
    assert (subscriber(notify).status, subscriber(notify).districts) == ("pending", ["rakow"])
    assert subscriber(notify).consent_text == agreed  # the text recorded is the one the reader agreed to
    assert send_all(notify) == 1 and len(folder_mails(mail_dir)) == sent + 1  # a new confirmation, nothing else
    assert "/subscriptions/confirm/" in folder_mails(mail_dir)[-1].get_body(("plain",)).get_content()
