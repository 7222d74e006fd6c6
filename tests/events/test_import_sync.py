"""Calendars imported from a local HTTP server, as Google, Outlook, Gancio and odd producers write them: the events
and times they give (read back by ical.js from our own feed), updates, cancellations, 304, 410, failures, and a
second pull that publishes nothing. On both databases."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from services.events.feeds.components import render_one
from services.events.imports.runner import pull
from services.events.models import Event, ImportSource
from services.events.snapshot import snapshot
from tests.events.conftest import IMPORT_NOW
from tests.events.factories import ADMIN, outbox, outbox_types, statements, writes_of_events
from tests.events.feedserver import Route, fixture, redirect_to


def local_starts(event: dict) -> list[str]:
    return [o["local"] for o in event["occurrences"]]


def test_a_google_calendar_with_utc_times_a_date_until_and_a_moved_date(importing):
    source = importing.register("/google.ics", fixture("google.ics"))
    health = importing.pull(source["id"])
    assert health["status"] == "ok" and health["counts"] == {"new": 3, "changed": 0, "cancelled": 0, "unchanged": 0}
    assert health["warnings"] == [] and health["last_fetch_at"] and health["next_due_at"]
    events = importing.events(source["id"])
    club = events["Klub Seniora"]
    assert club["starts_at"] == "2027-03-02T17:00:00+01:00" and club["rrule"].startswith("FREQ=WEEKLY")
    assert club["exdates"] == ["2027-03-16T17:00:00"] and club["location"] == "ul. Łukasińskiego 40, Częstochowa"
    assert club["imported_from"] == {"source": source["id"], "uid": "3k1v8e6c2qv0h1kq2o4r5t6u7v@google.com"}
    assert [o["recurrence_id"] for o in club["overrides"]] == ["2027-03-30T17:00:00"]
    assert club["district"] == "rakow" and club["audiences"] == ["seniors"] and club["category"] == "meeting"
    master, moved = importing.icaljs(club["id"])
    # UNTIL=20270420 (a date) keeps 20 April; 16 March is excluded; 30 March moved to 1 April 18:00 in the park.
    assert local_starts(master) == ["2027-03-02T17:00:00", "2027-03-09T17:00:00", "2027-03-23T17:00:00",
                                    "2027-04-01T18:00:00", "2027-04-06T17:00:00", "2027-04-13T17:00:00",
                                    "2027-04-20T17:00:00"]
    assert moved["recurrence_id"] == "2027-03-30T17:00:00" and moved["location"] == "Park Lisiniec"
    picnic = events["Piknik majowy"]
    assert (picnic["all_day"], picnic["starts_at"], picnic["ends_at"]) == (True, "2027-05-01", "2027-05-01")
    assert picnic["location"] == "ul. Łukasińskiego 40, Częstochowa"  # none in the feed: the centre's address
    assert events["Doradztwo zawodowe"]["starts_at"] == "2027-01-15T18:00:00+01:00"
    assert outbox_types(importing.app).count("event.published") == 3
    page = importing.client.get(f"/events/{club['id']}").get_data(as_text=True)
    assert "Z kalendarza organizatora, aktualizowane na bieżąco." in page


def test_an_outlook_calendar_with_windows_and_custom_zones(importing):
    source = importing.register("/outlook.ics", fixture("outlook.ics"))
    health = importing.pull(source["id"])
    assert health["counts"]["new"] == 5
    events = importing.events(source["id"])
    workshop = events["Warsztaty rękodzieła"]
    assert workshop["starts_at"] == "2027-04-07T17:00:00+02:00" and workshop["exdates"] == ["2027-05-12T17:00:00"]
    [master] = importing.icaljs(workshop["id"])
    assert [s[11:] for s in local_starts(master)] == ["17:00:00"] * 7 and "2027-05-12T17:00:00" not in \
        local_starts(master)
    assert events["Dyżur doradcy"]["starts_at"] == "2027-02-10T10:00:00+01:00"  # Central European Standard Time
    assert events["Zebranie wolontariuszy"]["starts_at"] == "2027-06-15T09:00:00+02:00"  # W. Europe Standard Time
    # tzone://Microsoft/Custom and a "Customized Time Zone 1" with no VTIMEZONE: Warsaw time, with a warning each.
    assert events["Spotkanie rodziców"]["starts_at"] == "2027-01-20T18:00:00+01:00"
    assert events["Kiermasz"]["starts_at"] == "2027-07-05T10:00:00+02:00"
    assert any("tzone://Microsoft/Custom" in w for w in health["warnings"])
    assert any("Customized Time Zone 1" in w for w in health["warnings"])


def test_a_gancio_feed_in_utc_with_long_lines(importing):
    source = importing.register("/gancio.ics", fixture("gancio.ics"))
    health = importing.pull(source["id"])
    assert health["counts"]["new"] == 1 and health["refresh_seconds"] == 3600 and health["warnings"] == []
    [event] = importing.events(source["id"]).values()
    assert event["title"].startswith("Wieczór gier planszowych") and event["title"].endswith("sąsiadki")
    assert event["starts_at"] == "2027-02-05T18:00:00+01:00" and event["ends_at"] == "2027-02-05T21:00:00+01:00"
    assert event["description"].endswith("rodziny z dziećmi i seniorzy.")
    assert event["url"].startswith("https://gancio.czestochowa.example/event/")
    assert event["location"].startswith("OSL Raków, ul. Łukasińskiego 40")
    [read] = importing.icaljs(event["id"])
    assert read["summary"] == event["title"] and read["start"]["local"] == "2027-02-05T18:00:00"


def test_the_odd_cases_floating_no_dtstamp_same_day_end_duplicate_uid_and_rule_bombs(importing):
    source = importing.register("/odd.ics", fixture("odd.ics"))
    health = importing.pull(source["id"])
    events = importing.events(source["id"])
    assert set(events) == {"Zajęcia bez strefy czasowej", "Dzień otwarty", "Wersja nowa",
                           "Poniedziałkowa świetlica", "Jedno spotkanie z serii"}  # not the bombs, not 2024
    assert health["refresh_seconds"] == 15 * 60  # REFRESH-INTERVAL PT5M, raised to the 15-minute floor
    assert events["Zajęcia bez strefy czasowej"]["starts_at"] == "2027-01-10T10:00:00+01:00"
    day = events["Dzień otwarty"]
    assert (day["all_day"], day["starts_at"], day["ends_at"]) == (True, "2027-03-01", "2027-03-01")
    assert events["Jedno spotkanie z serii"]["starts_at"] == "2027-03-04T17:00:00+01:00"
    warnings = " ".join(health["warnings"])
    for expected in ("floating", "dup@stowarzyszenie.example", "FREQ=SECONDLY", "COUNT=1000000", "BYMONTHDAY=30"):
        assert expected in warnings
    [forever] = importing.icaljs(events["Poniedziałkowa świetlica"]["id"])
    assert local_starts(forever)[:2] == ["2026-12-07T15:00:00", "2026-12-14T15:00:00"]


def test_a_latin2_body_without_a_charset(importing):
    source = importing.register("/latin2.ics", fixture("latin2.ics"), headers={"Content-Type": "text/calendar"})
    health = importing.pull(source["id"])
    [event] = importing.events(source["id"]).values()
    assert event["title"] == "Świetlica: zajęcia dla dzieci, źródła i łąki"
    assert "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ" in event["description"]
    assert any("iso8859_2" in w for w in health["warnings"])


def test_a_second_pull_of_the_same_feed_publishes_nothing_even_with_new_dtstamps(importing):
    source = importing.register("/google.ics", fixture("google.ics"))
    importing.pull(source["id"])
    before = len(outbox(importing.app))
    assert importing.pull(source["id"])["counts"] == {"new": 0, "changed": 0, "cancelled": 0, "unchanged": 3}
    # Google stamps every answer anew: the same content, not even parsed.
    importing.server.routes["/google.ics"].body = fixture("google.ics").replace(b"DTSTAMP:20261130T050000Z",
                                                                                  b"DTSTAMP:20261130T070000Z")
    assert importing.pull(source["id"])["counts"] == {"new": 0, "changed": 0, "cancelled": 0, "unchanged": 3}
    # Other bytes, the same events (a new calendar description, LAST-MODIFIED touched): parsed, compared by hash.
    importing.server.routes["/google.ics"].body = fixture("google.ics").replace(
        b"X-WR-CALDESC:Zaj", b"X-WR-CALDESC:Nowe zaj").replace(b"LAST-MODIFIED:20261120", b"LAST-MODIFIED:20261129")
    assert importing.pull(source["id"])["counts"] == {"new": 0, "changed": 0, "cancelled": 0, "unchanged": 3}
    assert len(outbox(importing.app)) == before


def test_new_defaults_of_a_source_update_its_events(importing):
    source = importing.register("/gancio.ics", fixture("gancio.ics"))
    importing.pull(source["id"])
    changed = importing.client.patch(f"/api/v1/import-sources/{source['id']}", json={"category": "culture"},
                                     headers=importing.world.own)
    assert changed.status_code == 200
    assert importing.pull(source["id"])["counts"]["changed"] == 1
    [event] = importing.events(source["id"]).values()
    assert event["category"] == "culture"


def test_a_changed_event_is_an_update_and_a_vanished_one_is_cancelled_never_deleted(importing):
    source = importing.register("/google.ics", fixture("google.ics"))
    importing.pull(source["id"])
    before = len(outbox(importing.app))
    changed = fixture("google.ics").replace(b"SUMMARY:Doradztwo zawodowe", b"SUMMARY:Doradztwo zawodowe i CV") \
        .replace(b"LOCATION:Park Lisiniec", b"LOCATION:Park Narodowy")
    start = changed.index(b"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE")
    end = changed.index(b"END:VEVENT\r\n", start) + len(b"END:VEVENT\r\n")
    importing.server.routes["/google.ics"].body = changed[:start] + changed[end:]
    health = importing.pull(source["id"])
    assert health["counts"] == {"new": 0, "changed": 2, "cancelled": 1, "unchanged": 0}
    messages = outbox(importing.app)[before:]
    assert sorted(m.type for m in messages) == ["event.cancelled", "event.updated", "event.updated"]
    updated = {m.data["title"]: m.data for m in messages if m.type == "event.updated"}
    assert updated["Doradztwo zawodowe i CV"]["changed_fields"] == ["title"]
    assert updated["Klub Seniora"]["overrides"][0]["location"] == "Park Narodowy"
    events = importing.events(source["id"])
    assert events["Piknik majowy"]["status"] == "cancelled"  # kept, cancelled


@pytest.mark.parametrize("body", [
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20270101T100000Z\r\n",  # cut short
    b"<html><body>Service unavailable</body></html>",
    b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\n" * 50 + b"END:VEVENT\r\n" * 50 + b"END:VCALENDAR\r\n",  # nesting
])
def test_a_feed_not_read_whole_cancels_nothing(importing, body):
    source = importing.register("/google.ics", fixture("google.ics"))
    importing.pull(source["id"])
    before = len(outbox(importing.app))
    importing.server.routes["/google.ics"].body = body
    health = importing.pull(source["id"])
    assert health["status"] == "failed" and "feed" in health["last_error"] and health["failures"] == 1
    assert len(outbox(importing.app)) == before
    assert all(event["status"] == "scheduled" for event in importing.events(source["id"]).values())


def test_too_many_events_and_too_large_a_body_are_refused_whole(importing):
    importing.app.config["IMPORT_MAX_EVENTS"] = 2
    source = importing.register("/google.ics", fixture("google.ics"))
    health = importing.pull(source["id"])
    assert health["status"] == "failed" and "more than 2 events" in health["last_error"]
    importing.app.config["IMPORT_MAX_EVENTS"] = 100
    importing.app.config["IMPORT_MAX_BYTES"] = 1000
    health = importing.pull(source["id"])
    assert health["status"] == "failed" and "at most 1000 are read" in health["last_error"]
    assert importing.events(source["id"]) == {}


def test_a_304_keeps_everything_and_publishes_nothing(importing):
    source = importing.register("/google.ics", fixture("google.ics"), etag='"g1"')
    first = importing.pull(source["id"])
    assert first["etag"] == '"g1"' and first["last_modified"]
    before = len(outbox(importing.app))
    second = importing.pull(source["id"])
    assert second["status"] == "not_modified" and second["counts"]["unchanged"] == 3 and second["etag"] == '"g1"'
    assert importing.server.requests[-1][1]["If-None-Match"] == '"g1"'
    assert len(outbox(importing.app)) == before


def test_a_410_switches_the_source_off(importing):
    source = importing.register("/gone.ics", b"", status=410)
    health = importing.pull(source["id"])
    assert health["status"] == "gone" and health["enabled"] is False and "410" in health["last_error"]
    requests = len(importing.server.requests)
    assert pull(importing.app, source["id"]) == "off" and len(importing.server.requests) == requests


def test_other_errors_back_off_and_after_a_day_the_organisation_is_told_once(importing):
    source = importing.register("/broken.ics", b"oops", status=500)
    health = importing.pull(source["id"])
    assert health["status"] == "failed" and health["failures"] == 1 and health["enabled"] is True
    assert health["next_due_at"] > health["last_fetch_at"]
    assert "import_source.failing" not in outbox_types(importing.app)
    with importing.app.extensions["osl"].database.session() as session:
        session.execute(update(ImportSource).values(failing_since=IMPORT_NOW - timedelta(days=1, minutes=1)))
    importing.pull(source["id"])
    importing.pull(source["id"])
    [told] = [m for m in outbox(importing.app) if m.type == "import_source.failing"]
    assert told.data["organisation_id"] == 100 and told.data["failures"] == 2 and "HTTP 500" in \
        told.data["last_error"]
    importing.server.routes["/broken.ics"] = Route(body=fixture("gancio.ics"))
    health = importing.pull(source["id"])
    assert health["status"] == "ok" and health["failures"] == 0 and health["failing_since"] is None


def test_imported_events_are_changed_only_by_their_calendar_but_may_be_cancelled_here(importing):
    source = importing.register("/google.ics", fixture("google.ics"))
    importing.pull(source["id"])
    club = importing.events(source["id"])["Klub Seniora"]
    client, own = importing.client, importing.world.own
    patched = client.patch(f"/api/v1/events/{club['id']}", json={"title": "Inny"}, headers={**own, "If-Match": "*"})
    assert patched.status_code == 409 and "imported" in patched.json["message"]
    moved = client.put(f"/api/v1/events/{club['id']}/occurrences/2027-03-09T17:00:00", json={"status": "cancelled"},
                       headers={**ADMIN, "If-Match": "*"})
    assert moved.status_code == 409
    other = client.delete(f"/api/v1/events/{club['id']}", headers=importing.world.other)
    assert other.status_code == 403
    cancelled = client.delete(f"/api/v1/events/{club['id']}", headers=own)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    importing.server.routes["/google.ics"].body = fixture("google.ics").replace(b"SUMMARY:Klub Seniora",
                                                                                  b"SUMMARY:Klub Seniora 60+")
    importing.pull(source["id"])
    club = importing.events(source["id"])["Klub Seniora 60+"]
    assert club["status"] == "cancelled"  # the calendar's change came, the cancellation here stayed


def test_loopback_is_refused_when_the_allowance_is_off(importing):
    source = importing.register("/google.ics", fixture("google.ics"))
    importing.app.config["IMPORT_ALLOW_LOOPBACK"] = False
    health = importing.pull(source["id"])
    assert health["status"] == "refused" and importing.server.requests == []


def test_a_moved_calendar_is_followed_and_a_redirect_inside_refused(importing):
    importing.server.routes["/google.ics"] = Route(body=fixture("google.ics"))
    importing.server.routes["/old.ics"] = redirect_to("/google.ics")
    source = importing.register("/old.ics")
    assert importing.pull(source["id"])["counts"]["new"] == 3
    importing.server.routes["/old.ics"] = redirect_to("http://169.254.169.254/latest/meta-data/")
    health = importing.pull(source["id"])
    assert health["status"] == "refused" and "169.254.169.254" in health["last_error"]
    assert all(event["status"] == "scheduled" for event in importing.events(source["id"]).values())


def test_an_organisation_that_needs_review_has_its_imported_events_held_until_approved(importing):
    from sqlalchemy import select

    from services.events import moderation
    from services.events.models import Event, EventReview
    from tests.events.factories import deliver, organisation

    deliver(importing.app, "organisation.updated",
            {**organisation(100, "Fundacja Źródło", "fundacja-zrodlo", version=2), "needs_review": True})
    source = importing.register("/google.ics", fixture("google.ics"))
    before = len(outbox(importing.app))
    assert importing.pull(source["id"])["counts"]["new"] == 3
    assert len(outbox(importing.app)) == before  # no message: no resident is told
    database = importing.app.extensions["osl"].database
    with database.session() as session:
        held = {e.title: e.id for e in session.scalars(select(Event).where(Event.import_source_id == source["id"]))}
        assert sorted(held) == ["Doradztwo zawodowe", "Klub Seniora", "Piknik majowy"]
        assert {session.get(EventReview, i).status for i in held.values()} == {"pending"}
        assert {e.id for e, _review in moderation.queue(session)} == set(held.values())
    assert importing.client.get("/api/v1/events").json == []
    assert "Klub Seniora" not in importing.client.get("/feeds/all.ics").get_data(as_text=True)
    assert importing.client.get(f"/events/{held['Klub Seniora']}").status_code == 404
    # A rejected one, changed in its calendar, waits again, still untold.
    with database.session() as session:
        moderation.reject(session, session.get(Event, held["Doradztwo zawodowe"]), "Brak adresu.")
    importing.server.routes["/google.ics"].body = fixture("google.ics").replace(
        b"SUMMARY:Doradztwo zawodowe", b"SUMMARY:Doradztwo zawodowe i CV")
    assert importing.pull(source["id"])["counts"]["changed"] == 1
    assert len(outbox(importing.app)) == before
    with importing.app.app_context(), database.session() as session:
        assert session.get(EventReview, held["Doradztwo zawodowe"]).status == "pending"
        moderation.approve(session, session.get(Event, held["Klub Seniora"]))
    assert [m.type for m in outbox(importing.app)[before:]] == ["event.published"]
    assert [e["title"] for e in importing.client.get("/api/v1/events").json] == ["Klub Seniora"]
    assert "Klub Seniora" in importing.client.get("/feeds/all.ics").get_data(as_text=True)


def test_a_trusted_organisation_has_its_imported_events_published_at_once(importing):
    source = importing.register("/gancio.ics", fixture("gancio.ics"))
    before = len(outbox(importing.app))
    importing.pull(source["id"])
    assert [m.type for m in outbox(importing.app)[before:]] == ["event.published"]


def test_a_first_import_writes_each_new_event_once_with_its_vevent(importing):
    """A first sync inserts its events with their VEVENT: one INSERT of the events and no UPDATE of them after it
    (5,000 events were 5,000 rows written twice). What is stored and published is what the event renders to."""
    source = importing.register("/outlook.ics", fixture("outlook.ics"))
    with statements(importing.app) as sent:
        health = importing.pull(source["id"])
    assert health["counts"]["new"] == 5
    assert writes_of_events(sent) == {"INSERT INTO": 1, "UPDATE": 0}
    published = {message.data["id"]: message.data for message in outbox(importing.app)
                 if message.type == "event.published"}
    with importing.app.app_context(), importing.app.extensions["osl"].database.session() as session:
        made = session.scalars(select(Event).where(Event.import_source_id == source["id"])).all()
        assert len(made) == 5 and set(published) == {str(event.id) for event in made}
        for event in made:
            assert event.vevent == render_one(session, event) == published[str(event.id)]["ical"]
            assert {**snapshot(session, event), "ical": event.vevent} == published[str(event.id)]
