"""The events service's public pages: home, event, district, centre and organisation (server-rendered)."""

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from services.ui import add_page_errors, init_ui


def register_pages(app: Flask) -> None:
    from services.events.pages.views import blp

    init_ui(app)
    add_page_errors(app, lambda: url_for("pages.home"), _l("See what is on"))
    app.register_blueprint(blp)
