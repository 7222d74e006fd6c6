"""Invitation and password-reset links are one-time secrets: once the relay has published the mail's message, the
partners outbox keeps no copy of the link or the address for its retention period (``scrubbed`` fields of the
message type); notify, which got them over the bus, mails the link, and it still works."""

import json
import re

from sqlalchemy import select

from services.messaging.registry import message_type
from services.messaging.testing import running, wait_until
from services.notify.notices import Sender
from services.partners.models import OutboxMessage
from tests.notify.conftest import folder_mails
from tests.staff.conftest import ADMIN


def _mail_rows(app) -> list[dict]:
    with app.extensions["osl"].database.session() as session:
        bodies = session.scalars(select(OutboxMessage.body).where(OutboxMessage.type == "account.mail.requested")
                                 .order_by(OutboxMessage.seq)).all()
    return [json.loads(body) for body in bodies]


def _published(app) -> bool:
    with app.extensions["osl"].database.session() as session:
        return session.scalar(select(OutboxMessage.seq).where(OutboxMessage.published_at.is_(None))) is None


def test_the_outbox_keeps_no_link_or_address_once_published_and_the_mailed_link_still_works(staff, tmp_path):
    assert message_type("account.mail.requested").scrubbed == ("to", "link")
    organisation = staff.organisation()
    staff.invite("ewa@sasiedzi.example", organisation)
    [pending] = _mail_rows(staff.partners)
    token = pending["data"]["link"].split("#token=", 1)[1]  # before publishing, the row holds the link

    relay = staff.partners.extensions["osl"].relay()
    with running(relay), running(staff.notify.extensions["osl"].worker()):
        wait_until(lambda: _published(staff.partners), timeout=30, message="the partners outbox published")
        sender = Sender(staff.notify.extensions["osl"].database, staff.notify.config)
        wait_until(lambda: sender.send_due() or folder_mails(tmp_path / "mail"), timeout=30, message="the mail")
    [row] = _mail_rows(staff.partners)
    assert (row["data"]["to"], row["data"]["link"]) == (None, None)
    assert row["data"]["template"] == "invitation" and row["data"]["account_id"] == pending["data"]["account_id"]
    assert "ewa@sasiedzi.example" not in json.dumps(row) and token not in json.dumps(row)
    # What is left is still a history entry, and never replayed: the link is gone, and the mail went out once.
    history = staff.partners.test_client().get("/api/v1/history/?limit=200", headers=ADMIN).get_json()
    assert any(entry["type"] == "account.mail.requested" for entry in history)
    assert relay.replay(type_pattern="account.mail.requested") == 0

    [mail] = folder_mails(tmp_path / "mail")
    link = re.search(r"(\S+/staff/password#token=\S+)", mail.get_body(("plain",)).get_content()).group(1)
    assert link.endswith(token)
    assert staff.set_password(token).status_code == 303
    assert staff.sign_in("ewa@sasiedzi.example").status_code == 303


def test_links_mails_and_redirects_point_at_the_one_place_staff_work(staff):
    """Behind the gateway every staff page is under /staff/ at STAFF_URL (STAFF_BASE_URL), whatever partners'
    own address is."""
    from services.messaging.staff import COOKIE

    for app in (staff.partners, staff.events):
        app.config["STAFF_URL"] = "https://osl.example"
    _account, cookie = staff.editor("ewa@sasiedzi.example")
    [row] = _mail_rows(staff.partners)
    assert row["data"]["link"].startswith("https://osl.example/staff/password#token=")
    events = staff.events.test_client()
    assert events.get("/staff/events/").headers["Location"].startswith("https://osl.example/staff/sign-in?next=")
    staff.forward()
    events.set_cookie(COOKIE, cookie)
    assert 'href="https://osl.example/staff/"' in events.get("/staff/events/").get_data(as_text=True)
