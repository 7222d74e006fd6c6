"""The e-mail of each notice: well-formed MIME, Polish letters intact, list headers, and a valid .ics."""

import re
from email import message_from_bytes
from email.policy import default
from urllib.parse import quote

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.notify.mail.compose import build_message
from tests.notify.events import event_snapshot

CONFIG = {"MAIL_FROM": "Powiadomienia OSL <powiadomienia@osl.example>", "PUBLIC_HOST": "osl.example",
          "MAIL_UNSUBSCRIBE_ADDRESS": "wypisz@osl.example"}
LINKS = {"confirm": "https://osl.example/subscriptions/confirm/c.1",
         "preferences": "https://osl.example/subscriptions/preferences/p.2",
         "unsubscribe": "https://osl.example/subscriptions/unsubscribe/" + "u" * 120}


def build(kind="published", language="pl", event=None, previous=None) -> bytes:
    payload = {} if kind == "confirmation" else {"event": event or event_snapshot(), "previous": previous}
    if kind == "digest":
        payload = {"frequency": "weekly", "events": [event_snapshot(), event_snapshot(
            id="00000000-0000-0000-0000-000000000008", title="Warsztaty finansowe", url=None)]}
    message = build_message(CONFIG, kind=kind, language=language, to="jozef@example.org", links=LINKS,
                            payload=payload, message_id="<n1@osl.example>")
    return message.as_bytes()


def parse(raw: bytes):
    return message_from_bytes(raw, policy=default)


def calendar_of(message) -> icalendar.Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_content())


KINDS = [("confirmation", "pl"), ("published", "pl"), ("updated", "pl"), ("cancelled", "pl"), ("reminder", "pl"),
         ("digest", "pl"), ("confirmation", "en"), ("published", "en"), ("updated", "en"), ("cancelled", "en"),
         ("reminder", "en"), ("digest", "en")]


@pytest.mark.parametrize(("kind", "language"), KINDS)
def test_the_message_is_well_formed(kind, language):
    previous = event_snapshot(starts_at="2026-12-04T15:00:00+01:00", ends_at="2026-12-04T18:00:00+01:00")
    raw = build(kind, language, previous=previous if kind == "updated" else None)
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    raw.decode("ascii")  # 7-bit clean: every non-ASCII header and part is encoded
    message = parse(raw)
    assert all(not part.defects for part in message.walk())
    assert all(not header.defects for part in message.walk() for header in part.values()
               if hasattr(header, "defects"))
    alternative = message if kind == "confirmation" else message.get_payload(0)
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert message.get_content_type() == ("multipart/alternative" if kind == "confirmation" else "multipart/mixed")


def test_headers():
    message = parse(build())
    assert message["From"].addresses[0].display_name == "Powiadomienia OSL"
    assert message["To"].addresses[0].addr_spec == "jozef@example.org"
    assert message["Date"].datetime is not None
    assert message["Message-ID"] == "<n1@osl.example>"
    assert message["List-Id"] == "OSL notices <notices.osl.example>"
    unsubscribe = str(message["List-Unsubscribe"])
    assert unsubscribe.startswith(f"<{LINKS['unsubscribe']}>, <mailto:wypisz@osl.example?subject=unsubscribe")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "pl"
    raw = build()
    start = raw.index(b"List-Unsubscribe: ")
    assert raw[start:raw.index(b"\r\n", raw.index(b"\r\n", start) + 2) + 2] == (  # URLs as such, not encoded
        f"List-Unsubscribe: <{LINKS['unsubscribe']}>,\r\n <mailto:wypisz@osl.example?subject=unsubscribe%20"
        f"{LINKS['unsubscribe'].replace(':', '%3A')}>\r\n").encode()


def test_polish_letters_survive_in_the_subject_and_both_parts():
    raw = build()
    subject_line = next(line for line in raw.split(b"\r\n") if line.startswith(b"Subject:"))
    assert b"=?utf-8?" in subject_line  # RFC 2047
    message = parse(raw)
    title = "Piknik sąsiedzki: żółć, źdźbło, łąka"
    assert message["Subject"] == f"Nowe wydarzenie: {title}"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert title in body and "Stowarzyszenie Ćma" in body and "sobota, 5 grudnia 2026, 15:00–18:00" in body
    assert '<html lang="pl">' in html
    assert "https://osl.example/subscriptions/unsubscribe/" in text


