"""GDPR: an admin erases a subscriber and every trace of the address; an export returns all that is held."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from services.notify import operations
from services.notify.models import Base, Notice, Organisation
from tests.notify.test_operations import REQUEST, confirmed, send_all, subscriber

ADMIN = {"Authorization": "Bearer test-admin-token"}
ADDRESS = "anna.nowak@example.org"
ERASE = "/api/v1/subscribers/erase"


def everything_stored(app) -> str:
    """Every row of every table of the service's database, as text."""
    rows = []
    with app.extensions["osl"].database.session() as session:
        for table in [*Base.metadata.sorted_tables, "alembic_version"]:
            name = table if isinstance(table, str) else table.name
            rows += [repr(tuple(row)) for row in session.execute(text(f'SELECT * FROM "{name}"'))]
    return "\n".join(rows)


def test_export_returns_everything_held_about_the_address(notify, mail_dir):
    confirmed(notify, mail_dir)
    client = notify.test_client()
    assert client.post("/api/v1/subscribers/export", json={"email": ADDRESS}).status_code == 401
    export = client.post("/api/v1/subscribers/export", json={"email": ADDRESS.upper()}, headers=ADMIN)
    assert export.status_code == 200, export.json
    data = export.json
    assert data["email"] == ADDRESS and data["status"] == "confirmed"
    assert data["districts"] == ["rakow"] and data["audiences"] == ["seniors"] and data["reminders"] is True
    assert data["consent"]["text"].startswith("Zgadzam się") and data["consent"]["given_at"]
    assert [n["kind"] for n in data["notices"]] == ["confirmation"]
    assert data["notices"][0]["status"] == "sent"
    assert len(data["subscribe_requests"]) == 1
    assert client.post("/api/v1/subscribers/export", json={"email": "nobody@example.org"},
                       headers=ADMIN).status_code == 404


