"""The events service's public pages: home, event, district, centre and organisation (server-rendered)."""

from flask import Flask

from services.ui import init_ui


def register_pages(app: Flask) -> None:
    from services.events.pages.views import blp

    init_ui(app)
    app.register_blueprint(blp)