HOSTILE = {"title": "Warsztaty <script>alert(1)</script>", "location": "ul. <b>Długa</b> 1",
           "organisation_name": "Ćma <img src=x onerror=alert(2)>",
           "description": "Zapraszamy! <script>alert('x')</script> <a href=\"https://zlo.example\">kliknij</a>"}


@pytest.mark.parametrize("kind", ["published", "updated", "cancelled", "reminder", "digest"])
def test_html_shows_html_in_event_text_as_text(kind):
    event = event_snapshot(**HOSTILE)
    previous = event_snapshot(title="Stary tytuł <i>x</i>")
    payload = {"frequency": "daily", "events": [event]} if kind == "digest" else {"event": event, "previous": previous}
    message = parse(build_message(CONFIG, kind=kind, language="pl", to="jozef@example.org", links=LINKS,
                                  payload=payload, message_id="<n1@osl.example>").as_bytes())
    html = message.get_body(("html",)).get_content()
    for tag in ("<script", "<b>", "<img", "<i>", 'href="https://zlo.example"'):
        assert tag not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    if kind in ("published", "reminder"):  # the description, shown as text (a digest and a cancellation omit it)
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    text = message.get_body(("plain",)).get_content()
    assert "Warsztaty <script>alert(1)</script>" in text  # the text part shows it as written


def test_a_meeting_html_shows_html_in_its_agenda_as_text():
    meeting = {"id": 3, "version": 1, "partnership_id": 5, "title": "Plan <script>x()</script>",
               "agenda": "1. <b>Ferie</b>", "starts_at": "2026-12-10T17:00:00+01:00",
               "ends_at": "2026-12-10T19:00:00+01:00", "address": "<i>tu</i>", "status": "planned"}
    html = parse(build_message(CONFIG, kind="meeting", language="pl", to="biuro@example.org", links=LINKS,
                               payload={"meeting": meeting, "partnership_name": "P <u>L</u>"},
                               message_id="<n2@osl.example>").as_bytes()).get_body(("html",)).get_content()
    assert not any(tag in html for tag in ("<script", "<b>", "<i>", "<u>"))
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "&lt;b&gt;Ferie&lt;/b&gt;" in html


def test_an_update_says_what_changed():
    previous = event_snapshot(starts_at="2026-12-04T15:00:00+01:00", ends_at="2026-12-04T18:00:00+01:00")
    message = parse(build("updated", event=event_snapshot(sequence=1, version=2), previous=previous))
    text = message.get_body(("plain",)).get_content()
    assert "termin: było „piątek, 4 grudnia 2026, 15:00–18:00”, jest „sobota, 5 grudnia 2026, 15:00–18:00”" in text
    assert "tytuł" not in text and "miejsce:" not in text
    assert message["Subject"].startswith("Zmiana w wydarzeniu")


def test_the_ics_has_the_feeds_uid_a_timezone_and_the_event():
    message = parse(build())
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "PUBLISH"
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == "00000000-0000-0000-0000-000000000007@osl.example"
    assert vevent["SUMMARY"] == "Piknik sąsiedzki: żółć, źdźbło, łąka"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Warsaw"
    assert vevent.decoded("DTSTART").isoformat() == "2026-12-05T15:00:00+01:00"
    assert vevent["STATUS"] == "CONFIRMED" and vevent["SEQUENCE"] == 0
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Warsaw"]


def test_a_cancellation_ics_is_cancelled_with_the_higher_sequence():
    event = event_snapshot(status="cancelled", sequence=3, version=5, cancelled_at="2026-11-24T10:00:00+00:00")
    message = parse(build("cancelled", event=event))
    [vevent] = calendar_of(message).walk("VEVENT")
    assert vevent["STATUS"] == "CANCELLED" and vevent["SEQUENCE"] == 3
    assert message["Subject"] == "Odwołane: Piknik sąsiedzki: żółć, źdźbło, łąka"


def test_a_cancellation_does_not_say_how_to_register():
    """A cancelled event's mail says it is cancelled; "Registration: required, places: 3" would invite people to it."""
    event = event_snapshot(status="cancelled", sequence=3, version=5, cancelled_at="2026-11-24T10:00:00+00:00",
                           registration={"url": None, "required": True, "capacity": 3})
    message = parse(build("cancelled", event=event))
    assert "Zapisy" not in message.get_body(("plain",)).get_content()
    assert "Zapisy" not in message.get_body(("html",)).get_content()
    assert "Zapisy" in parse(build("published", event={**event, "status": "scheduled"})).get_body(
        ("plain",)).get_content()


