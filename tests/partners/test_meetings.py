"""Partner meetings: Europe/Warsaw times, a centre or an address, planned → held or cancelled, private minutes."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.calendar.times import aware, today
from services.partners.models import Meeting
from tests.partners.helpers import ADMIN, bearer


def test_a_time_without_offset_is_warsaw_time_in_winter_and_summer():
    assert aware(datetime(2025, 1, 15, 17, 0)) == datetime(2025, 1, 15, 16, 0, tzinfo=UTC)
    assert aware(datetime(2025, 7, 15, 17, 0)) == datetime(2025, 7, 15, 15, 0, tzinfo=UTC)


def test_plan_hold_and_cancel_publish_planned_updated_cancelled(partners):
    client = partners.client
    partnership, _, _ = partners.partnership_with_coordinator()
    partners.make_centre()
    url = f"/api/v1/partnerships/{partnership['id']}/meetings/"
    planned = client.post(url, json={"title": "Spotkanie partnerskie — jesień", "agenda": "Piknik sąsiedzki",
                                     "starts_at": "2025-10-30T17:00:00", "ends_at": "2025-10-30T19:00:00",
                                     "centre": "osl-ostatni-grosz"}, headers=ADMIN)
    assert planned.status_code == 201, planned.json
    assert planned.json["starts_at"] == "2025-10-30T17:00:00+01:00" and planned.json["status"] == "planned"
    with partners.session() as session:
        stored = session.scalars(select(Meeting)).one()
        assert stored.starts_at == datetime(2025, 10, 30, 16, 0, tzinfo=UTC)
    item = f"{url}{planned.json['id']}"
    moved = client.patch(item, json={"address": "ul. Łódzka 1"}, headers=partners.with_etag(item))
    assert moved.status_code == 200 and moved.json["centre"] is None and moved.json["address"] == "ul. Łódzka 1"
    held = client.patch(item, json={"status": "held", "minutes": "Ustalono termin pikniku."},
                        headers=partners.with_etag(item))
    assert held.status_code == 200
    cancelled = client.post(url, json={"title": "Zimowe", "starts_at": "2026-01-10T10:00:00+01:00",
                                       "ends_at": "2026-01-10T12:00:00+01:00"}, headers=ADMIN).json
    cancel_url = f"{url}{cancelled['id']}"
    assert client.patch(cancel_url, json={"status": "cancelled"},
                        headers=partners.with_etag(cancel_url)).status_code == 200
    assert client.patch(cancel_url, json={"status": "cancelled"},
                        headers=partners.with_etag(cancel_url)).json["version"] == 2
    messages = [m for m in partners.outbox() if m.type.startswith("meeting.")]
    assert [m.type for m in messages] == ["meeting.planned", "meeting.updated", "meeting.updated", "meeting.planned",
                                          "meeting.cancelled"]
    assert messages[0].data["starts_at"] == "2025-10-30T17:00:00+01:00"
    assert messages[0].data["agenda"] == "Piknik sąsiedzki"
    assert all("minutes" not in m.data for m in messages)
    assert [m["title"] for m in client.get(f"{url}?status=planned", headers=ADMIN).json] == []
    assert len(client.get(f"{url}?status=held", headers=ADMIN).json) == 1


def test_bad_times_and_places_name_the_field(partners):
    client = partners.client
    partnership, _, _ = partners.partnership_with_coordinator()
    partners.make_centre()
    url = f"/api/v1/partnerships/{partnership['id']}/meetings/"
    base = {"title": "Spotkanie", "starts_at": "2025-10-30T17:00:00", "ends_at": "2025-10-30T19:00:00"}
    for changes, field in [({"ends_at": "2025-10-30T16:00:00"}, "ends_at"), ({"ends_at": "jutro"}, "ends_at"),
                           ({"centre": "nowhere"}, "centre"), ({"status": "postponed"}, "status"),
                           ({"centre": "osl-ostatni-grosz", "address": "ul. Jasna 1"}, "address"),
                           ({"title": ""}, "title"),
                           # 02:30 on the night the clocks go forward is no Warsaw time (not 03:30 silently)
                           ({"starts_at": "2027-03-28T02:30:00", "ends_at": "2027-03-28T04:00:00"}, "starts_at")]:
        response = client.post(url, json={**base, **changes}, headers=ADMIN)
        assert response.status_code == 422, changes
        assert field in response.json["errors"]["json"], response.json
    assert response.json["errors"]["json"]["starts_at"] == [
        "This time does not exist in Warsaw: the clocks go forward then."]
    assert not [t for t in partners.outbox_types() if t.startswith("meeting.")]


def test_the_coordinator_key_may_plan_a_member_key_may_read_minutes_stay_private(partners):
    client = partners.client
    partnership, _, coordinator_key = partners.partnership_with_coordinator()
    member = partners.make_organisation("Biblioteka Publiczna, Filia 5", kind="library")
    partners.add_member(partnership["id"], organisation_id=member["id"])
    member_key = partners.issue_key(member["id"])["key"]
    outsider_key = partners.issue_key(partners.make_organisation("Firma Żuk", kind="business")["id"])["key"]
    url = f"/api/v1/partnerships/{partnership['id']}/meetings/"
    body = {"title": "Spotkanie", "starts_at": "2025-10-30T17:00:00", "ends_at": "2025-10-30T19:00:00"}
    assert client.post(url, json=body, headers=bearer(member_key)).status_code == 403
    planned = client.post(url, json=body, headers=bearer(coordinator_key))
    assert planned.status_code == 201
    item = f"{url}{planned.json['id']}"
    minuted = client.patch(item, json={"minutes": "Protokół: ustalono dyżury."},
                           headers=partners.with_etag(item, bearer(coordinator_key)))
    assert minuted.status_code == 200 and minuted.json["minutes"] == "Protokół: ustalono dyżury."
    assert client.get(item).status_code == 401
    assert client.get(item, headers=bearer(outsider_key)).status_code == 403
    as_member = client.get(item, headers=bearer(member_key))
    assert as_member.status_code == 200 and "minutes" not in as_member.json
    assert client.get(item, headers=bearer(coordinator_key)).json["minutes"].startswith("Protokół")
    assert client.get(url, headers=ADMIN).json[0]["minutes"].startswith("Protokół")


@pytest.mark.parametrize("dates, may_read", [
    ({"left_on": -1}, False), ({"left_on": 0}, False), ({"left_on": 1}, True),
    ({"joined_on": 1}, False), ({"joined_on": 0}, True),
], ids=["left yesterday", "leaves today", "leaves tomorrow", "joins tomorrow", "joined today"])
def test_a_member_reads_the_meetings_while_current_by_the_one_rule(partners, dates, may_read):
    """The calendar core's membership rule, not "no left_on": a member who leaves tomorrow still reads the meetings,
    one who joins tomorrow does not yet."""
    partnership, _, _ = partners.partnership_with_coordinator()
    member = partners.make_organisation("Biblioteka Publiczna, Filia 5", kind="library")
    partners.add_member(partnership["id"], organisation_id=member["id"],
                        **{name: (today() + timedelta(days=offset)).isoformat() for name, offset in dates.items()})
    key = partners.issue_key(member["id"])["key"]
    answer = partners.client.get(f"/api/v1/partnerships/{partnership['id']}/meetings/", headers=bearer(key))
    assert answer.status_code == (200 if may_read else 403), answer.json


def _cancelled_meeting(partners) -> tuple[str, dict]:
    """A meeting at a room of the centre, cancelled through the API: (its URL, its record)."""
    partnership, _, _ = partners.partnership_with_coordinator()
    partners.make_centre()
    room = partners.client.post("/api/v1/rooms/", json={"centre": "osl-ostatni-grosz", "name": "Sala duża"},
                                headers=ADMIN).json
    url = f"/api/v1/partnerships/{partnership['id']}/meetings/"
    planned = partners.client.post(url, json={"title": "Spotkanie", "starts_at": "2027-03-09T17:00:00",
                                              "ends_at": "2027-03-09T19:00:00", "centre": "osl-ostatni-grosz"},
                                   headers=ADMIN).json
    item = f"{url}{planned['id']}"
    cancelled = partners.client.patch(item, json={"status": "cancelled"}, headers=partners.with_etag(item))
    assert cancelled.status_code == 200, cancelled.json
    return item, {**cancelled.json, "room": room}


@pytest.mark.parametrize("change", [
    {"title": "Spotkanie przeniesione"}, {"starts_at": "2027-03-10T17:00:00", "ends_at": "2027-03-10T19:00:00"},
    {"centre": None, "address": "ul. Łódzka 1"}, "room", {"agenda": "Nowy porządek"}, {"status": "planned"},
    {"minutes": "Protokół"},
], ids=["title", "time", "place", "room", "agenda", "planned again", "minutes"])
def test_a_cancelled_meeting_refuses_changes_with_409_and_publishes_nothing(partners, change):
    """The staff page shows a cancelled meeting read-only; the API refuses its changes the same way (409, as the
    other state conflicts: a withdrawn agreement), saying it is cancelled."""
    item, meeting = _cancelled_meeting(partners)
    change = {"room_id": meeting["room"]["id"]} if change == "room" else change
    sent = len(partners.outbox())
    refused = partners.client.patch(item, json=change, headers=partners.with_etag(item))
    assert refused.status_code == 409, refused.json
    assert "cancelled" in refused.json["message"]
    replaced = partners.client.put(item, json={"title": "Spotkanie", "starts_at": "2027-03-09T17:00:00",
                                               "ends_at": "2027-03-09T19:00:00", "centre": "osl-ostatni-grosz",
                                               "status": "cancelled", **change},
                                   headers=partners.with_etag(item))
    assert replaced.status_code == 409, replaced.json
    shown = partners.client.get(item, headers=ADMIN).json
    assert (shown["status"], shown["version"], shown["title"]) == ("cancelled", meeting["version"], "Spotkanie")
    assert len(partners.outbox()) == sent


def test_cancelling_a_cancelled_meeting_again_changes_nothing(partners):
    """Re-cancelling is a no-op, not a refusal: what was asked holds already (as the page's question, which goes
    straight back for a cancelled meeting); no version, no message."""
    item, meeting = _cancelled_meeting(partners)
    sent = len(partners.outbox())
    again = partners.client.patch(item, json={"status": "cancelled"}, headers=partners.with_etag(item))
    assert (again.status_code, again.json["version"]) == (200, meeting["version"])
    same = partners.client.put(item, json={"title": "Spotkanie", "starts_at": "2027-03-09T17:00:00",
                                           "ends_at": "2027-03-09T19:00:00", "centre": "osl-ostatni-grosz",
                                           "status": "cancelled"}, headers=partners.with_etag(item))
    assert (same.status_code, same.json["version"]) == (200, meeting["version"]), same.json
    assert len(partners.outbox()) == sent


def test_cancelling_honours_if_match_like_every_other_change(partners):
    """Cancelling is PATCH status=cancelled: a cancel sent from a stale view (an old ETag) is 412 and one without
    If-Match 428; the meeting stays planned, nothing is published."""
    partnership, _, _ = partners.partnership_with_coordinator()
    url = f"/api/v1/partnerships/{partnership['id']}/meetings/"
    planned = partners.client.post(url, json={"title": "Spotkanie", "starts_at": "2027-03-09T17:00:00",
                                              "ends_at": "2027-03-09T19:00:00"}, headers=ADMIN).json
    item = f"{url}{planned['id']}"
    stale = partners.with_etag(item)
    assert partners.client.patch(item, json={"title": "Spotkanie o pikniku"},
                                 headers=partners.with_etag(item)).status_code == 200
    sent = len(partners.outbox())
    assert partners.client.patch(item, json={"status": "cancelled"}, headers=stale).status_code == 412
    assert partners.client.patch(item, json={"status": "cancelled"}, headers=ADMIN).status_code == 428
    assert partners.client.get(item, headers=ADMIN).json["status"] == "planned"
    assert len(partners.outbox()) == sent
