"""Moderation: an organisation MOPS marked as needing review has its events withheld (no feed, no page, no message,
so no resident is told) until an admin approves them; a rejected one goes back with the reason."""

from sqlalchemy import select

from services.events.models import Event, EventReview
from services.events.models import OutboxMessage as EventsOutbox
from services.messaging.staff import COOKIE
from tests.partners.helpers import make_centre, make_district, with_etag
from tests.staff.conftest import ADMIN, csrf_of, signed_in_admin
from tests.staff.test_event_pages import _form, _signed_in_editor


def _world(staff):
    """An editor of an organisation that needs review, and an admin, both signed in on events."""
    make_district(staff.client)
    make_centre(staff.client)
    organisation = staff.organisation()
    url = f"/api/v1/organisations/{organisation}"
    marked = staff.client.patch(url, headers=with_etag(staff.client, url), json={"needs_review": True})
    assert marked.status_code == 200 and marked.get_json()["needs_review"] is True
    changed = staff.client.patch(url, headers=with_etag(staff.client, url), json={"phone": "34 000 00 00"})
    assert changed.get_json()["needs_review"] is True  # a change of another field keeps it
    _account, editor_cookie = staff.editor(organisation_id=organisation)
    _client, admin_cookie = signed_in_admin(staff)
    staff.forward()
    editor, admin = staff.events.test_client(), staff.events.test_client()
    editor.set_cookie(COOKIE, editor_cookie)
    admin.set_cookie(COOKIE, admin_cookie)
    return editor, admin


def _event_messages(staff) -> list[str]:
    with staff.events.extensions["osl"].database.session() as session:
        return list(session.scalars(select(EventsOutbox.type).order_by(EventsOutbox.seq)))