def test_an_all_day_recurring_event():
    event = event_snapshot(all_day=True, starts_at="2026-12-05T00:00:00+01:00", ends_at="2026-12-06T00:00:00+01:00",
                           rrule="FREQ=WEEKLY;COUNT=3", exdates=["2026-12-12"])
    message = parse(build(event=event))
    [vevent] = calendar_of(message).walk("VEVENT")
    assert vevent.decoded("DTSTART").isoformat() == "2026-12-05"
    assert vevent["RRULE"]["FREQ"] == ["WEEKLY"]
    assert "cały dzień" in message.get_body(("plain",)).get_content()


def test_a_digest_lists_every_event_and_attaches_them_all():
    message = parse(build("digest"))
    assert message["Subject"] == "Wydarzenia w najbliższym tygodniu"
    text = message.get_body(("plain",)).get_content()
    assert "Piknik sąsiedzki: żółć, źdźbło, łąka" in text and "Warsztaty finansowe" in text
    assert [str(v["SUMMARY"]) for v in calendar_of(message).walk("VEVENT")] == [
        "Piknik sąsiedzki: żółć, źdźbło, łąka", "Warsztaty finansowe"]


def test_a_digest_gives_each_event_its_map_link_in_both_parts():
    payload = {"frequency": "weekly", "events": [event_snapshot(**GOING), event_snapshot(
        id="00000000-0000-0000-0000-000000000008", title="Warsztaty finansowe", location="ul. Zbierskiego 2")]}
    message = parse(build_message(CONFIG, kind="digest", language="pl", to="jozef@example.org", links=LINKS,
                                  payload=payload, message_id="<n1@osl.example>").as_bytes())
    by_place = "https://www.openstreetmap.org/search?query=" + quote("ul. Zbierskiego 2, Częstochowa")
    for part, osm in (("html", "https://www.openstreetmap.org/?mlat=50.79000&amp;mlon=19.14000"),
                      ("plain", "Mapa: https://www.openstreetmap.org/?mlat=50.79000&mlon=19.14000")):
        body = message.get_body((part,)).get_content()
        assert osm in body, part
        assert (by_place.replace("&", "&amp;") if part == "html" else f"Mapa: {by_place}") in body, part


def test_a_reminder_names_the_event():
    message = parse(build("reminder", language="en"))
    assert message["Subject"] == "Reminder: Piknik sąsiedzki: żółć, źdźbło, łąka"
    assert "A reminder of this event" in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("title", [
    "Piknik sąsiedzki: żółć, źdźbło, łąka",
    "Spotkanie w sprawie budżetu obywatelskiego dzielnicy Wyczerpy-Aniołów, zażółć gęślą jaźń",
    "Ćwiczenia dla seniorów — Śródmieście, Częstochówka-Parkitka, Gnaszyn-Kawodrza i Zawodzie-Dąbie " * 3,
])
@pytest.mark.parametrize("kind", ["published", "updated", "cancelled"])
def test_long_polish_subjects_keep_every_space(kind, title):
    raw = build(kind, event=event_snapshot(title=title.strip()), previous=event_snapshot())
    message = parse(raw)
    assert message["Subject"].endswith(title.strip())
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998 and not message["Subject"].defects


WORD = st.text(alphabet="aąbcćdeęfghijklłmnńoóprsśtuwyzźżAĄĆĘŁŃÓŚŹŻ,.:-—", min_size=1, max_size=15)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=25).map(" ".join))
def test_any_polish_title_survives_the_subject(title):
    assert parse(build(event=event_snapshot(title=title)))["Subject"] == f"Nowe wydarzenie: {title}"


@pytest.mark.parametrize("title", ["Zła\r\nBcc: evil@example.org", "Dwie\nlinie", "Separator\u2028linii"])
def test_a_title_with_line_breaks_still_makes_a_mail_with_a_one_line_subject(title):
    # Such a title predates the check that titles are one line: its notices must still be sent.
    message = parse(build("published", "pl", event=event_snapshot(title=title)))
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert message["Subject"].startswith("Nowe wydarzenie: ")
    assert message["Bcc"] is None
    assert calendar_of(message).walk("VEVENT")
GOING = {"registration": {"url": "https://zapisy.example.org/piknik", "required": True, "capacity": 20},
         "contact": "Anna, tel. 34 000 00 00", "accessibility": "Wejście bez schodów, toaleta dostosowana",
         "latitude": 50.79, "longitude": 19.14}


