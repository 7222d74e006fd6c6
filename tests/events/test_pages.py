"""The events service's public pages: every page answers in both languages, filters work, text stays text."""

import re
from datetime import date, datetime, time, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from services.calendar.times import WARSAW
from services.events.models import Event
from tests.events.factories import ADMIN, World, centre, deliver, district, event_body, meeting, organisation, seed
from tests.ui.pagecheck import assert_accessible_page, html

NEXT_YEAR = datetime.now(WARSAW).year + 1
WEEKDAYS = ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela")


@pytest.fixture
def world(events_app):
    world = seed(events_app)
    client = events_app.test_client()
    made = {}
    bodies = {
        "seniors": event_body(title="Gimnastyka dla seniorów", starts_at=f"{NEXT_YEAR}-03-14T10:00:00",
                              ends_at=f"{NEXT_YEAR}-03-14T12:00:00", audiences=["seniors"], category="sport"),
        "children": event_body(title="Bajki w ośrodku", district="ostatni-grosz", centre="dosl-ostatni-grosz",
                               starts_at=f"{NEXT_YEAR}-03-15T16:00:00", ends_at=f"{NEXT_YEAR}-03-15T17:00:00",
                               audiences=["children"], category="culture",
                               description='Uwaga <script>window.pwned = true</script>\nDruga linia',
                               accessibility="Wejście bez schodów",
                               registration={"required": True, "url": "https://zapisy.example.org/b",
                                             "capacity": 20}),
        "past": event_body(title="Było i minęło", starts_at="2020-01-01T10:00:00", ends_at="2020-01-01T11:00:00"),
    }
    for name, body in bodies.items():
        response = client.post("/api/v1/events", json=body, headers=world.own)
        assert response.status_code == 201, response.json
        made[name] = response.json["id"]
    # A partners meeting becomes an event seen only in the partnership's private feed.
    deliver(events_app, "meeting.planned", meeting(1, 7, title="Tylko dla partnerstwa",
                                                   starts_at=f"{NEXT_YEAR}-03-16T10:00:00+01:00",
                                                   ends_at=f"{NEXT_YEAR}-03-16T11:00:00+01:00"))
    with events_app.extensions["osl"].database.session() as session:
        made["private"] = str(session.scalars(select(Event.id).where(Event.meeting_id == 1)).one())
    return made


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_every_page_answers_in_both_languages_and_is_accessible(events_app, world, lang):
    client = events_app.test_client()
    urls = ["/", "/?district=rakow&audience=seniors&category=sport&from=2026-01-01", f"/events/{world['seniors']}",
            "/districts/rakow", "/districts/ostatni-grosz", "/centres/osl-rakow",
            "/organisations/fundacja-zrodlo"]
    for url in urls:
        assert_accessible_page(html(client, url, lang=lang), lang)


def test_home_lists_upcoming_public_events_with_polish_dates(events_app, world):
    page = html(events_app.test_client(), "/")
    assert "Gimnastyka dla seniorów" in page and "Bajki w ośrodku" in page
    assert "Było i minęło" not in page
    assert "Tylko dla partnerstwa" not in page
    weekday = WEEKDAYS[date(NEXT_YEAR, 3, 14).weekday()]
    assert f'{weekday}, 14 marca {NEXT_YEAR}, <span class="nowrap">10:00–12:00</span>' in page
    assert page.index("Gimnastyka dla seniorów") < page.index("Bajki w ośrodku")


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("district=rakow", "Gimnastyka", "Bajki"),
    ("district=ostatni-grosz", "Bajki", "Gimnastyka"),
    ("audience=seniors", "Gimnastyka", "Bajki"),
    ("category=culture", "Bajki", "Gimnastyka"),
    (f"from={NEXT_YEAR}-03-15", "Bajki", "Gimnastyka"),
])
def test_home_filters(events_app, world, query, shown, hidden):
    page = html(events_app.test_client(), f"/?{query}")
    assert shown in page and hidden not in page