def _post(client, **changes):
    token = csrf_of(client, "/staff/events/new")
    response = client.post("/staff/events/new", data={**_form(**changes), "save": "1", "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return token


def test_an_event_waits_for_review_and_is_published_when_approved(staff):
    editor, admin = _world(staff)
    token = _post(editor)
    with staff.events.extensions["osl"].database.session() as session:
        event = session.scalars(select(Event)).one()
        event_id = event.id
        assert event.visibility == "review" and session.get(EventReview, event_id).status == "pending"
    assert _event_messages(staff) == []  # nobody hears of it yet
    public = staff.events.test_client()
    assert public.get("/api/v1/events").get_json() == []
    assert public.get(f"/events/{event_id}").status_code == 404
    assert "Klub szachowy" not in public.get("/feeds/all.ics").get_data(as_text=True)
    assert "oczekuje na" in editor.get("/staff/events/").get_data(as_text=True)
    assert editor.get("/staff/events/review").status_code == 403
    queue = admin.get("/staff/events/review").get_data(as_text=True)
    assert "Klub szachowy" in queue
    approved = admin.post(f"/staff/events/{event_id}/approve", data={"csrf_token": csrf_of(admin, "/staff/events/new")})
    assert approved.status_code == 303
    assert _event_messages(staff) == ["event.published"]
    assert [e["title"] for e in public.get("/api/v1/events").get_json()] == ["Klub szachowy"]
    assert "Klub szachowy" in public.get("/feeds/districts/ostatni-grosz.ics").get_data(as_text=True)
    history = public.get("/api/v1/history/", headers=ADMIN).get_json()
    assert history[0]["type"] == "event.published" and history[0]["actor"] == "account:2"
    assert token


def test_a_rejected_event_goes_back_with_the_reason_and_a_change_sends_it_again(staff):
    editor, admin = _world(staff)
    token = _post(editor)
    with staff.events.extensions["osl"].database.session() as session:
        event_id, version = session.execute(select(Event.id, Event.version)).one()
    admin_token = csrf_of(admin, "/staff/events/new")
    assert admin.post(f"/staff/events/{event_id}/reject", data={"csrf_token": admin_token}).status_code == 422
    assert admin.post(f"/staff/events/{event_id}/reject", data={
        "reason": "Proszę podać adres sali.", "csrf_token": admin_token}).status_code == 303
    assert "Proszę podać adres sali." in editor.get("/staff/events/").get_data(as_text=True)
    assert "Klub szachowy" not in admin.get("/staff/events/review").get_data(as_text=True)
    assert admin.post(f"/staff/events/{event_id}/approve", data={"csrf_token": admin_token}).status_code == 422
    editor.post(f"/staff/events/{event_id}", data={**_form(description="Sala 12, parter."), "version": str(version),
                                                   "save": "1", "csrf_token": token})
    assert "Klub szachowy" in admin.get("/staff/events/review").get_data(as_text=True)
    assert _event_messages(staff) == []


def test_a_trusted_organisation_publishes_at_once(staff):
    _post(_signed_in_editor(staff))
    assert _event_messages(staff) == ["event.published"]


def test_a_withheld_event_cancelled_leaves_the_queue_and_cannot_be_approved(staff):
    editor, admin = _world(staff)
    token = _post(editor)
    with staff.events.extensions["osl"].database.session() as session:
        event_id, version = session.execute(select(Event.id, Event.version)).one()
    assert editor.post(f"/staff/events/{event_id}/cancel", data={"csrf_token": token, "confirm": "1",
                                                                 "version": str(version)}).status_code == 303
    assert "Klub szachowy" not in admin.get("/staff/events/review").get_data(as_text=True)
    approved = admin.post(f"/staff/events/{event_id}/approve", data={"csrf_token": csrf_of(admin, "/staff/events/new")})
    assert approved.status_code == 422
    with staff.events.extensions["osl"].database.session() as session:
        event = session.get(Event, event_id)
        assert (event.status, event.visibility) == ("cancelled", "review")
        assert session.get(EventReview, event_id) is None  # no stale "pending" left behind
    assert _event_messages(staff) == []  # nobody hears of a cancelled event nobody ever saw
    public = staff.events.test_client()
    assert public.get("/api/v1/events").get_json() == []
    # Put back (here by an admin, with the API): it waits for review again, not withheld with no way out.
    url = f"/api/v1/events/{event_id}"
    restored = public.patch(url, json={"status": "scheduled"}, headers=with_etag(public, url))
    assert restored.status_code == 200, restored.get_json()
    assert "Klub szachowy" in admin.get("/staff/events/review").get_data(as_text=True)
    assert _event_messages(staff) == []


def test_an_admin_who_changes_a_rejected_event_puts_it_back_in_the_queue_and_a_pending_one_keeps_its_place(staff):
    """MOPS may fix what it sent back itself: the event then waits for review again, where it can be approved (only
    a pending event can be). Before, it stayed "sent back" with the old reason and no admin could approve it: stuck
    until its organisation changed it. A pending event an admin changes stays in the queue, in its place."""
    editor, admin = _world(staff)
    _post(editor)
    _post(editor, title="Klub brydżowy")
    with staff.events.extensions["osl"].database.session() as session:
        chess, bridge = (session.scalars(select(Event.id).where(Event.title == title)).one()
                         for title in ("Klub szachowy", "Klub brydżowy"))
        waiting_since = session.get(EventReview, bridge).submitted_at
    admin_token = csrf_of(admin, "/staff/events/new")
    assert admin.post(f"/staff/events/{chess}/reject", data={
        "reason": "Proszę podać adres sali.", "csrf_token": admin_token}).status_code == 303
    api = staff.events.test_client()
    for event_id, description in ((chess, "Sala 12, parter."), (bridge, "Co środę.")):
        url = f"/api/v1/events/{event_id}"
        changed = api.patch(url, json={"description": description}, headers=with_etag(api, url))
        assert changed.status_code == 200, changed.get_json()
    with staff.events.extensions["osl"].database.session() as session:
        assert (session.get(EventReview, chess).status, session.get(EventReview, chess).reason) == ("pending", None)
        assert session.get(EventReview, bridge).submitted_at == waiting_since  # kept its place
    queue = admin.get("/staff/events/review").get_data(as_text=True)
    assert queue.index("Klub brydżowy") < queue.index("Klub szachowy")
    assert "Proszę podać adres sali." not in editor.get("/staff/events/").get_data(as_text=True)
    assert admin.post(f"/staff/events/{chess}/approve", data={"csrf_token": admin_token}).status_code == 303
    assert _event_messages(staff) == ["event.published"]


def test_a_change_that_changes_nothing_leaves_a_rejected_event_sent_back_with_its_reason(staff):
    """Saving a sent-back event unchanged (the organisation's form, an admin's PATCH with the same values) answers
    nothing MOPS asked: it stays sent back with the reason, out of the queue. Before, it went back to the queue and
    the reason was cleared; a pending one lost its place in the queue the same way."""
    editor, admin = _world(staff)
    token = _post(editor)
    with staff.events.extensions["osl"].database.session() as session:
        event_id, version = session.execute(select(Event.id, Event.version)).one()
    admin_token = csrf_of(admin, "/staff/events/new")
    assert admin.post(f"/staff/events/{event_id}/reject", data={
        "reason": "Proszę podać adres sali.", "csrf_token": admin_token}).status_code == 303
    saved = editor.post(f"/staff/events/{event_id}", data={**_form(), "version": str(version), "save": "1",
                                                           "csrf_token": token})
    assert saved.status_code in (200, 303), saved.get_data(as_text=True)
    api = staff.events.test_client()
    url = f"/api/v1/events/{event_id}"
    same = api.patch(url, json={"title": "Klub szachowy"}, headers=with_etag(api, url))
    assert same.status_code == 200, same.get_json()
    with staff.events.extensions["osl"].database.session() as session:
        review = session.get(EventReview, event_id)
        assert (review.status, review.reason) == ("rejected", "Proszę podać adres sali.")
        assert session.get(Event, event_id).version == version
    assert "Klub szachowy" not in admin.get("/staff/events/review").get_data(as_text=True)
    assert "Proszę podać adres sali." in editor.get("/staff/events/").get_data(as_text=True)
