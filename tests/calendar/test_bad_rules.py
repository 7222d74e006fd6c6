"""One bad repeat rule must never stop the city's mail or hang a page (issue "hostile and careless input", item 1).

The worst rules are refused with a 422 naming ``rrule``; a series stored before rules were checked is quarantined
(shown at its first date only) and neither the pages, the feeds nor notify's scheduler and sender are held up by it.
Before the calendar core, ``FREQ=DAILY;INTERVAL=0`` made the sender loop for ever and a never-matching rule made the
home page take 8-24 s; here each test has a one-minute limit, far above what the answers take.
"""

import pytest
from sqlalchemy import update

from services.events.models import Event
from tests.events.factories import ADMIN, event_body, seed

WORST = ["FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=SECONDLY", "FREQ=MINUTELY",
         "FREQ=HOURLY;INTERVAL=1", "FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=15", "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=9",
         "FREQ=YEARLY;BYMONTH=2;BYDAY=5MO", "FREQ=WEEKLY;COUNT=100000", "FREQ=DAILY;BYYEARDAY=366",
         "FREQ=WEEKLY;INTERVAL=-1", "FREQ=WEEKLY;DTSTART=20260101T000000", "FREQ=DAILY;UNTIL=20270101;COUNT=3"]


@pytest.mark.parametrize("rule", WORST)
def test_the_worst_rules_are_refused_naming_the_rule(events_app, rule):
    seed(events_app)
    response = events_app.test_client().post("/api/v1/events", json=event_body(organisation="fundacja-zrodlo",
                                                                               rrule=rule), headers=ADMIN)
    assert response.status_code == 422, response.json
    assert "rrule" in str(response.json["errors"]), response.json


def test_a_rule_that_ends_before_the_event_starts_is_refused_naming_the_rule(events_app):
    seed(events_app)
    body = event_body(organisation="fundacja-zrodlo", starts_at="2026-12-01T17:00:00", ends_at="2026-12-01T19:00:00",
                      rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20261101T235959")
    response = events_app.test_client().post("/api/v1/events", json=body, headers=ADMIN)
    assert response.status_code == 422, response.json
    assert "UNTIL" in " ".join(response.json["errors"]["json"]["rrule"]), response.json


STORED = ("FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=MINUTELY")


@pytest.mark.timeout(60)
def test_pages_and_feeds_answer_with_series_stored_before_rules_were_checked(events_app):
    seed(events_app)
    client = events_app.test_client()
    ids = []
    for n, rule in enumerate((*STORED, "FREQ=WEEKLY;BYDAY=TU")):
        body = event_body(organisation="fundacja-zrodlo", title=f"Seria {n}", starts_at="2016-03-01T17:00:00",
                          ends_at="2016-03-01T19:00:00", rrule="FREQ=WEEKLY;BYDAY=TU")
        ids.append(client.post("/api/v1/events", json=body, headers=ADMIN).json["id"])
        with events_app.extensions["osl"].database.session() as session:  # as a row written before the checks
            session.execute(update(Event).where(Event.id == Event.id.type.python_type(ids[-1]))
                            .values(rrule=rule, vevent=None))
    paths = ["/", "/?from=2199-12-01", "/districts/rakow", "/centres/osl-rakow", "/organisations/fundacja-zrodlo",
             "/feeds/all.ics", "/feeds/districts/rakow.ics", "/feeds/centres/osl-rakow.ics",
             "/feeds/organisations/fundacja-zrodlo.ics", *(f"/events/{i}" for i in ids),
             *(f"/events/{i}.ics" for i in ids)]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    feed = client.get("/feeds/all.ics").get_data(as_text=True)
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU" in feed  # the good series keeps its rule
    assert all(f"RRULE:{rule}" not in feed for rule in STORED)  # the quarantined show their first date only


def test_an_answer_over_its_time_budget_is_a_503_and_the_next_one_is_served(events_app, caplog):
    seed(events_app)
    client = events_app.test_client()
    body = event_body(organisation="fundacja-zrodlo", starts_at="2016-03-01T17:00:00", ends_at="2016-03-01T19:00:00",
                      rrule="FREQ=WEEKLY;BYDAY=TU")
    assert client.post("/api/v1/events", json=body, headers=ADMIN).status_code == 201
    events_app.config["ANSWER_SECONDS"] = 1e-9  # every expansion is over budget
    response = client.get("/")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert not any(record.exc_info for record in caplog.records)  # one line, no traceback
    events_app.config["ANSWER_SECONDS"] = 10
    assert client.get("/").status_code == 200
