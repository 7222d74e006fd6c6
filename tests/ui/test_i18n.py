"""Polish by default, English on request; the catalogue in the repository covers every message."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from services.ui.i18n import COOKIE

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("services/ui", "services/events/pages", "services/partners/pages", "services/notify")
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/mail/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "N_": None, "ngettext": (1, 2)}


def test_polish_is_the_default(ui_app):
    response = ui_app.test_client().get("/page")
    html = response.get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert "Nadchodzące wydarzenia" in html
    assert 'hreflang="en"' in html


def test_lang_link_switches_and_a_cookie_remembers(ui_app):
    client = ui_app.test_client()
    first = client.get("/page?lang=en")
    assert '<html lang="en">' in first.get_data(as_text=True)
    assert "Upcoming events" in first.get_data(as_text=True)
    assert f"{COOKIE}=en" in first.headers["Set-Cookie"]
    again = client.get("/page")
    assert '<html lang="en">' in again.get_data(as_text=True)
    back = client.get("/page?lang=pl")
    assert '<html lang="pl">' in back.get_data(as_text=True)
    assert '<html lang="pl">' in client.get("/page").get_data(as_text=True)


def test_accept_language_is_followed_and_unknown_languages_fall_back_to_polish(ui_app):
    client = ui_app.test_client()
    english = client.get("/page", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    german = client.get("/page?lang=de", headers={"Accept-Language": "de"})
    assert '<html lang="pl">' in german.get_data(as_text=True)
    assert "Set-Cookie" not in german.headers


def test_the_language_switch_keeps_the_page_and_its_filters(ui_app):
    html = ui_app.test_client().get("/page?district=rakow&lang=pl").get_data(as_text=True)
    assert 'href="/page?district=rakow&amp;lang=en"' in html


def test_every_message_of_the_pages_has_a_polish_translation():
    with (ROOT / "services/ui/translations/pl/LC_MESSAGES/messages.po").open("rb") as po:
        catalogue = read_po(po)
    translated = {message.id for message in catalogue if message.id and message.string and not message.fuzzy}
    used = set()
    for source in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(ROOT / source, METHODS, KEYWORDS):
            used.add(message if isinstance(message, str) else message[0])
    assert used, "the extraction found the messages"
    assert sorted(used - translated) == []
