"""A page reached from an e-mail speaks the e-mail's language, whatever the browser says, unless the reader chose a
language on the site (``?lang=`` or the cookie it leaves): one rule (services/ui/i18n.py), used by every signed link
of notify (subscriptions and registrations)."""

import pytest
from flask import Flask

from services.ui.i18n import COOKIE, init_babel, render_for_mail_reader


@pytest.fixture
def app(tmp_path):
    (tmp_path / "page.html").write_text("{{ _('Back to the staff pages') }}", encoding="utf-8")
    app = Flask(__name__, template_folder=str(tmp_path))
    init_babel(app)

    @app.get("/linked/<language>")
    def linked(language):
        return render_for_mail_reader(language if language != "none" else None, "page.html")

    return app


@pytest.mark.parametrize("path, cookie, browser, expected", [
    ("/linked/pl", None, "en", "Wróć do stron dla pracowników"),  # the mail's language, not the browser's
    ("/linked/en", None, "pl", "Back to the staff pages"),
    ("/linked/pl", "en", "pl", "Back to the staff pages"),  # the reader chose English earlier
    ("/linked/en?lang=pl", None, "en", "Wróć do stron dla pracowników"),  # ... or on this very link
    ("/linked/none", None, "en", "Back to the staff pages"),  # no language known: the browser's
])
def test_the_mail_language_unless_the_reader_chose_one(app, path, cookie, browser, expected):
    client = app.test_client()
    if cookie:
        client.set_cookie(COOKIE, cookie)
    assert client.get(path, headers={"Accept-Language": browser}).get_data(as_text=True) == expected
