"""A slug partners makes or accepts fits every table that stores it: partners' own and the events replica."""

import pytest

from services.events import models as events_models
from services.events.api.import_sources import ImportSourceInSchema
from services.events.rooms.schemas import BookingInSchema, FreeSlotQuerySchema
from services.events.schemas import EventInSchema, EventQuerySchema
from services.messaging.dead_letters import list_dead_letters
from services.messaging.models import DISTRICT_SLUG_LENGTH, SLUG_LENGTH
from services.messaging.testing import running, wait_until
from services.partners import models as partners_models
from services.partners.operations import make_slug
from services.partners.schemas import CentreSchema, DistrictSchema, OrganisationSchema
from services.partners.schemas.partnerships import MeetingSchema, PartnershipListArgs, PartnershipSchema
from services.partners.schemas.rooms import RoomListArgs, RoomSchema
from tests.messaging.helpers import events_worker, field_bound, inbox_count, length_bound
from tests.partners.helpers import ADMIN, created, make_centre, make_district, make_partnership

#: 200 characters, Polish letters and all: the longest name partners takes for an organisation.
LONG_NAME = ("Stowarzyszenie Przyjaciół Dzielnicy Raków i Okolic „Żółty Żuraw” na rzecz Seniorów, Dzieci, "
             "Młodzieży oraz Wszystkich Mieszkańców Częstochowy, "
             "działające przy Ośrodku Społeczności Lokalnej nr 10 Raków")


def _length(model, column: str) -> int:
    return model.__table__.c[column].type.length


def _schema_bound(schema_class) -> int:
    return length_bound(schema_class(), "slug")


@pytest.mark.parametrize(("schema", "name", "field"), [(OrganisationSchema, "Organisation", "organisation"),
                                                       (CentreSchema, "Centre", "centre"),
                                                       (DistrictSchema, "District", "district")])
def test_the_slug_bound_is_the_same_in_the_schema_and_both_services_columns(schema, name, field):
    bound = _schema_bound(schema)
    assert _length(getattr(partners_models, name), "slug") == bound
    assert _length(getattr(events_models, name), "slug") == bound
    # The events API names it by its slug: a filter and an event's input take the longest.
    assert EventQuerySchema().fields[field].validators[0].max == bound
    assert EventInSchema().fields[field].validators[0].max == bound
    # The longest name makes a slug the columns hold, even where letters grow when made ASCII ("ß" -> "ss").
    longest = schema().fields["name"].validators[0].max
    assert len(make_slug("ß" * longest, max_length=bound)) <= bound


@pytest.mark.parametrize(("schema", "field"), [
    (BookingInSchema, "organisation"), (FreeSlotQuerySchema, "centre"), (ImportSourceInSchema, "organisation"),
    (ImportSourceInSchema, "centre"), (RoomSchema, "centre"), (RoomListArgs, "centre"), (PartnershipSchema, "centre"),
    (MeetingSchema, "centre")])
def test_an_input_names_a_centre_or_an_organisation_by_a_slug_of_any_length(schema, field):
    assert length_bound(schema(), field) == _schema_bound(OrganisationSchema) == _schema_bound(CentreSchema)


def _district_slug_inputs() -> dict:
    from services.notify.schemas import PreferencesSchema
    from services.programme.schemas import ParticipantInSchema

    return {"events import source": ImportSourceInSchema().fields["district"],
            "notify preferences": PreferencesSchema().fields["districts"].inner,
            "programme participant": ParticipantInSchema().fields["district"],
            "partners centre": CentreSchema().fields["district"],
            "partners partnership": PartnershipSchema().fields["district"],
            "partners list filter": PartnershipListArgs().fields["district"]}


def test_an_input_names_a_district_by_a_slug_of_any_length():
    inputs = _district_slug_inputs()
    assert _schema_bound(DistrictSchema) == DISTRICT_SLUG_LENGTH
    assert {name: field_bound(field) for name, field in inputs.items()} == dict.fromkeys(inputs, DISTRICT_SLUG_LENGTH)


