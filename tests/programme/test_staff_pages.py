"""The programme's pages with a staff session from partners (services/messaging/staff.py): a MOPS admin sees
everything, an organisation's editor only the roll calls of their own activities; signing out or disabling the
account closes the pages as soon as the message is handled; the roll-call form needs its CSRF token; the API still
takes only a bearer token."""

import pytest
from sqlalchemy import select

from services.messaging.envelope import parse
from services.messaging.staff import COOKIE
from services.partners.models import OutboxMessage
from tests.conftest import make_app
from tests.programme.factories import ACTIVITY, deliver, event, known_programme
from tests.staff.conftest import ADMIN, CSRF, Staff, csrf_of, signed_in_admin

WHEN = "2018-05-22T17:00:00+02:00"


def signs_in(response) -> bool:
    """Whether the page sent the browser to sign in at partners (nobody signed in, or the session is over)."""
    return response.status_code == 303 and response.headers["Location"].startswith(
        "https://osl.example/partners/staff/sign-in?next=http")


class Signed(Staff):
    """Partners issuing sessions, and the programme service hearing of them over its partners queue."""

    def __init__(self, partners, programme):
        super().__init__(partners, None, None)
        self.programme = programme

    def forward(self) -> list:
        with self.partners.extensions["osl"].database.session() as session:
            bodies = session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.seq)).all()
        envelopes = [parse(body) for body in bodies[self.forwarded:]]
        self.forwarded = len(bodies)
        from services.programme.consumers import PARTNERS, handlers

        runtime = self.programme.extensions["osl"]
        for envelope in envelopes:
            if any(reg.queue == PARTNERS and reg.key == envelope.type for reg in handlers.registrations):
                with runtime.database.session() as session:
                    runtime.handlers[PARTNERS](session, envelope)
        return envelopes

    def signed_in_admin(self):
        """A MOPS admin signed in at partners, the session handed to programme: their partners client, and a
        programme client with the cookie."""
        partners_client, cookie = signed_in_admin(self)
        self.forward()
        return partners_client, self.browser(cookie)

    def browser(self, cookie: str):
        """A client of the programme service that carries the session cookie, as the gateway's one origin would."""
        client = self.programme.test_client()
        client.set_cookie(COOKIE, cookie)
        return client


@pytest.fixture
def signed(stack):
    from services.partners import create_app as partners_app
    from services.programme import create_app as programme_app

    apps = [make_app(partners_app, stack, "partners", PARTNERS_URL="https://osl.example/partners"),
            make_app(programme_app, stack, "programme", PARTNERS_URL="https://osl.example/partners")]
    yield Signed(*apps)
    for app in apps:
        app.extensions["osl"].database.dispose()


