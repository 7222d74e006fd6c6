"""The partners service's public directory: districts → centres → Local Partnerships (server-rendered)."""

from flask import Flask

from services.ui import init_ui


def register_pages(app: Flask) -> None:
    from services.partners.pages.views import blp

    init_ui(app)
    app.register_blueprint(blp)