@pytest.mark.parametrize(("query", "field", "message"), [
    ("district=atlantyda", "district", "Nie ma dzielnicy atlantyda"),
    ("audience=aliens", "audience", "Wybierz wartość z listy."),
    ("category=war", "category", "Wybierz wartość z listy."),
    ("from=14.13.2026", "from", "Podaj datę jako dzień.miesiąc.rok"),
    ("from=2026-02-30", "from", "Podaj datę jako dzień.miesiąc.rok"),
    ("q=" + "a" * 101, "q", "Wpisz najwyżej 100 znaków."),
])
def test_bad_filters_are_422_with_the_message_next_to_the_field(events_app, world, query, field, message):
    page = html(events_app.test_client(), f"/?{query}", status=422)
    assert f'<p class="field-error" id="{field}-error">{message}' in page
    assert re.search(f'aria-describedby="[^"]*{field}-error"', page)


def test_an_unknown_period_is_422_with_the_message_by_the_choices(events_app, world):
    page = html(events_app.test_client(), "/?when=fortnight", status=422)
    assert '<p class="field-error" id="when-error">Wybierz wartość z listy.' in page


def test_event_page_shows_what_when_where_for_whom_and_keeps_text_as_text(events_app, world):
    page = html(events_app.test_client(), f"/events/{world['children']}")
    assert "Uwaga &lt;script&gt;window.pwned = true&lt;/script&gt;<br>\nDruga linia" in page
    assert "<script>window.pwned" not in page
    assert "Wejście bez schodów" in page
    assert "Obowiązują zapisy." in page and 'href="https://zapisy.example.org/b"' in page
    assert 'href="/organisations/fundacja-zrodlo"' in page
    assert f'href="/events/{world["children"]}.ics"' in page
    with events_app.test_client().get(f"/events/{world['children']}.ics") as calendar:
        assert calendar.status_code == 200 and calendar.mimetype == "text/calendar"
    assert "https://www.openstreetmap.org/search?query=" + quote("ul. Zbierskiego 2") in page
    assert "<iframe" not in page


def test_event_page_links_the_map_by_coordinates_when_known(events_app, world):
    page = html(events_app.test_client(), f"/events/{world['seniors']}")
    assert "https://www.openstreetmap.org/?mlat=50.79000&amp;mlon=19.14000" in page


def test_private_and_unknown_events_are_not_found(events_app, world):
    client = events_app.test_client()
    assert "Nie znaleźliśmy tej strony" in html(client, f"/events/{world['private']}", status=404)
    html(client, "/events/00000000-0000-0000-0000-000000000000", status=404)
    html(client, "/districts/atlantyda", status=404)
    html(client, "/centres/nic", status=404)
    html(client, "/organisations/nikt", status=404)


def test_district_page_has_its_centres_events_and_subscribe_box(events_app, world):
    page = html(events_app.test_client(), "/districts/ostatni-grosz")
    assert 'href="/centres/dosl-ostatni-grosz"' in page
    assert "Bajki w ośrodku" in page and "Gimnastyka" not in page
    feed = "http://localhost/feeds/districts/ostatni-grosz.ics"
    assert 'href="webcal://localhost/feeds/districts/ostatni-grosz.ics"' in page
    assert 'href="https://calendar.google.com/calendar/r?cid=' + quote("webcal://localhost/feeds/districts/"
                                                                        "ostatni-grosz.ics", safe="") in page
    assert "https://outlook.live.com/calendar/0/addfromweb?url=" + quote(feed, safe="") in page
    assert f'value="{feed}" readonly' in page
    assert "co kilka godzin" in page and "Subskrypcja to nie pobranie pliku." in page
    assert events_app.test_client().get("/feeds/districts/ostatni-grosz.ics").status_code == 200


