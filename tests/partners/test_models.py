"""The tables: the migrations match the models on both databases, and times come back aware in UTC."""

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from services.partners.models import Base, Meeting, Membership
from services.partners.operations import (
    add_member,
    create_district,
    create_organisation,
    create_partnership,
    plan_meeting,
)


def test_the_migrations_match_the_models(partners):
    with partners.app.extensions["osl"].database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_times_and_json_survive_the_round_trip(partners):
    database = partners.app.extensions["osl"].database
    with database.session() as session:
        create_district(session, "Dźbów")
        partnership = create_partnership(session, {"name": "Partnerstwo Dźbów", "district_slug": "dzbow"})
        organisation = create_organisation(session, {"name": "Koło Gospodyń Wiejskich", "kind": "informal_group"})
        add_member(session, partnership, {"organisation_id": organisation.id,
                                          "potential": [{"kind": "ideas", "description": "Żurek na festynie"}]})
        plan_meeting(session, partnership, {"title": "Spotkanie", "starts_at": datetime(2025, 3, 30, 1, 30),
                                            "ends_at": datetime(2025, 3, 30, 4, 0)})
    with database.session() as session:
        meeting = session.scalars(select(Meeting)).one()
        # 01:30 CET is 00:30 UTC; 04:00 CEST (after the clocks go forward) is 02:00 UTC.
        assert meeting.starts_at == datetime(2025, 3, 30, 0, 30, tzinfo=UTC)
        assert meeting.ends_at == datetime(2025, 3, 30, 2, 0, tzinfo=UTC)
        assert meeting.snapshot()["ends_at"] == "2025-03-30T04:00:00+02:00"
        membership = session.scalars(select(Membership)).one()
        assert membership.potential == [{"kind": "ideas", "description": "Żurek na festynie"}]
