"""Partner meetings: ``meeting.planned`` goes to the contact addresses of the member organisations, once."""

import re

from sqlalchemy import select

from services.messaging.envelope import Envelope
from services.notify.models import Notice
from services.notify.notices import Sender
from tests.notify.conftest import folder_mails
from tests.notify.test_consumers import worker


def organisation(id_, email, version=1):
    return {"id": id_, "version": version, "name": f"Stowarzyszenie {id_}", "slug": f"org-{id_}", "kind": "ngo",
            "krs": None, "email": email, "phone": None, "website": None}


def membership(id_, organisation_id, left_on=None, kind="organisation"):
    return {"id": id_, "version": 1, "partnership_id": 5, "member_kind": kind,
            "organisation_id": organisation_id if kind == "organisation" else None, "role": "member",
            "joined_on": "2026-01-10", "left_on": left_on, "potential": [{"kind": "ideas", "description": "Pomysły"}]}


def meeting(id_=3):
    return {"id": id_, "version": 1, "partnership_id": 5, "title": "Plan na zimę",
            "agenda": "1. Ferie zimowe\n2. Wolne wnioski", "starts_at": "2026-12-10T17:00:00+01:00",
            "ends_at": "2026-12-10T19:00:00+01:00", "timezone": "Europe/Warsaw", "centre_id": None,
            "address": "ul. Łukasińskiego 40", "status": "planned", "updated_at": "2026-11-23T10:00:00+00:00"}


def deliver(app, type_name, data) -> Envelope:
    envelope = Envelope.new(type_name, data)
    worker(app).handle("partners-replica", envelope)
    return envelope


def setup(app) -> None:
    deliver(app, "partnership.created", {"id": 5, "version": 1, "name": "Partnerstwo Lokalne Raków",
                                         "district_id": 1, "centre_id": None, "status": "active",
                                         "description": ""})
    deliver(app, "organisation.created", organisation(1, "biuro@cma.example.org"))
    deliver(app, "organisation.created", organisation(2, "kontakt@old.example.org"))
    deliver(app, "organisation.created", organisation(3, None))
    deliver(app, "organisation.created", organisation(4, "kto@elsewhere.example.org"))
    deliver(app, "membership.added", membership(1, 1))
    deliver(app, "membership.added", membership(2, 2, left_on="2026-06-30"))
    deliver(app, "membership.added", membership(3, 3))
    deliver(app, "membership.added", membership(4, None, kind="person"))


def recipients(app) -> list[int]:
    with app.extensions["osl"].database.session() as session:
        return sorted(session.scalars(select(Notice.organisation_id).where(Notice.kind == "meeting")))


def test_a_planned_meeting_goes_once_to_current_member_organisations_with_an_address(notify, mail_dir):
    setup(notify)
    planned = deliver(notify, "meeting.planned", meeting())
    assert recipients(notify) == [1]
    assert worker(notify).handle("partners-replica", planned) is False
    deliver(notify, "organisation.updated", organisation(1, "nowy@cma.example.org", version=2))
    assert recipients(notify) == [1]

    assert Sender(notify.extensions["osl"].database, notify.config).send_due() == 1
    [mail] = folder_mails(mail_dir)
    assert mail["To"].addresses[0].addr_spec == "nowy@cma.example.org"
    assert mail["Subject"] == "Spotkanie partnerskie: Plan na zimę"
    text = mail.get_body(("plain",)).get_content()
    assert "czwartek, 10 grudnia 2026, 17:00–19:00" in text and "Partnerstwo Lokalne Raków" in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    stop = re.search(r"https://osl\.example(/subscriptions/contact/\S+)", text).group(1)
    client = notify.test_client()
    assert client.get(stop).text.count("<button") == 1
    assert client.post(stop, data=b"").status_code == 200
    deliver(notify, "meeting.planned", meeting(id_=4))
    assert recipients(notify) == [1]  # nothing new for the next meeting
    assert client.get("/subscriptions/contact/forged").status_code == 404


def test_a_removed_membership_gets_no_meeting_notice(notify):
    setup(notify)
    deliver(notify, "membership.removed", {**membership(1, 1), "version": 2})
    deliver(notify, "meeting.planned", meeting())
    assert recipients(notify) == []