def test_feed_links_use_the_public_base_url(events_app, world):
    events_app.config["PUBLIC_BASE_URL"] = "https://osl.example.pl/wydarzenia"
    page = html(events_app.test_client(), "/centres/osl-rakow")
    assert 'href="webcal://osl.example.pl/wydarzenia/feeds/centres/osl-rakow.ics"' in page
    page = html(events_app.test_client(), "/organisations/fundacja-zrodlo")
    assert 'value="https://osl.example.pl/wydarzenia/feeds/organisations/fundacja-zrodlo.ics"' in page


def test_links_to_other_services_use_configured_base_urls(events_app, world):
    events_app.config["PARTNERS_URL"] = "https://osl.example.pl/partnerzy/"
    page = html(events_app.test_client(), "/districts/rakow")
    assert 'href="https://osl.example.pl/partnerzy/?lang=pl#district-rakow"' in page


def test_a_weekly_series_shows_its_next_date(events_app, world):
    body = event_body(title="Klub szachowy", starts_at="2024-01-02T17:00:00", ends_at="2024-01-02T19:00:00",
                      rrule="FREQ=WEEKLY;BYDAY=TU", organisation="fundacja-zrodlo")
    client = events_app.test_client()
    made = client.post("/api/v1/events", json=body, headers=ADMIN)
    assert made.status_code == 201, made.json
    page = html(client, "/?district=rakow")
    assert "Klub szachowy" in page and "(powtarza się)" in page
    start = page.index("Klub szachowy")
    shown = page[start:page.index("</li>", start)]
    assert "wtorek" in shown and "17:00–19:00" in shown and "2024" not in shown


def test_a_cancelled_event_says_so_on_its_page_and_in_the_list(events_app, world):
    client = events_app.test_client()
    assert client.delete(f"/api/v1/events/{world['seniors']}", headers=ADMIN).status_code == 200
    assert "To wydarzenie jest odwołane." in html(client, f"/events/{world['seniors']}")
    listed = html(client, "/?district=rakow")
    start = listed.index("Gimnastyka dla seniorów")
    assert '<p class="cancelled">Odwołane</p>' in listed[start:listed.index("</li>", start)]


def test_search_by_words_finds_title_and_description_in_any_case(events_app, world):
    client = events_app.test_client()
    page = html(client, "/?q=GIMNASTYKA")
    assert "Gimnastyka dla seniorów" in page and "Bajki w ośrodku" not in page
    assert "Wydarzenia ze słowami „GIMNASTYKA”" in page
    page = html(client, "/?q=druga+linia&lang=en")
    assert "Bajki w ośrodku" in page and "Gimnastyka dla seniorów" not in page
    assert "No upcoming events found." in html(client, "/?q=100%25&lang=en")  # % is a letter, not a wildcard


def test_search_without_polish_letters_finds_the_words_with_them(events_app, world):
    """Residents on phones type "cwiczenia" for "ćwiczenia": Polish letters are folded on both sides, any case."""
    client = events_app.test_client()
    for title, description in (("Wieczór kolęd", "Śpiewamy razem."), ("Ruch dla zdrowia", "Ćwiczenia na krzesłach.")):
        body = event_body(title=title, description=description, starts_at=f"{NEXT_YEAR}-03-20T17:00:00",
                          ends_at=f"{NEXT_YEAR}-03-20T19:00:00")
        assert client.post("/api/v1/events", json=body, headers=World().own).status_code == 201
    for query, title in (("cwiczenia", "Ruch dla zdrowia"), ("CWICZENIA", "Ruch dla zdrowia"),
                         ("koled", "Wieczór kolęd"), ("Kolęd", "Wieczór kolęd"), ("spiewamy", "Wieczór kolęd"),
                         ("seniorow", "Gimnastyka dla seniorów"), ("SENIORÓW", "Gimnastyka dla seniorów")):
        page = html(client, f"/?q={quote(query)}")
        assert title in page, query
        assert "Bajki w ośrodku" not in page, query


