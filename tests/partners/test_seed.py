"""The seed loads what the source texts name, and only that; a second run changes nothing and publishes nothing."""

from sqlalchemy import select

from services.partners import operations
from services.partners.models import Partnership
from services.partners.seed import DISTRICTS, seed


def _seed(app) -> dict:
    with app.extensions["osl"].database.session() as session:
        return seed(session)


def _everything(client) -> dict:
    lists = {}
    for name in ("districts", "centres", "organisations", "partnerships"):
        response = client.get(f"/api/v1/{name}/?page_size=100")
        assert response.status_code == 200
        lists[name] = response.json
    lists["agreements"] = [client.get(f"/api/v1/partnerships/{p['id']}/agreements/").json
                           for p in lists["partnerships"]]
    return lists


def test_a_second_run_changes_nothing(partners):
    assert _seed(partners.app) == {"districts": 20, "organisations": 1, "centres": 13, "partnerships": 2,
                                   "agreements": 2, "member contact lists sent to notify": 0}
    client = partners.client
    first, messages = _everything(client), len(partners.outbox())
    assert messages == 20 + 1 + 13 + 2 + 2
    assert _seed(partners.app) == {"districts": 0, "organisations": 0, "centres": 0, "partnerships": 0,
                                   "agreements": 0, "member contact lists sent to notify": 0}
    assert _everything(client) == first
    assert len(partners.outbox()) == messages


def test_it_sends_notify_the_member_contacts_of_a_partnership_made_before_them_once(partners):
    """An installation upgraded from before member contacts: its partnerships' lists go once, when seed runs."""
    _seed(partners.app)
    with partners.session() as session:
        partnership = session.scalar(select(Partnership).where(Partnership.name.like("%Ostatni Grosz")))
        organisation = operations.create_organisation(session, {"name": "Fundacja Wcześniej", "kind": "ngo",
                                                                "email": "biuro@wczesniej.example.org"})
        operations.add_member(session, partnership, {"organisation_id": organisation.id})
        partnership.contacts_version = 0  # as the migration leaves it
    assert _seed(partners.app)["member contact lists sent to notify"] == 1
    assert _seed(partners.app)["member contact lists sent to notify"] == 0
    sent = [m.data for m in partners.outbox() if m.type == "member_contacts.replaced"]
    assert sent[-1]["contacts"] == [{"membership_id": sent[-1]["contacts"][0]["membership_id"],
                                     "email": "biuro@wczesniej.example.org"}]


def test_it_loads_what_the_texts_say_and_leaves_the_rest_empty(partners):
    _seed(partners.app)
    data = _everything(partners.app.test_client())
    assert sorted(d["name"] for d in data["districts"]) == sorted(DISTRICTS)
    [mops] = data["organisations"]
    assert mops["name"] == "Miejski Ośrodek Pomocy Społecznej w Częstochowie" and mops["kind"] == "municipal"
    assert (mops["email"], mops["phone"], mops["website"], mops["krs"]) == (None, None, None, None)

    centres = {c["slug"]: c for c in data["centres"]}
    osl = {slug: c for slug, c in centres.items() if c["kind"] == "osl"}
    assert sorted(osl) == ["osl-ostatni-grosz", "osl-rakow", "osl-stare-miasto", "osl-stradom",
                           "osl-trzech-wieszczow", "osl-zawodzie-dabie"]
    assert osl["osl-rakow"]["started_year"] == 2012 and osl["osl-stare-miasto"]["started_year"] is None
    assert {c["started_year"] for slug, c in osl.items() if slug not in ("osl-rakow", "osl-stare-miasto")} == {2016}
    assert all(c["operator_id"] is None for c in osl.values())
    dosl = {slug: c for slug, c in centres.items() if c["kind"] == "dosl"}
    assert sorted(dosl) == ["dosl-bleszno", "dosl-dzbow", "dosl-grabowka", "dosl-lisiniec", "dosl-ostatni-grosz",
                            "dosl-podjasnogorska", "dosl-polnoc"]
    assert {(c["operator_id"], c["started_year"]) for c in dosl.values()} == {(mops["id"], 2018)}
    assert centres["dosl-bleszno"]["name"] == "DOSL Błeszno"
    assert all(c["address"] is None and c["email"] is None for c in centres.values())

    partnerships = {p["district"]: p for p in data["partnerships"]}
    assert sorted(partnerships) == ["ostatni-grosz", "trzech-wieszczow"]
    assert {p["status"] for p in partnerships.values()} == {"active"}
    for agreements in data["agreements"]:
        [agreement] = agreements
        assert agreement["signed_on"] is None and agreement["signatory_ids"] == []
        assert "30 października" in agreement["document_ref"] and "Urzędzie Miasta" in agreement["document_ref"]
    for partnership in partnerships.values():
        members = partners.app.test_client().get(f"/api/v1/partnerships/{partnership['id']}/members/")
        assert members.json == []
    assert set(partners.outbox_types()) == {"district.created", "organisation.created", "centre.created",
                                            "partnership.created", "agreement.signed"}


def test_the_seed_command_runs(partners):
    result = partners.app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "13 new centres" in result.output
