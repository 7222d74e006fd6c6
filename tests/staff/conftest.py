"""Staff accounts across the three web services: partners issues, events and notify accept (from the bus).

Messages go from the partners outbox to the other services' handlers in-process (``forward``), as the relay and
their consumers would, so each test sees exactly which message makes what happen.
"""

import re

import pytest
from sqlalchemy import select

from services.messaging.envelope import parse
from services.messaging.handlers import pattern_matches
from services.messaging.staff import COOKIE
from services.notify.models import District
from services.partners.models import OutboxMessage
from services.partners.operations import accounts
from tests.conftest import make_app

PASSWORD = "zielona-herbata-o-siódmej"
ADMIN = {"Authorization": "Bearer test-admin-token"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


class Staff:
    """The three apps, a browser-like client on partners, and the steps of the account flow."""

    def __init__(self, partners, events, notify):
        self.partners, self.events, self.notify = partners, events, notify
        self.client = partners.test_client()
        self.forwarded = 0

    def forward(self) -> list:
        """Hand the partners messages not forwarded yet to events' and notify's handlers; returns them."""
        with self.partners.extensions["osl"].database.session() as session:
            bodies = session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.seq)).all()
        envelopes = [parse(body) for body in bodies[self.forwarded:]]
        self.forwarded = len(bodies)
        from services.events.consumers import handlers as events_handlers
        from services.notify.consumers import handlers as notify_handlers

        for app, table in ((self.events, events_handlers), (self.notify, notify_handlers)):
            runtime = app.extensions["osl"]
            for envelope in envelopes:
                for queue in table.queues():
                    if any(reg.queue == queue and pattern_matches(reg.key, envelope.type)
                           for reg in table.registrations):
                        with runtime.database.session() as session:
                            runtime.handlers[queue](session, envelope)
        return envelopes

    def organisation(self, name: str = "Stowarzyszenie Sąsiedzi") -> int:
        response = self.client.post("/api/v1/organisations/", json={"name": name, "kind": "ngo"}, headers=ADMIN)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def invite(self, email: str, organisation_id: int | None, role: str = "editor") -> dict:
        response = self.client.post("/api/v1/accounts/", headers=ADMIN, json={
            "email": email, "role": role, "organisation_id": organisation_id})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def mailed_token(self) -> str:
        """The token of the last invitation or reset link, as notify would mail it."""
        with self.partners.extensions["osl"].database.session() as session:
            bodies = session.scalars(select(OutboxMessage.body).where(OutboxMessage.type == "account.mail.requested")
                                     .order_by(OutboxMessage.seq)).all()
        link = parse(bodies[-1]).data["link"]
        return link.split("#token=", 1)[1]

    def set_password(self, token: str, password: str = PASSWORD):
        return self.client.post("/staff/password", data={
            "token": token, "password": password, "csrf_token": csrf_of(self.client, "/staff/password")})

    def sign_in(self, email: str, password: str = PASSWORD, client=None, address: str = "127.0.0.1"):
        client = client or self.client
        return client.post("/staff/sign-in", data={
            "email": email, "password": password, "csrf_token": csrf_of(client, "/staff/reset")},
            environ_base={"REMOTE_ADDR": address})

    def editor(self, email: str = "ewa@sasiedzi.example", organisation_id: int | None = None) -> tuple[dict, str]:
        """An invited editor who set a password and signed in: the account, and the session cookie's value."""
        account = self.invite(email, organisation_id or self.organisation())
        assert self.set_password(self.mailed_token()).status_code == 303
        response = self.sign_in(email)
        assert response.status_code == 303, response.get_data(as_text=True)
        return account, session_cookie(self.client)


def signed_in_admin(staff, email: str = "anna@mops.example"):
    """A partners test client of an admin who took up their invitation and signed in; and the cookie's value."""
    staff.invite(email, None, role="admin")
    staff.set_password(staff.mailed_token())
    client = staff.partners.test_client()
    assert staff.sign_in(email, client=client).status_code == 303
    return client, session_cookie(client)


def history_table(client, path: str) -> str:
    """The table of a staff history page (``path``), as the client sees it."""
    html = client.get(path).get_data(as_text=True)
    return html.split("<main", 1)[1].split("</table>")[0]


def registry_with_a_member(staff) -> tuple[int, dict]:
    """An organisation, a district with its centre, and a partnership the organisation coordinates, made through the
    API: the organisation's id and the partnership."""
    from tests.partners.helpers import add_member, make_centre, make_district, make_partnership

    organisation = staff.organisation()
    make_district(staff.client)
    make_centre(staff.client)
    partnership = make_partnership(staff.client)
    add_member(staff.client, partnership["id"], organisation_id=organisation, role="coordinator")
    return organisation, partnership


def session_cookie(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie is not None else None


@pytest.fixture
def staff(stack, tmp_path):
    from services.events import create_app as events_app
    from services.notify import create_app as notify_app
    from services.partners import create_app as partners_app

    apps = [make_app(partners_app, stack, "partners", PARTNERS_URL="https://osl.example/partners"),
            make_app(events_app, stack, "events"),
            make_app(notify_app, stack, "notify", MAIL_DIR=tmp_path / "mail", SMTP=None)]
    with apps[2].extensions["osl"].database.session() as session:
        session.add(District(id=1, name="Raków", slug="rakow", version=1))
    yield Staff(*apps)
    for app in apps:
        app.extensions["osl"].database.dispose()


__all__ = ["ADMIN", "PASSWORD", "Staff", "accounts", "csrf_of", "session_cookie"]