def test_a_mops_admin_signed_in_at_partners_opens_the_dashboard_and_downloads(signed):
    known = known_programme(signed.programme)
    _, cookie = signed_in_admin(signed)
    client = signed.browser(cookie)
    dashboard = f"/programmes/{known['id']}/"
    assert signs_in(client.get(dashboard))  # the session is not known here before its message
    # ... and back to the dashboard once signed in (its address from PROGRAMME_URL).
    assert client.get(dashboard).headers["Location"].endswith("?next=http%3A%2F%2F127.0.0.1%3A8004%2Fprogrammes%2F"
                                                              f"{known['id']}%2F")
    signed.forward()
    page = client.get(dashboard)
    assert page.status_code == 200
    assert page.get_data(as_text=True).count("<svg") == 7
    xlsx = client.get(f"/programmes/{known['id']}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["Content-Disposition"].endswith('.xlsx"')
    assert client.get(f"/programmes/{known['id']}/export.csv").mimetype == "text/csv"
    # The API stays bearer-only: the cookie opens none of it.
    assert client.get(f"/api/v1/programmes/{known['id']}/export.xlsx").status_code == 401
    assert client.get(f"/api/v1/programmes/{known['id']}").status_code == 401


def test_a_roll_call_by_a_signed_in_admin_needs_the_forms_csrf_token(signed):
    known = known_programme(signed.programme)
    _, client = signed.signed_in_admin()
    url = f"/programmes/{known['id']}/roll-calls/{ACTIVITY}/{WHEN}"
    form = client.get(url)
    assert form.status_code == 200
    token = CSRF.search(form.get_data(as_text=True)).group(1)
    refused = client.post(url, data={"anonymous_count": "4"})
    assert refused.status_code == 400 and "Formularz wygasł" in refused.get_data(as_text=True)
    assert client.post(url, data={"anonymous_count": "4", "csrf_token": token + "x"}).status_code == 400
    # A token from another browser (another CSRF cookie) does not match this one's.
    other = signed.browser(client.get_cookie(COOKIE).value)
    assert other.post(url, data={"anonymous_count": "4", "csrf_token": token}).status_code == 400
    sent = client.post(url, data={"anonymous_count": "4", "csrf_token": token})
    assert sent.status_code == 303
    saved = signed.programme.test_client().get(f"{known['base']}/roll-calls/{ACTIVITY}/{WHEN}", headers=ADMIN)
    assert saved.json["anonymous_count"] == 4


def test_an_editor_records_only_their_own_organisations_roll_calls(signed):
    known = known_programme(signed.programme)
    organisation = signed.organisation()
    _, cookie = signed.editor(organisation_id=organisation)
    signed.forward()
    own = "0b6a1f7e-5d0e-4c1c-9a55-4b7e8a1d0009"
    deliver(signed.programme, "events", "event.published", event(
        own, "Szachy w Rakowie", "2018-05-08T17:00:00+02:00", "2018-05-08T19:00:00+02:00", organisation, "rakow"))
    client = signed.browser(cookie)
    base = f"/programmes/{known['id']}"
    assert client.get(f"{base}/activities/{own}/").status_code == 200
    mine = client.get(f"{base}/roll-calls/{own}/2018-05-08T17:00:00+02:00")
    assert mine.status_code == 200
    token = CSRF.search(mine.get_data(as_text=True)).group(1)
    assert client.post(f"{base}/roll-calls/{own}/2018-05-08T17:00:00+02:00",
                       data={"anonymous_count": "2", "csrf_token": token}).status_code == 303
    # Another organisation's activity, the dashboard and the downloads are MOPS's.
    assert client.get(f"{base}/activities/{ACTIVITY}/").status_code == 403
    assert client.get(f"{base}/roll-calls/{ACTIVITY}/{WHEN}").status_code == 403
    assert client.post(f"{base}/roll-calls/{ACTIVITY}/{WHEN}",
                       data={"anonymous_count": "2", "csrf_token": token}).status_code == 403
    assert client.get(f"{base}/").status_code == 403
    assert client.get(f"{base}/export.xlsx").status_code == 403
    # Each refusal is a Polish page, not the API's JSON.
    refused = client.get(f"{base}/activities/{ACTIVITY}/")
    assert refused.mimetype == "text/html" and refused.headers["Cache-Control"] == "no-store"
    assert "Twoje konto nie może otworzyć tej strony." in refused.get_data(as_text=True)
    # The dashboard and the downloads say whose they are.
    for admins_only in (f"{base}/", f"{base}/export.xlsx"):
        assert "Ta strona jest przeznaczona dla administratorów MOPS." in client.get(admins_only).get_data(as_text=True)
    unknown = client.get(f"{base}/activities/0b6a1f7e-5d0e-4c1c-9a55-4b7e8a1d00ff/")
    assert unknown.status_code == 404 and "Nie znaleźliśmy tej strony" in unknown.get_data(as_text=True)


def test_signing_out_or_disabling_the_account_closes_the_pages_with_its_message(signed):
    known = known_programme(signed.programme)
    admin_client, client = signed.signed_in_admin()
    dashboard = f"/programmes/{known['id']}/"
    assert client.get(dashboard).status_code == 200
    out = admin_client.post("/staff/sign-out", data={"csrf_token": csrf_of(admin_client, "/staff/")})
    assert out.status_code == 303
    assert client.get(dashboard).status_code == 200  # until the message arrives
    assert "session.ended" in [envelope.type for envelope in signed.forward()]
    assert signs_in(client.get(dashboard))

    account, cookie = signed.editor("jan@sasiedzi.example")
    signed.forward()
    client = signed.browser(cookie)
    own = f"/programmes/{known['id']}/activities/{ACTIVITY}/"
    assert client.get(own).status_code == 403  # signed in: not their organisation's activity, but known
    disabled = signed.client.post(f"/api/v1/accounts/{account['id']}/disable", headers=ADMIN)
    assert disabled.status_code in (200, 204), disabled.get_data(as_text=True)
    assert "account.disabled" in [envelope.type for envelope in signed.forward()]
    assert signs_in(client.get(own))
