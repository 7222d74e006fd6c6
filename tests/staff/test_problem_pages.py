"""Every staff page that refuses, or cannot find what its address names, answers with the one problem page
(services/ui/templates/ui/problem.html): what did not work, in Polish, and a way back to the service's staff home."""

import uuid

from tests.staff.conftest import csrf_of
from tests.staff.test_moderation import _world

ONLY_ADMINS = "To może zrobić tylko pracownik MOPS (administrator)."


def test_an_editor_is_refused_the_review_queue_history_and_decisions_on_events_staff_pages(staff):
    editor, _admin = _world(staff)
    token = csrf_of(editor, "/staff/events/new")
    for answer in (editor.get("/staff/events/review"), editor.get("/staff/events/history"),
                   editor.post(f"/staff/events/{uuid.uuid4()}/approve", data={"csrf_token": token})):
        html = answer.get_data(as_text=True)
        assert (answer.status_code, answer.headers["Cache-Control"]) == (403, "no-store")
        assert ONLY_ADMINS in html and "To się nie udało" in html and "Nasze wydarzenia" in html


def test_an_admin_deciding_on_an_unknown_event_is_told_it_is_not_there(staff):
    _editor, admin = _world(staff)
    token = csrf_of(admin, "/staff/events/new")
    answer = admin.post(f"/staff/events/{uuid.uuid4()}/approve", data={"csrf_token": token})
    assert answer.status_code == 404 and "Nie ma takiego wydarzenia." in answer.get_data(as_text=True)
