"""The notify service's public pages, in the UI kit's look, Polish and English.

``/subscribe`` and the "check your e-mail" page; the pages behind the signed links in e-mails (confirm,
preferences, unsubscribe); registering for an event and a registration's signed links (``registrations.py``);
staff's registrations of an event, signed in (``staff.py``).
Every form carries a CSRF token (``csrf.py``) except the one-click unsubscribe and cancel.
"""

from flask import Flask
from flask_babel import lazy_gettext as _l

from services.ui import add_page_errors, init_ui


def register_pages(app: Flask) -> None:
    from services.notify.pages.csrf import init_csrf
    from services.notify.pages.registrations import registration_pages
    from services.notify.pages.signed import pages
    from services.notify.pages.staff import staff_pages
    from services.notify.pages.subscribe import subscribe_pages

    init_ui(app)
    # notify has no home page of its own: what is on is at events.
    add_page_errors(app, lambda: app.config["EVENTS_URL"].rstrip("/") + "/", _l("See what is on"))
    init_csrf(app)
    app.register_blueprint(pages)
    app.register_blueprint(subscribe_pages)
    app.register_blueprint(registration_pages)
    app.register_blueprint(staff_pages)
