"""The installation's public name (``OSL_PUBLIC_NAME``) names every feed, page and e-mail; no district does.

The seed world has a district called Ostatni Grosz. Everything rendered for Raków must not say "Ostatni", which is
how the old product name ("Ostatni Grosz: Raków") showed.
"""


from pathlib import Path

from services.notify.mail.compose import build_message
from tests.events.factories import as_json, event_body, seed
from tests.notify.conftest import add_districts
from tests.notify.events import event_snapshot, meeting_snapshot
from tests.partners.helpers import make_centre, make_district

MAIL_CONFIG = {"MAIL_FROM": "x <x@osl.example>", "PUBLIC_HOST": "osl.example",
               "MAIL_UNSUBSCRIBE_ADDRESS": "w@osl.example"}
ROOT = Path(__file__).resolve().parents[2]
LINKS = {"confirm": "https://osl.example/c", "preferences": "https://osl.example/p", "unsubscribe": "https://osl.example/u"}


def _events_texts(events_app) -> dict[str, str]:
    """Every feed, page and API answer about Raków, by URL (the home page lists every district, so it is not here)."""
    world = seed(events_app)
    client = events_app.test_client()
    posted = as_json(client.post("/api/v1/events", json=event_body(), headers=world.own))
    urls = ["/feeds/all.ics", "/feeds/districts/rakow.ics", "/feeds/centres/osl-rakow.ics",
            "/feeds/organisations/fundacja-zrodlo.ics", f"/events/{posted['id']}.ics", f"/events/{posted['id']}",
            "/districts/rakow", "/centres/osl-rakow", "/organisations/fundacja-zrodlo",
            f"/events/{posted['id']}?lang=en"]
    texts = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = response.get_data(as_text=True)
    listed = as_json(client.get("/api/v1/feeds"))
    texts["/api/v1/feeds"] = "\n".join(f"{feed['name']} {feed['links']['outlook']}" for feed in listed
                                       if feed["slug"] in (None, "rakow", "osl-rakow", "fundacja-zrodlo"))
    return texts


def _mails() -> dict[str, str]:
    texts = {}
    for kind in ("confirmation", "published", "updated", "cancelled", "reminder"):
        for language in ("pl", "en"):
            payload = {} if kind == "confirmation" else {"event": event_snapshot(), "previous": None}
            message = build_message(MAIL_CONFIG, kind=kind, language=language, to="a@example.org", links=LINKS,
                                    payload=payload, message_id="<n@osl.example>")
            texts[f"mail {kind} {language}"] = message.as_string() + "".join(
                part.get_content() for part in message.walk() if part.get_content_maintype() == "text")
    for kind in ("meeting", "meeting_updated", "meeting_cancelled"):  # a Raków partnership's meeting
        payload = {"event": meeting_snapshot(), "previous": meeting_snapshot(title="Plan na jesień")}
        message = build_message(MAIL_CONFIG, kind=kind, language="pl", to="a@example.org",
                                links={"unsubscribe": LINKS["unsubscribe"]}, payload=payload,
                                message_id="<m@osl.example>")
        texts[f"mail {kind}"] = message.as_string() + "".join(
            part.get_content() for part in message.walk() if part.get_content_maintype() == "text")
    return texts


def test_nothing_rendered_for_rakow_names_ostatni_grosz(events_app):
    texts = _events_texts(events_app) | _mails()
    said = [where for where, text in texts.items() if "Ostatni" in text]
    assert said == []
    assert "X-WR-CALNAME:OSL Częstochowa: Raków\r\n" in texts["/feeds/districts/rakow.ics"]
    assert "PRODID:-//OSL Częstochowa//" in texts["/feeds/all.ics"]
    assert "OSL Częstochowa: Raków" in texts["/api/v1/feeds"]
    assert "<title>OSL Raków · OSL Częstochowa</title>" in texts["/centres/osl-rakow"]


def test_the_partners_directory_and_sign_up_page_do_not_name_ostatni_grosz(partners_app, notify_app):
    client = partners_app.test_client()
    make_district(client, "Raków")
    make_centre(client, district="rakow", name="OSL Raków")
    for url in ("/", "/?lang=en"):
        page = client.get(url).get_data(as_text=True)
        assert "Ostatni" not in page and "OSL Częstochowa" in page
    add_districts(notify_app)
    sign_up = notify_app.test_client().get("/subscribe").get_data(as_text=True)
    # The sign-up page lists every district, Ostatni Grosz among them, as a choice: that is its own record.
    assert sign_up.count("Ostatni") == sign_up.count("Ostatni Grosz") == 1
    assert "OSL Częstochowa" in sign_up


def test_another_city_runs_under_its_own_name(events_app, monkeypatch):
    monkeypatch.setenv("OSL_PUBLIC_NAME", "Centra Sąsiedzkie Gdańsk")
    texts = _events_texts(events_app) | _mails()
    assert "X-WR-CALNAME:Centra Sąsiedzkie Gdańsk: Raków\r\n" in texts["/feeds/districts/rakow.ics"]
    assert "PRODID:-//Centra Sąsiedzkie Gdańsk//OSL events//PL" in texts["/feeds/all.ics"]
    assert "Centra Sąsiedzkie Gdańsk: Raków" in texts["/api/v1/feeds"]
    for where, text in texts.items():
        if not where.endswith(".ics"):
            assert "Centra Sąsiedzkie Gdańsk" in text or "Centra S=C4=85siedzkie" in text, where
        assert "OSL Częstochowa" not in text, where


WRONG_NAMES = ("Lokalne Ośrodki Społeczne", "Lokalny Ośrodek Społeczny", "Lokalnych Ośrodków Społecznych",
               "Lokalnych Ośrodkach Społecznych")


def test_the_programme_is_called_by_its_polish_name(partners_app):
    client = partners_app.test_client()
    make_district(client, "Raków")
    page = client.get("/?lang=pl").get_data(as_text=True)
    assert "Ośrodek Społeczności Lokalnej (OSL) albo Dzielnicowy Ośrodek Społeczności Lokalnej (DOSL)" in page
    assert "Ośrodków Społeczności Lokalnych (OSL) i Dzielnicowych Ośrodków Społeczności Lokalnej (DOSL)" in page
    catalogue = (ROOT / "services/ui/translations/pl/LC_MESSAGES/messages.po").read_text()
    sources = [catalogue, page] + [path.read_text() for path in (ROOT / "services").rglob("*")
                                   if path.suffix in (".html", ".txt", ".py") and "migrations" not in path.parts]
    assert [name for name in WRONG_NAMES if any(name in text for text in sources)] == []
