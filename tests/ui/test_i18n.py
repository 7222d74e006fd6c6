"""Polish by default, English on request; the catalogue in the repository covers every message."""

import re
import shlex
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from services.ui.i18n import COOKIE

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "services/ui/translations/messages.pot"
PO = ROOT / "services/ui/translations/pl/LC_MESSAGES/messages.po"


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


def extract_command() -> list[str]:
    """The pybabel command of `make messages`, as the Makefile gives it."""
    recipe = re.search(r"^messages:.*\n\t\$\(BIN\)/(pybabel extract .*)$", (ROOT / "Makefile").read_text(), re.M)
    assert recipe, "the Makefile's `messages` target runs pybabel extract"
    return shlex.split(recipe.group(1))


def test_the_catalogue_template_is_what_make_messages_extracts(tmp_path, monkeypatch):
    """services/ui/translations/messages.pot holds every message the code uses, and no other: after changing a
    page's words, run `make messages` and translate the new ones."""
    command = extract_command()
    output = command.index("-o") + 1
    assert (ROOT / command[output]) == POT
    command[output] = str(tmp_path / "messages.pot")
    monkeypatch.chdir(ROOT)
    assert CommandLineInterface().run(["pybabel", "--quiet", *command[1:]]) in (0, None)
    assert (tmp_path / "messages.pot").read_text() == POT.read_text(), "messages.pot is stale: run `make messages`"


def test_every_message_of_the_pages_has_a_polish_translation():
    """Every message of the template (current by the test above) has its Polish words, and Polish has no words
    for a message the code no longer uses."""
    with POT.open("rb") as pot:
        used = {message.id for message in read_po(pot) if message.id}
    with PO.open("rb") as po:
        catalogue = read_po(po)
    translated = {message.id for message in catalogue if message.id and message.string and not message.fuzzy}
    assert used, "the template holds the pages' messages"
    assert sorted(used - translated) == []
    assert sorted({message.id for message in catalogue if message.id} - used) == []


def test_the_pages_language_is_read_in_one_place():
    """The language a page speaks is Flask-Babel's choice for the request (``select_locale``), read by
    ``services.ui.i18n.page_language``; no other module asks Flask-Babel again with its own fallback."""
    asking = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "services").rglob("*.py")
                    if "get_locale(" in path.read_text(encoding="utf-8"))
    assert asking == ["services/ui/i18n.py"]