@pytest.mark.parametrize(("language", "words"), [
    ("pl", ("Zapisy:", "obowiązkowe, miejsc: 20", "Kontakt:", "Dostępność:", "Wszystko o wydarzeniu")),
    ("en", ("Registration:", "required, places: 20", "Contact:", "Accessibility:", "All about the event")),
])
def test_a_notice_says_what_people_need_to_go(language, words):
    message = parse(build(language=language, event=event_snapshot(**GOING)))
    page = f"http://127.0.0.1:8002/events/{event_snapshot()['id']}"
    osm = "https://www.openstreetmap.org/?mlat=50.79000&amp;mlon=19.14000"
    for part in ("html", "plain"):
        body = message.get_body((part,)).get_content()
        for word in words + ("Anna, tel. 34 000 00 00", "Wejście bez schodów", "https://zapisy.example.org/piknik",
                             page, osm if part == "html" else osm.replace("&amp;", "&")):
            assert word in body, (part, word)


def test_a_partnership_only_event_has_no_public_page_link_and_no_invented_facts():
    message = parse(build(event=event_snapshot(visibility="partnership")))
    body = message.get_body(("html",)).get_content()
    assert "/events/" not in body and "Wszystko o wydarzeniu" not in body
    assert "Zapisy:</strong> nie są potrzebne" in body
    assert "Kontakt:" not in body and "Dostępność:" not in body


@pytest.mark.parametrize("kind", ["confirmation", "published", "cancelled", "reminder", "digest"])
def test_the_html_is_one_column_with_inline_styles_and_big_links(kind):
    html = parse(build(kind=kind)).get_body(("html",)).get_content()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<style" not in html and "max-width:600px" in html and "font-size:18px" in html
    assert "<table" not in html  # no layout tables: one column on every screen
    links = re.findall(r"<a [^>]*>", html)
    assert links and all('style="' in link for link in links), links


def test_an_event_with_no_organiser_names_none_in_the_text_mail():
    text = parse(build(event=event_snapshot(organisation_id=None, organisation_name=None, organisation_slug=None))) \
        .get_body(("plain",)).get_content()
    assert "None" not in text and "Organizator" not in text


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("going", [GOING, {"registration": {"url": None, "required": False, "capacity": None}},
                                   {"contact": "Anna, tel. 34 000 00 00"}], ids=["all", "no-registration", "contact"])
def test_each_fact_of_a_text_notice_is_on_its_own_line(language, going):
    """'Zapisy: obowiązkowe, miejsc: 20Kontakt: …' once ran two facts together in the text part."""
    text = parse(build(language=language, event=event_snapshot(**going))).get_body(("plain",)).get_content()
    labels = {"pl": ("Kiedy:", "Zapisy:", "Kontakt:", "Dostępność:", "Wszystko o wydarzeniu:"),
              "en": ("When:", "Registration:", "Contact:", "Accessibility:", "All about the event:")}[language]
    starts = [line.split(":")[0] + ":" for line in text.splitlines()]
    for label in labels:
        assert text.count(label) == starts.count(label), (label, text)
    assert starts.count(labels[1]) == 1 and starts.count(labels[4]) == 1


ROOM = {"centre_name": "OSL Ostatni Grosz", "district_name": "Ostatni Grosz",
        "location": "ul. Łukasińskiego 40, sala nr 2"}


@pytest.mark.parametrize("kind", ["published", "digest"])
def test_a_mail_says_where_in_the_words_of_its_calendar_entry_and_searches_the_map_in_the_city(kind):
    """"Gdzie:" names the centre before the room and address, as the .ics's LOCATION (and the event page) do, not the
    district after them; the map search names the city the address leaves out."""
    event = event_snapshot(**ROOM)
    payload = {"frequency": "weekly", "events": [event]} if kind == "digest" else {"event": event, "previous": None}
    message = parse(build_message(CONFIG, kind=kind, language="pl", to="jozef@example.org", links=LINKS,
                                  payload=payload, message_id="<n1@osl.example>").as_bytes())
    [location] = [str(vevent["LOCATION"]) for vevent in calendar_of(message).walk("VEVENT")]
    assert location == "OSL Ostatni Grosz, ul. Łukasińskiego 40, sala nr 2"
    lines = [line.strip() for line in message.get_body(("plain",)).get_content().splitlines()]
    assert f"Gdzie: {location}" in lines
    if kind == "published":  # a digest's text gives no map link
        assert "Mapa: https://www.openstreetmap.org/search?query=" + quote(
            "ul. Łukasińskiego 40, sala nr 2, Częstochowa") in lines