def test_search_finds_the_organiser_and_the_place(events_app, world):
    """The organiser's name (as renamed later) and the place (the address, the centre's name) are searched too."""
    client = events_app.test_client()
    deliver(events_app, "organisation.updated", organisation(100, "Fundacja Żółta Łódka", "fundacja-zrodlo", 2))
    for query in ("Żółta", "zolta", "łódka"):
        page = html(client, f"/?q={quote(query)}")
        assert "Gimnastyka dla seniorów" in page and "Bajki w ośrodku" in page, query
    for query in ("Łukasińskiego", "lukasinskiego 40", "osl rakow"):  # OSL Raków, ul. Łukasińskiego 40
        page = html(client, f"/?q={quote(query)}")
        assert "Gimnastyka dla seniorów" in page and "Bajki w ośrodku" not in page, query
    deliver(events_app, "centre.updated", centre(20, "Dom Sąsiedzki Grosik", "dosl-ostatni-grosz", 2, version=2,
                                                 address="ul. Zbierskiego 2"))
    page = html(client, "/?q=sasiedzki+grosik")
    assert "Bajki w ośrodku" in page and "Gimnastyka dla seniorów" not in page
    assert "Tylko dla partnerstwa" not in html(client, "/?q=zolta")


def test_search_finds_the_district_as_renamed(events_app, world):
    """An event of Raków, at neither a centre nor an address naming it, is found by "Raków", and by the district's
    new name once renamed."""
    client = events_app.test_client()
    body = event_body(title="Spacer po parku", centre=None, location="ul. Jasnogórska 1",
                      starts_at=f"{NEXT_YEAR}-03-22T10:00:00", ends_at=f"{NEXT_YEAR}-03-22T11:00:00")
    assert client.post("/api/v1/events", json=body, headers=World().own).status_code == 201
    for query in ("Raków", "rakow"):
        page = html(client, f"/?q={quote(query)}")
        assert "Spacer po parku" in page and "Bajki w ośrodku" not in page, query
    deliver(events_app, "district.updated", district(1, "Raków Północ", "rakow", version=2))
    page = html(client, "/?q=polnoc")
    assert "Spacer po parku" in page and "Gimnastyka dla seniorów" in page and "Bajki w ośrodku" not in page
    deliver(events_app, "district.updated", district(2, "Grosz Dolny", "ostatni-grosz", version=2))
    assert "Bajki w ośrodku" in html(client, "/?q=dolny")


def test_search_no_longer_finds_a_deleted_organiser_or_centre(events_app, world):
    """A deleted organisation's or centre's name is not shown on the pages, nor searched: its events are still found
    by their own words."""
    client = events_app.test_client()
    deliver(events_app, "organisation.deleted", organisation(100, "Fundacja Źródło", "fundacja-zrodlo"))
    assert "Gimnastyka dla seniorów" not in html(client, "/?q=zrodlo")
    assert "Gimnastyka dla seniorów" in html(client, "/?q=gimnastyka")
    deliver(events_app, "centre.deleted", centre(20, "DOSL Ostatni Grosz", "dosl-ostatni-grosz", 2,
                                                 address="ul. Zbierskiego 2"))
    assert "Bajki w ośrodku" not in html(client, "/?q=dosl")
    assert "Bajki w ośrodku" in html(client, "/?q=zbierskiego")  # its location, the address it was given


def test_search_takes_percent_and_underscore_as_letters(events_app, world):
    client = events_app.test_client()
    body = event_body(title="Zniżka 50% dla_seniorów", starts_at=f"{NEXT_YEAR}-03-21T10:00:00",
                      ends_at=f"{NEXT_YEAR}-03-21T11:00:00")
    assert client.post("/api/v1/events", json=body, headers=World().own).status_code == 201
    assert "Zniżka 50% dla_seniorów" in html(client, "/?q=50%25+dla_")
    assert "Gimnastyka dla seniorów" not in html(client, "/?q=dla_")
    assert "Zniżka" not in html(client, "/?q=5_%25")