def test_erase_leaves_the_address_nowhere_in_the_database(notify, mail_dir):
    confirmed(notify, mail_dir)
    client = notify.test_client()
    client.post("/api/v1/subscriptions/", json=REQUEST)  # a queued notice and a second attempt row
    client.post("/api/v1/subscriptions/", json={**REQUEST, "email": "other@example.org"})
    assert ADDRESS in everything_stored(notify)

    assert client.post(ERASE, json={"email": ADDRESS}).status_code == 401
    wrong = client.post(ERASE, json={"email": ADDRESS}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert client.post(ERASE, json={"email": ADDRESS}, headers=ADMIN).status_code == 204

    stored = everything_stored(notify)
    assert ADDRESS not in stored.lower()
    assert "other@example.org" in stored  # only that subscriber went
    assert subscriber(notify) is None
    with notify.extensions["osl"].database.session() as session:
        assert len(session.scalars(select(Notice)).all()) == 1  # the other address's confirmation
    assert client.post(ERASE, json={"email": ADDRESS}, headers=ADMIN).status_code == 404
    assert send_all(notify) == 1


def test_erase_writes_no_address_in_the_logs(notify, mail_dir, caplog):
    confirmed(notify, mail_dir)
    caplog.set_level("DEBUG")
    notify.test_client().post(ERASE, json={"email": ADDRESS}, headers=ADMIN)
    assert "erased" in caplog.text
    assert ADDRESS not in caplog.text.lower()


def test_erase_deletes_the_mails_written_for_the_address_and_keeps_the_others(notify, mail_dir):
    confirmed(notify, mail_dir)
    client = notify.test_client()
    client.post("/api/v1/subscriptions/", json={**REQUEST, "email": "other@example.org"})
    send_all(notify)
    assert any(ADDRESS.encode() in path.read_bytes() for path in mail_dir.glob("*.eml"))
    assert client.post(ERASE, json={"email": ADDRESS.upper()}, headers=ADMIN).status_code == 204
    remaining = [path.read_bytes() for path in mail_dir.glob("*.eml")]
    assert not any(ADDRESS.encode() in raw for raw in remaining)
    assert any(b"other@example.org" in raw for raw in remaining)


def test_no_admin_url_carries_an_address(notify, mail_dir):
    # Request lines are what access logs and proxies keep: an address must never be in one.
    rules = [rule for rule in notify.url_map.iter_rules() if rule.rule.startswith("/api/")]
    assert rules and not any(argument in ("email", "address") for rule in rules for argument in rule.arguments)


@pytest.mark.usefixtures("before_the_meetings")
def test_a_member_contact_address_is_exported_and_erased_until_partners_lists_it_again(notify, mail_dir):
    from tests.notify.test_meetings import contacts, deliver, meeting, setup

    member = "lucja@example.org"  # membership 4: a person's own address, from partners' member_contacts.replaced
    setup(notify)
    deliver(notify, "event.published", meeting())
    assert send_all(notify) == 3
    client = notify.test_client()

    export = client.post("/api/v1/subscribers/export", json={"email": member.upper()}, headers=ADMIN)
    assert export.status_code == 200, export.json
    (held,) = export.json["member_contacts"]
    assert (held["membership_id"], held["partnership_id"], held["email"]) == (4, 5, member)
    assert held["basis"] == "membership #4 of partnership #5" and held["received_at"]
    assert held["notices_stopped_at"] is None
    assert [(n["kind"], n["status"]) for n in held["notices"]] == [("meeting", "sent")]
    assert export.json["registrations"] == [] and "status" not in export.json  # no subscriber of that address

    assert member in everything_stored(notify)
    assert client.post(ERASE, json={"email": member}, headers=ADMIN).status_code == 204
    stored = everything_stored(notify)
    assert member not in stored.lower()
    assert "nauczycielka@szkola.example.org" in stored  # the other members' addresses stay
    with notify.extensions["osl"].database.session() as session:
        assert sorted(session.scalars(select(Notice.member_contact_id))) == [1, 3]
    assert client.post(ERASE, json={"email": member}, headers=ADMIN).status_code == 404
    assert client.post("/api/v1/subscribers/export", json={"email": member}, headers=ADMIN).status_code == 404

    deliver(notify, "member_contacts.replaced", contacts(1))  # the same list again: still erased
    assert member not in everything_stored(notify)
    deliver(notify, "member_contacts.replaced", contacts(2))  # partners sends it again: held again
    assert member in everything_stored(notify)


@pytest.mark.usefixtures("before_the_meetings")
def test_the_operations_cover_every_kind_of_record_an_address_has(notify, mail_dir):
    """erase_address and export_address (services/notify/operations/addresses.py), called as any caller would, with
    one address that is at once a subscriber, a registered resident, a partnership member's contact and an
    organisation's contact address, with mails written to it: the export holds each, and after the erase the address
    is in no row of any table, nor in any mail file (a table added later that keeps the address fails here)."""
    from tests.notify.registrations import publish_event, resident
    from tests.notify.test_meetings import deliver, meeting, organisation, setup

    member = "lucja@example.org"  # membership 4's contact address, from partners
    setup(notify)
    deliver(notify, "organisation.created", organisation(9, member))  # her own small NGO's contact address too
    deliver(notify, "event.published", meeting())
    publish_event(notify, capacity=5)
    client = notify.test_client()
    assert client.post("/api/v1/subscriptions/", json={**REQUEST, "email": member}).status_code == 202
    assert client.post("/api/v1/registrations/", json=resident(1, email=member)).status_code in (201, 202)
    send_all(notify)
    assert any(member.encode() in path.read_bytes() for path in mail_dir.glob("*.eml"))
    database, secret = notify.extensions["osl"].database, notify.config["SECRET_KEY"]

    with database.session() as session:
        held = operations.export_address(session, member.upper(), secret)
    assert held["email"] == member and held["status"] == "pending" and held["subscribe_requests"]
    assert [n["kind"] for n in held["notices"]] == ["confirmation"]
    assert [r["name"] for r in held["registrations"]] == ["Mieszkanka 1"]
    assert [c["membership_id"] for c in held["member_contacts"]] == [4]
    assert [o["organisation_id"] for o in held["organisation_contacts"]] == [9]

    with database.session() as session:
        erased = operations.erase_address(session, member, secret, mail_dir)
    assert erased["subscriber"] == 1 and erased["registrations"] == 1 and erased["member_contacts"] == 1
    assert erased["organisation_contacts"] == 1
    assert erased["mail_files"] >= 3  # the confirmation, the registration's mail, the meeting's invitation
    assert member not in everything_stored(notify).lower()
    assert not any(member.encode() in path.read_bytes().lower() for path in mail_dir.glob("*.eml"))
    assert "biuro@cma.example.org" in everything_stored(notify)  # the other members' addresses stay

    with database.session() as session, pytest.raises(operations.NothingHeld):
        operations.export_address(session, member, secret)
    with database.session() as session, pytest.raises(operations.NothingHeld):
        operations.erase_address(session, member, secret, mail_dir)


#: A small NGO's contact address that is its chairwoman's own, held only on notify's copy of the organisation.
CHAIR = "prezes.kowalska@example.org"


def organisation_notices(app, organisation_id) -> list[tuple]:
    with app.extensions["osl"].database.session() as session:
        return [(n.kind, n.status) for n in session.scalars(
            select(Notice).where(Notice.organisation_id == organisation_id).order_by(Notice.id))]


def test_an_organisation_contact_address_is_exported_and_erased_until_partners_sends_it_again(notify, mail_dir):
    from tests.notify.test_import_failing import FAILING
    from tests.notify.test_import_failing import deliver as deliver_failing
    from tests.notify.test_meetings import deliver, organisation
    from tests.notify.test_room_conflict import TAKEN
    from tests.notify.test_room_conflict import deliver as deliver_taken

    deliver(notify, "organisation.created", organisation(7, "Prezes.Kowalska@Example.org"))  # as partners spelt it
    deliver(notify, "organisation.created", organisation(8, "biuro@inna.example.org"))
    deliver_failing(notify, "import_source.failing", {**FAILING, "organisation_id": 7})
    assert send_all(notify) == 1  # told of its failing calendar: sent
    deliver_failing(notify, "import_source.failing", {**FAILING, "organisation_id": 7,
                                                      "failing_since": "2026-12-10T06:00:00+00:00"})  # queued
    deliver_taken(notify, "meeting_room.taken", {**TAKEN, "organisation_id": 7})
    deliver_taken(notify, "meeting_room.taken", {**TAKEN, "organisation_id": 8})
    with notify.extensions["osl"].database.session() as session:  # a refusal quoting the address: failed
        notice = session.scalars(select(Notice).where(Notice.organisation_id == 7,
                                                      Notice.kind == "room_conflict")).one()
        notice.status, notice.last_error = "failed", f"550 <{CHAIR}>: mailbox unavailable"
    client = notify.test_client()

    export = client.post("/api/v1/subscribers/export", json={"email": CHAIR.upper()}, headers=ADMIN)
    assert export.status_code == 200, export.json  # held only as an organisation's contact: not "nothing held"
    assert export.json["email"] == CHAIR and "status" not in export.json
    assert export.json["registrations"] == [] and export.json["member_contacts"] == []
    (held,) = export.json["organisation_contacts"]
    assert (held["organisation_id"], held["name"]) == (7, "Stowarzyszenie 7")
    assert held["email"] == "Prezes.Kowalska@Example.org"
    assert "partners" in held["basis"] and "meeting" in held["basis"]
    assert held["notices_stopped_at"] is None
    assert [(n["kind"], n["status"]) for n in held["notices"]] == [
        ("import_failing", "sent"), ("import_failing", "queued"), ("room_conflict", "failed")]

    with notify.extensions["osl"].database.session() as session:
        session.get(Organisation, 7).notices_stopped_at = datetime.now(UTC)  # its meeting notices' link, followed
    export = client.post("/api/v1/subscribers/export", json={"email": CHAIR}, headers=ADMIN)
    assert export.json["organisation_contacts"][0]["notices_stopped_at"]

    assert CHAIR in everything_stored(notify).lower()
    assert client.post(ERASE, json={"email": CHAIR.upper()}, headers=ADMIN).status_code == 204
    stored = everything_stored(notify)
    assert CHAIR not in stored.lower()
    assert "biuro@inna.example.org" in stored  # another organisation's address stays, and its notice
    assert organisation_notices(notify, 8) == [("room_conflict", "queued")]
    assert organisation_notices(notify, 7) == [("import_failing", "sent")]  # what was sent; nothing more will be
    with notify.extensions["osl"].database.session() as session:
        erased = session.get(Organisation, 7)
        assert (erased.name, erased.email, erased.notices_stopped_at) == ("Stowarzyszenie 7", None, None)
    assert not any(CHAIR.encode() in path.read_bytes().lower() for path in mail_dir.glob("*.eml"))
    assert client.post(ERASE, json={"email": CHAIR}, headers=ADMIN).status_code == 404
    assert client.post("/api/v1/subscribers/export", json={"email": CHAIR}, headers=ADMIN).status_code == 404

    deliver(notify, "organisation.updated", organisation(7, CHAIR))  # the same version again: still erased
    assert CHAIR not in everything_stored(notify).lower()
    deliver(notify, "organisation.updated", organisation(7, CHAIR, version=2))  # partners sends it again: held again
    assert CHAIR in everything_stored(notify)


def test_the_operations_count_the_organisation_copies_they_erase(notify, mail_dir):
    from tests.notify.test_meetings import deliver, organisation

    shared = "biuro@cma.example.org"
    deliver(notify, "organisation.created", organisation(1, "Biuro@CMA.example.org"))
    deliver(notify, "organisation.created", organisation(2, shared))  # two organisations share one address
    deliver(notify, "organisation.created", organisation(3, "kontakt@old.example.org"))
    database, secret = notify.extensions["osl"].database, notify.config["SECRET_KEY"]
    with database.session() as session:
        held = operations.export_address(session, shared.upper(), secret)
    assert [o["organisation_id"] for o in held["organisation_contacts"]] == [1, 2]
    with database.session() as session:
        erased = operations.erase_address(session, shared, secret, mail_dir)
    assert erased["organisation_contacts"] == 2 and erased["subscriber"] == 0 and erased["member_contacts"] == 0
    stored = everything_stored(notify)
    assert shared not in stored.lower() and "kontakt@old.example.org" in stored


def test_the_export_of_a_registration_holds_every_column_but_the_services_own_keys(notify, mail_dir):
    """Everything held of a registration is in its export: every column of the table, except the row's id, the
    secret key its signed links name, and where it stands in its date's queue (``slot_id``, ``seq``). A column added
    later is exported too, or this fails."""
    from services.notify.models import Registration
    from tests.notify.registrations import publish_event, resident

    publish_event(notify, capacity=5)
    client = notify.test_client()
    assert client.post("/api/v1/registrations/", json=resident(1, email=ADDRESS)).status_code in (201, 202)
    with notify.extensions["osl"].database.session() as session:
        [exported] = operations.export_address(session, ADDRESS, notify.config["SECRET_KEY"])["registrations"]
    internal = {"id", "key", "slot_id", "seq"}
    held = {column.name for column in Registration.__table__.columns} - internal
    consent = {"consent_version": "version", "consent_text": "text", "consent_at": "given_at"}
    assert {name for name in held if name not in consent} <= exported.keys()
    assert set(consent.values()) == exported["consent"].keys()
    assert not internal & exported.keys()


def test_an_account_mail_not_yet_sent_is_exported_without_its_link_and_erased(notify, mail_dir):
    """A staff invitation waiting to be sent holds the address (its payload, until sent): the export by address
    lists it (never the one-time link) and the erase deletes it; another address's mail stays. A notice's export
    also says its date and its last error (which may quote the address)."""
    from services.messaging.envelope import Envelope
    from services.notify import account_mail

    def invitation(account_id, to):
        return Envelope.new("account.mail.requested", {
            "account_id": account_id, "template": "invitation", "to": to, "link": f"https://osl.example/s/{account_id}",
            "language": "pl", "expires_at": "2026-12-01T12:00:00+00:00"})

    database, secret = notify.extensions["osl"].database, notify.config["SECRET_KEY"]
    with database.session() as session:
        account_mail.queue_account_mail(session, invitation(7, ADDRESS.upper()))
        account_mail.queue_account_mail(session, invitation(8, "ktos.inny@example.org"))
        session.commit()
        notice = session.scalars(select(Notice).where(Notice.event_id == "account:7")).one()
        notice.status, notice.last_error, notice.occurrence = "failed", f"550 <{ADDRESS}>: no such user", "x"
        session.commit()
    with database.session() as session:
        held = operations.export_address(session, ADDRESS, secret)
    [mail] = held["account_mails"]
    assert (mail["kind"], mail["account_id"], mail["status"]) == ("invitation", 7, "failed")
    assert mail["last_error"] == f"550 <{ADDRESS}>: no such user" and mail["occurrence"] == "x"
    assert "osl.example/s/" not in repr(held)
    with database.session() as session:
        erased = operations.erase_address(session, ADDRESS, secret, mail_dir)
        session.commit()
    assert erased["account_mails"] == 1
    assert ADDRESS not in everything_stored(notify).lower() and "ktos.inny@example.org" in everything_stored(notify)
