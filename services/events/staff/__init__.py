"""The events service's staff pages: an organisation's events, the event form with the recurrence builder, cancel.

Signed in at partners (one session on every service, services/messaging/staff.py); built on the same operations as
the API, so every rule is checked once.
"""

from flask import Flask


def register_staff_pages(app: Flask) -> None:
    from services.events.staff.views import staff_pages
    from services.ui.csrf import init_csrf

    init_csrf(app)
    app.register_blueprint(staff_pages)