def test_this_week_and_this_weekend_list_only_what_starts_in_them(events_app, world, monkeypatch):
    from services.events.pages import views

    dated = {"Gimnastyka dla seniorów": date(NEXT_YEAR, 3, 14), "Bajki w ośrodku": date(NEXT_YEAR, 3, 15)}
    monday = dated["Gimnastyka dla seniorów"] - timedelta(days=dated["Gimnastyka dla seniorów"].weekday())
    monkeypatch.setattr(views, "utcnow", lambda: datetime.combine(monday, time(9), WARSAW))
    client = events_app.test_client()
    for when, days in (("week", 7), ("weekend", 2)):
        first = monday + timedelta(days=7 - days)
        expected = {title for title, day in dated.items() if first <= day < monday + timedelta(days=7)}
        page = html(client, f"/?when={when}")
        assert {title for title in dated if title in page} == expected, when
    assert "Gimnastyka dla seniorów" in html(client, "/?when=week")
    assert '<h2 id="events">W ten weekend</h2>' in html(client, "/?when=weekend")
    monkeypatch.setattr(views, "utcnow", lambda: datetime.combine(monday - timedelta(days=7), time(9), WARSAW))
    earlier = html(client, "/?when=week")
    assert not any(title in earlier for title in dated)
    assert 'href="/?when=weekend#events"' in earlier and 'aria-current="true">W tym tygodniu' in earlier


def test_the_date_filter_takes_polish_dates_and_shows_them_back(events_app, world):
    page = html(events_app.test_client(), f"/?from=15.03.{NEXT_YEAR}")
    assert "Bajki w ośrodku" in page and "Gimnastyka dla seniorów" not in page
    assert f'value="15.03.{NEXT_YEAR}"' in page and 'type="date"' not in page
    assert f'value="15.03.{NEXT_YEAR}"' in html(events_app.test_client(), f"/?from={NEXT_YEAR}-03-15&lang=en")


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_a_centre_page_says_where_when_and_how_to_reach_it(events_app, world, lang):
    deliver(events_app, "organisation.created", {"id": 400, "version": 1, "name": "Miejski Ośrodek Pomocy Społecznej",
                                                 "slug": "mops", "kind": "municipal", "krs": None, "email": None,
                                                 "phone": None, "website": None})
    deliver(events_app, "centre.updated", centre(10, "OSL Raków", "osl-rakow", 1, version=2, operator_id=400,
                                                 address="ul. Łukasińskiego 40, Częstochowa",
                                                 opening_hours="pon.–pt. 9:00–17:00\nsob. 10:00–13:00",
                                                 phone="+48 34 000 00 00 w. 12", email="osl.rakow@example.org"))
    page = html(events_app.test_client(), "/centres/osl-rakow", lang=lang)
    assert "pon.–pt. 9:00–17:00<br>\nsob. 10:00–13:00" in page
    assert 'href="tel:+48340000000"' in page and "+48 34 000 00 00 w. 12" in page
    assert 'href="mailto:osl.rakow@example.org"' in page
    assert 'href="/organisations/mops">Miejski Ośrodek Pomocy Społecznej</a>' in page
    assert "https://www.openstreetmap.org/search?query=" + quote("ul. Łukasińskiego 40, Częstochowa") in page
    assert ("Godziny otwarcia" if lang == "pl" else "Opening hours") in page


def test_a_centre_with_nothing_known_says_so_and_invents_nothing(events_app, world):
    page = html(events_app.test_client(), "/centres/dosl-ostatni-grosz")
    assert "Części danych tego ośrodka jeszcze nie znamy." in page
    assert "tel:" not in page and "Godziny otwarcia" not in page


