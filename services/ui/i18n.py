"""Languages: Polish by default, English on request (``?lang=`` sets a cookie; else Accept-Language).

The catalogues are ``.po`` files in the repository, compiled once per process into a temporary folder, so a fresh
clone works with no build step and nothing binary is committed.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, render_template, request
from flask_babel import Babel, force_locale, get_locale

from services.calendar.times import TZID

LANGUAGES = ("pl", "en")
DEFAULT = "pl"
COOKIE = "osl_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
CATALOGUES = Path(__file__).parent / "translations"
_compiled: Path | None = None


def compiled_catalogues() -> Path:
    """A folder of ``<lang>/LC_MESSAGES/messages.mo`` compiled from the ``.po`` files (once per process)."""
    global _compiled
    if _compiled is None:
        if not (CATALOGUES / DEFAULT / "LC_MESSAGES" / "messages.po").exists():
            # Without it every page would silently come out in English: refuse to start instead.
            raise RuntimeError(f"the Polish catalogue is missing from {CATALOGUES}; ship translations/ with the code")
        folder = Path(tempfile.mkdtemp(prefix="osl-ui-mo-"))
        atexit.register(shutil.rmtree, folder, True)
        for po in CATALOGUES.glob("*/LC_MESSAGES/*.po"):
            target = folder / po.relative_to(CATALOGUES).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalogue = read_po(source)
            with target.open("wb") as out:
                write_mo(out, catalogue)
        _compiled = folder
    return _compiled


def chosen_language() -> str | None:
    """The language the reader chose on the site: ``?lang=`` on this request, else the cookie it left; None when the
    reader chose none."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return chosen
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in LANGUAGES else None


def select_locale() -> str:
    chosen = chosen_language()
    if chosen is not None and request.args.get("lang") == chosen:
        g.osl_new_lang = chosen
    return chosen or request.accept_languages.best_match(LANGUAGES, default=DEFAULT)


def page_language() -> str:
    """The language this page (or the mail being written, under ``force_locale``) speaks: Flask-Babel's choice for
    the request (:func:`select_locale`), Polish outside one."""
    return str(get_locale() or DEFAULT)


def _mail_language(language: str | None) -> str | None:
    """The e-mail's ``language``, when it decides the page's: a known one, and the reader chose none on the site."""
    return language if chosen_language() is None and language in LANGUAGES else None


def mail_reader_language(language: str | None) -> str:
    """The language :func:`render_for_mail_reader` speaks to the reader of an e-mail in ``language``: for what the
    page says outside its templates' words (a consent text, say)."""
    return _mail_language(language) or page_language()


def render_for_mail_reader(language: str | None, template: str, **context) -> str:
    """A page reached from an e-mail speaks the e-mail's ``language``, whatever the browser's settings say, unless
    the reader chose a language on the site (:func:`chosen_language`)."""
    forced = _mail_language(language)
    if forced is None:
        return render_template(template, **context)
    with force_locale(forced):
        return render_template(template, **context)


def init_babel(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TZID)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled_catalogues())
    Babel(app, locale_selector=select_locale)

    @app.after_request
    def _remember_language(response):
        if "osl_new_lang" in g:
            response.set_cookie(COOKIE, g.osl_new_lang, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
        if response.mimetype == "text/html":  # a page's language depends on these two request headers
            response.vary.add("Cookie")
            response.vary.add("Accept-Language")
        return response

    @app.context_processor
    def _language():
        return {"current_lang": page_language(), "languages": LANGUAGES}
