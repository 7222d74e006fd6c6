"""One rule for whose records a caller may change (services/messaging/web.py acts_for): MOPS every organisation's,
an organisation its own, and nobody but MOPS what no organisation owns. Events, imports, room bookings, registrations
and roll calls all ask it."""

from services.events.auth import Caller as EventsCaller
from services.events.models import Organisation
from services.messaging.web import KeyCaller, acts_for


def test_mops_acts_for_everyone_an_organisation_for_its_own_only():
    assert acts_for(KeyCaller(is_admin=True), 5) and acts_for(KeyCaller(is_admin=True), None)
    assert acts_for(KeyCaller(is_admin=False, organisation_id=5), 5)
    assert not acts_for(KeyCaller(is_admin=False, organisation_id=5), 6)
    assert not acts_for(KeyCaller(is_admin=False, organisation_id=None), None)  # owned by nobody: MOPS's
    assert not acts_for(KeyCaller(is_admin=False, organisation_id=5), None)


def test_events_callers_answer_the_same_as_every_services():
    own = EventsCaller(is_admin=False, organisation=Organisation(id=5, name="Fundacja", slug="fundacja"))
    assert own.organisation_id == 5 and acts_for(own, 5) and not acts_for(own, 6)
    assert EventsCaller(is_admin=True).organisation_id is None and acts_for(EventsCaller(is_admin=True), 6)