def test_a_centre_with_its_point_offers_the_phones_map_app_next_to_openstreetmap(events_app, world):
    deliver(events_app, "centre.updated", centre(10, "OSL Raków", "osl-rakow", 1, version=2,
                                                 address="ul. Łukasińskiego 40, Częstochowa", latitude=50.79,
                                                 longitude=19.14))
    page = html(events_app.test_client(), "/centres/osl-rakow")
    assert '<a class="phone-only map-app" href="geo:50.79000,19.14000">Otwórz w aplikacji map w telefonie</a>' in page
    assert "https://www.openstreetmap.org/?mlat=50.79000&amp;mlon=19.14000" in page
    event = html(events_app.test_client(), f"/events/{world['seniors']}", lang="en")  # at its centre's point
    assert 'href="geo:50.79000,19.14000">Open in the phone' in event


def test_without_a_point_there_is_no_geo_link_only_a_search_by_address(events_app, world):
    page = html(events_app.test_client(), f"/events/{world['children']}")
    assert "geo:" not in page and "https://www.openstreetmap.org/search?query=" in page
    deliver(events_app, "centre.updated", centre(10, "OSL Raków", "osl-rakow", 1, version=2,
                                                 address="ul. Łukasińskiego 40, Częstochowa"))
    assert "geo:" not in html(events_app.test_client(), "/centres/osl-rakow")


@pytest.mark.parametrize("path", ["/districts/rakow", "/centres/osl-rakow", "/organisations/fundacja-zrodlo"])
def test_every_list_of_events_has_the_search_and_this_week_and_weekend(events_app, world, monkeypatch, path):
    from services.events.pages import views

    client = events_app.test_client()
    page = html(client, path)
    assert f'<form class="finder" method="get" action="{path}"' in page
    assert f'href="{path}?when=week#events"' in page and f'href="{path}?when=weekend#events"' in page
    assert "Gimnastyka dla seniorów" in page
    assert "Gimnastyka dla seniorów" not in html(client, f"{path}?q=bajki")
    assert "Gimnastyka dla seniorów" in html(client, f"{path}?q=GIMNASTYKA")
    day = date(NEXT_YEAR, 3, 14)  # a Sunday or not: the week of the event, from its Monday
    monkeypatch.setattr(views, "utcnow", lambda: datetime.combine(day - timedelta(days=day.weekday()), time(9),
                                                                  WARSAW))
    assert "Gimnastyka dla seniorów" in html(client, f"{path}?when=week")
    monkeypatch.setattr(views, "utcnow", lambda: datetime.combine(day - timedelta(days=day.weekday() + 7), time(9),
                                                                  WARSAW))
    assert "Gimnastyka dla seniorów" not in html(client, f"{path}?when=week")
    assert "Wybierz wartość z listy." in html(client, f"{path}?when=jutro", status=422)


def test_event_page_says_where_as_its_calendar_entry_does_and_searches_the_map_in_the_city(events_app, world):
    """A room at a centre: the centre's name once, then the room and address, the words of the .ics's LOCATION
    (``ical.place_words``); the map search names the city the address leaves out."""
    client = events_app.test_client()
    made = client.post("/api/v1/events", headers=ADMIN, json=event_body(
        organisation="fundacja-zrodlo", district="ostatni-grosz", centre="dosl-ostatni-grosz",
        location="ul. Łukasińskiego 40, sala nr 2",
        starts_at=f"{NEXT_YEAR}-03-16T10:00:00", ends_at=f"{NEXT_YEAR}-03-16T12:00:00"))
    assert made.status_code == 201, made.json
    page = html(client, f"/events/{made.json['id']}")
    calendar = client.get(f"/events/{made.json['id']}.ics").get_data(as_text=True)
    assert "LOCATION:DOSL Ostatni Grosz\\, ul. Łukasińskiego 40\\, sala nr 2" in calendar
    assert 'href="/centres/dosl-ostatni-grosz">DOSL Ostatni Grosz</a>, ul. Łukasińskiego 40, sala nr 2<br>' in page
    assert "https://www.openstreetmap.org/search?query=" + quote(
        "ul. Łukasińskiego 40, sala nr 2, Częstochowa") + '"' in page
