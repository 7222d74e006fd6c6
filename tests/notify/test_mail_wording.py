"""Words residents read in the mails and on the registration form: one form of address ("Pani/Pan"), no gendered
slashes, a change with nothing before said as what was added, a waiting person's cancel link saying they leave the
waiting list, and the time to confirm said as the person's time."""

import re
from urllib.parse import urlsplit

import pytest

from services.notify.mail.compose import build_message
from services.notify.notices import Sender
from tests.notify.conftest import folder_mails
from tests.notify.events import event_snapshot
from tests.notify.registrations import EVENT_ID, publish_event, resident, send_all
from tests.notify.test_mail import CONFIG, LINKS, parse
from tests.notify.test_meetings import deliver, meeting, setup
from tests.notify.test_operations import confirmed

SERIES = {"starts_at": "2026-12-01T10:30:00+01:00", "ends_at": "2026-12-01T12:00:00+01:00",
          "rrule": "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8"}
MOVED = {"recurrence_id": "2026-12-10T10:30:00+01:00", "status": "moved", "starts_at": "2026-12-11T10:30:00+01:00",
         "ends_at": "2026-12-11T12:00:00+01:00", "location": None}


def bodies(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def meeting_mails(notify, mail_dir) -> list:
    """The mails of a meeting published to its partnership's three recipients."""
    setup(notify)
    deliver(notify, "event.published", meeting())
    assert Sender(notify.extensions["osl"].database, notify.config).send_due() == 3
    return folder_mails(mail_dir)


def updated(previous: dict, event: dict):
    return parse(build_message(CONFIG, kind="updated", language="pl", to="jozef@example.org", links=LINKS,
                               payload={"event": event, "previous": previous}, message_id="<n1@osl.example>")
                 .as_bytes())


def test_a_change_with_nothing_before_says_only_what_was_added():
    text, html = bodies(updated(event_snapshot(**SERIES), event_snapshot(version=2, overrides=[MOVED], **SERIES)))
    assert "było „”" not in text and "<del></del>" not in html
    assert "zmienione terminy: dodano „czwartek, 10 grudnia: przeniesione na piątek, 11 grudnia 2026" in text
    assert "zmienione terminy: dodano <ins>czwartek, 10 grudnia: przeniesione na" in html


def test_a_change_with_nothing_after_says_what_was_removed():
    text, html = bodies(updated(event_snapshot(overrides=[MOVED], **SERIES), event_snapshot(version=2, **SERIES)))
    assert "jest „”" not in text and "<ins></ins>" not in html
    assert "zmienione terminy: usunięto „czwartek, 10 grudnia: przeniesione na piątek" in text
    assert "zmienione terminy: usunięto <del>czwartek, 10 grudnia: przeniesione na" in html


def test_a_waiting_persons_mail_offers_to_leave_the_waiting_list_not_to_free_a_place(notify, mail_dir):
    publish_event(notify, capacity=1)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    client.post("/api/v1/registrations/", json=resident(2))
    assert send_all(notify) == 2
    placed, waiting = (bodies(mail) for mail in folder_mails(mail_dir))
    assert "zwolni Pani/Pan miejsce dla innych" in placed[0]
    for part in waiting:
        assert "zwolni" not in part and "miejsce dla innych" not in part
    assert "Nie chce Pani/Pan czekać? Jednym kliknięciem wypisze się Pani/Pan z listy rezerwowej:" in waiting[0]
    assert "Rezygnuję z listy rezerwowej" in waiting[1]
    cancel = re.search(r"https?://\S+/cancel/\S+", waiting[0]).group(0)
    page = client.get(urlsplit(cancel).path).text
    assert "Czy zrezygnować z listy rezerwowej na to wydarzenie?" in page and "oddać miejsce" not in page


def test_the_form_says_the_person_has_the_hours_to_confirm(notify):
    publish_event(notify)
    page = notify.test_client().get(f"/registrations/events/{EVENT_ID}").text
    assert "w ciągu 24 godzin;" not in page
    assert "Na potwierdzenie ma Pani/Pan 24 godziny" in page
    english = notify.test_client().get(f"/registrations/events/{EVENT_ID}?lang=en").text
    assert "you then have 24 hours to confirm" in english


def test_the_form_addresses_its_reader_formally(notify):
    publish_event(notify)
    page = notify.test_client().get(f"/registrations/events/{EVENT_ID}").text
    for informal in ("Twój", "Twoje", "Twoja", "chcesz", "możesz"):
        assert informal not in page, informal
    assert "Adres e-mail" in page and "Nie ma Pani/Pan e-maila?" in page


@pytest.mark.usefixtures("before_the_meetings")
def test_the_meeting_unsubscribe_page_does_not_point_to_a_settings_link_meeting_mails_lack(notify, mail_dir):
    text, _ = bodies(meeting_mails(notify, mail_dir)[0])
    address = re.search(r"https?://\S+/contact/\S+", text).group(0)
    page = notify.test_client().get(urlsplit(address).path).text
    assert "dowolnego powiadomienia" not in page and "chcesz" not in page
    assert "Wypisanie wstrzyma tylko powiadomienia o spotkaniach partnerstwa" in page


def test_the_notices_unsubscribe_page_still_points_to_the_settings_link_formally(notify, mail_dir):
    page = notify.test_client().get(confirmed(notify, mail_dir)["unsubscribe"]).text
    assert "Jeśli chce Pani/Pan tylko mniej wiadomości" in page and "linkiem z dowolnego powiadomienia" in page
