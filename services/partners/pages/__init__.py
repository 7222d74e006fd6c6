"""The partners service's public directory: districts → centres → Local Partnerships (server-rendered); and the
staff pages (staff.py): sign-in, passwords, accounts."""

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from services.ui import add_page_errors, init_ui


def register_pages(app: Flask) -> None:
    from services.messaging.staff import init_staff
    from services.partners.models import Account, StaffSession
    from services.partners.pages.centres import centre_pages
    from services.partners.pages.keys import key_pages
    from services.partners.pages.meetings import meeting_pages
    from services.partners.pages.organisations import organisation_pages
    from services.partners.pages.partnerships import partnership_pages
    from services.partners.pages.people import people_pages
    from services.partners.pages.rooms import room_pages
    from services.partners.pages.staff import staff
    from services.partners.pages.views import blp
    from services.ui.csrf import init_csrf

    init_ui(app)
    add_page_errors(app, lambda: url_for("pages.directory"), _l("All Local Partnerships"))
    init_csrf(app)
    init_staff(app, Account, StaffSession)
    app.register_blueprint(blp)
    for staff_pages in (staff, meeting_pages, key_pages, centre_pages, room_pages, organisation_pages,
                        partnership_pages, people_pages):
        app.register_blueprint(staff_pages)