def test_a_centre_is_named_by_its_longest_slug_where_partners_places_a_room_a_partnership_or_a_meeting(partners_app):
    client = partners_app.test_client()
    make_district(client)
    slug = "a" * SLUG_LENGTH
    make_centre(client, slug=slug)
    room = created(client.post("/api/v1/rooms/", json={"centre": slug, "name": "Sala duża"}, headers=ADMIN))
    assert room["centre"] == slug
    assert [found["name"] for found in client.get("/api/v1/rooms/", query_string={"centre": slug}).json] == [
        "Sala duża"]
    partnership = make_partnership(client, centre=slug)
    meeting = created(client.post(f"/api/v1/partnerships/{partnership['id']}/meetings/", json={
        "title": "Spotkanie", "starts_at": "2027-10-30T17:00:00", "ends_at": "2027-10-30T19:00:00", "centre": slug},
        headers=ADMIN))
    assert (partnership["centre"], meeting["centre"]) == (slug, slug)
    too_long = client.post("/api/v1/rooms/", json={"centre": slug + "a", "name": "Sala mała"}, headers=ADMIN)
    assert too_long.status_code == 422 and "centre" in too_long.json["errors"]["json"]


def test_a_200_character_name_travels_from_partners_to_events(partners_app, events_app):
    assert len(LONG_NAME) == 200
    client = partners_app.test_client()
    response = client.post("/api/v1/organisations/", json={"name": LONG_NAME, "kind": "ngo"}, headers=ADMIN)
    assert response.status_code == 201, response.json
    made = response.json
    assert 100 < len(made["slug"]) <= 200
    worker = events_worker(events_app)
    with running(partners_app.extensions["osl"].relay()), running(worker):
        wait_until(lambda: inbox_count(events_app) == 1, message="the organisation replicated")
    with events_app.extensions["osl"].database.session() as session:
        copy = session.get(events_models.Organisation, made["id"])
        assert (copy.name, copy.slug) == (LONG_NAME, made["slug"])
    assert list_dead_letters(events_app.extensions["osl"].bus, "events") == []


def test_a_slug_longer_than_the_columns_is_refused_naming_the_field(partners_app):
    client = partners_app.test_client()
    too_long = client.post("/api/v1/organisations/", json={"name": "Fundacja", "slug": "a" * 201, "kind": "ngo"},
                           headers=ADMIN)
    assert too_long.status_code == 422
    assert "slug" in too_long.json["errors"]["json"]
    longest = client.post("/api/v1/organisations/", json={"name": "Fundacja", "slug": "a" * 200, "kind": "ngo"},
                          headers=ADMIN)
    assert longest.status_code == 201


def _consumers_slug_columns():
    from services.notify import models as notify_models
    from services.programme import models as programme_models

    return {"district": [events_models.District.slug, notify_models.District.slug, programme_models.District.slug],
            "centre": [events_models.Centre.slug],
            "organisation": [events_models.Organisation.slug, notify_models.Organisation.slug]}


@pytest.mark.parametrize(("record", "snapshot"), [
    ("district", {"id": 1, "version": 1, "name": "Raków"}),
    ("centre", {"id": 1, "version": 1, "name": "OSL Raków", "kind": "osl", "district_id": 1}),
    ("organisation", {"id": 1, "version": 1, "name": "Fundacja", "kind": "ngo"})])
def test_a_partners_message_refuses_a_slug_longer_than_a_consumers_column(record, snapshot):
    """The message schema bounds each slug as the columns of every consumer that stores it: a longer one is a bad
    message (dead-lettered as such), never a database error in a consumer's transaction."""
    from services.messaging.registry import InvalidMessage, validate

    [bound] = {column.type.length for column in _consumers_slug_columns()[record]}
    assert bound == _schema_bound({"district": DistrictSchema, "centre": CentreSchema,
                                   "organisation": OrganisationSchema}[record])
    for action in ("created", "updated", "deleted"):
        assert validate(f"{record}.{action}", {**snapshot, "slug": "a" * bound})["slug"] == "a" * bound
        with pytest.raises(InvalidMessage, match="slug"):
            validate(f"{record}.{action}", {**snapshot, "slug": "a" * (bound + 1)})
    with pytest.raises(InvalidMessage, match="slug"):
        validate(f"{record}.created", {**snapshot, "slug": "a" * 201})
