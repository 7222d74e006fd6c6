"""What a partner meeting's mail says: a greeting, why it comes to this recipient, and where, as the feed says it."""

import pytest
from sqlalchemy import select

from services.notify.models import Notice
from services.notify.notices import Sender
from tests.notify.conftest import folder_mails
from tests.notify.test_meetings import attached_event, deliver, meeting, setup, setup_one_member

pytestmark = pytest.mark.usefixtures("before_the_meetings")


def bodies(mail) -> tuple[str, str]:
    return mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()


def test_a_meeting_mail_greets_its_reader_as_the_other_mails_do(notify, mail_dir):
    setup(notify)
    deliver(notify, "event.published", meeting())
    assert Sender(notify.extensions["osl"].database, notify.config).send_due() == 3
    for mail in folder_mails(mail_dir):
        text, html = bodies(mail)
        assert text.startswith("Dzień dobry,") and "<p style=\"margin:0 0 16px;\">Dzień dobry,</p>" in html
        # and formally to the end: "Nie chcesz tych wiadomości?" followed "Dostaje Pani/Pan…"
        assert "chcesz" not in text + html and "Nie chce Pani/Pan dostawać tych wiadomości?" in text


def test_each_member_is_told_why_the_meeting_mail_comes_to_them(notify, mail_dir):
    """A person member at her own address, an organisation's contact person, an organisation's contact address."""
    setup(notify)
    deliver(notify, "event.published", meeting())
    assert Sender(notify.extensions["osl"].database, notify.config).send_due() == 3
    mails = {mail["To"].addresses[0].addr_spec: mail for mail in folder_mails(mail_dir)}
    why = {"lucja@example.org": "Dostaje Pani/Pan tę wiadomość jako członek partnerstwa.",
           "nauczycielka@szkola.example.org": "Dostaje Pani/Pan tę wiadomość jako osoba kontaktowa organizacji, "
                                              "która jest członkiem partnerstwa.",
           "biuro@cma.example.org": "Tę wiadomość dostaje adres kontaktowy organizacji, która jest członkiem "
                                    "partnerstwa."}
    for address, words in why.items():
        text, html = bodies(mails[address])
        assert words in text and words in html, address
        assert [other for other in why.values() if other != words and other in text + html] == [], address


def test_where_names_the_centre_its_room_and_the_address_as_the_feed_does(notify, mail_dir):
    """The events service's place of a meeting at a centre's room (its LOCATION in the feed); a meeting with no
    place yet says its district."""
    setup_one_member(notify)
    at_room = meeting(centre_id=4, centre_name="OSL Tysiąclecie", centre_slug="osl-tysiaclecie",
                      district_name="Tysiąclecie", location="Sala duża, ul. Kilińskiego 5")
    deliver(notify, "event.published", at_room)
    deliver(notify, "event.published", meeting(id_=4, location=None, centre_id=None, centre_name=None))
    Sender(notify.extensions["osl"].database, notify.config).send_due()
    at_centre, nowhere = folder_mails(mail_dir)
    assert str(attached_event(at_centre)["LOCATION"]) == "OSL Tysiąclecie, Sala duża, ul. Kilińskiego 5"
    for body in bodies(at_centre):
        assert "Gdzie: OSL Tysiąclecie, Sala duża, ul. Kilińskiego 5" in body
    for body in bodies(nowhere):
        assert "Gdzie: Raków" in body


def test_a_meeting_notice_that_does_not_say_its_recipient_names_none(notify, mail_dir):
    """A notice queued before notices said why they come (or to a member whose membership is not here yet)."""
    setup_one_member(notify)
    deliver(notify, "event.published", meeting())
    with notify.extensions["osl"].database.session() as session:
        [notice] = session.scalars(select(Notice))
        assert notice.payload["recipient"] == "organisation"
        notice.payload = {"event": notice.payload["event"]}
    Sender(notify.extensions["osl"].database, notify.config).send_due()
    for body in bodies(folder_mails(mail_dir)[0]):
        assert "Tę wiadomość dostaje adres kontaktowy członka partnerstwa." in body
        assert "organizacji" not in body
