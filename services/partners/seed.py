"""The data the source texts name, loaded by ``python -m services.partners seed``. Loading twice changes nothing.

Only what the city's original Polish texts about the Local Partnerships and centres say is loaded; a field the texts do
not give is left empty.
"""

from sqlalchemy import select

from services.partners.models import Agreement, Centre, District, Organisation, Partnership
from services.partners.operations import (
    create_centre,
    create_organisation,
    create_partnership,
    ensure_district,
    sign_agreement,
)
from services.partners.operations.contacts import publish_contacts_never_sent

#: Częstochowa's 20 districts (shared/domain.md).
DISTRICTS = (
    "Błeszno", "Częstochówka-Parkitka", "Dźbów", "Gnaszyn-Kawodrza", "Grabówka", "Kiedrzyn", "Lisiniec", "Mirów",
    "Ostatni Grosz", "Podjasnogórska", "Północ", "Raków", "Stare Miasto", "Stradom", "Śródmieście",
    "Trzech Wieszczów", "Tysiąclecie", "Wrzosowiak", "Wyczerpy-Aniołów", "Zawodzie-Dąbie",
)

#: The municipal social-welfare centre, named as the DOSL text names it; the texts give no contacts.
MOPS = {"name": "Miejski Ośrodek Pomocy Społecznej w Częstochowie", "slug": "mops", "kind": "municipal"}

#: OSL centres and the year each started: Raków in 2012; Stare Miasto "later" (no year); the other four from 2016.
#: Since 2016 NGOs the texts do not name run the OSL work, so no operator is set.
OSL_CENTRES = (("Raków", 2012), ("Stare Miasto", None), ("Stradom", 2016), ("Trzech Wieszczów", 2016),
               ("Zawodzie-Dąbie", 2016), ("Ostatni Grosz", 2016))

#: DOSL centres MOPS runs; the project "Częstochowa silna dzielnicami" started on 02.04.2018.
DOSL_DISTRICTS = ("Podjasnogórska", "Ostatni Grosz", "Błeszno", "Dźbów", "Grabówka", "Północ", "Lisiniec")
DOSL_STARTED = 2018

#: Partnerships signed at the Forum of 30 October at the City Hall; the texts give no year, so no signed_on.
FORUM_PARTNERSHIPS = ("Ostatni Grosz", "Trzech Wieszczów")
FORUM_SIGNING = "Podpisane na Forum 30 października w Urzędzie Miasta Częstochowy (rok nie podany w źródle)"


def _district(session, name: str) -> District:
    return session.scalar(select(District).where(District.name == name))


def _ensure_mops(session) -> tuple[Organisation, bool]:
    existing = session.scalar(select(Organisation).where(Organisation.name == MOPS["name"]))
    if existing is not None:
        return existing, False
    return create_organisation(session, dict(MOPS)), True


def _ensure_centre(session, kind: str, district_name: str, operator_id, started_year) -> bool:
    name = f"{kind.upper()} {district_name}"
    if session.scalar(select(Centre.id).where(Centre.name == name)) is not None:
        return False
    create_centre(session, {"name": name, "kind": kind, "district_slug": _district(session, district_name).slug,
                            "operator_id": operator_id, "started_year": started_year})
    return True


def _ensure_partnership(session, district_name: str) -> tuple[int, int]:
    name = f"Partnerstwo Lokalne {district_name}"
    partnership = session.scalar(select(Partnership).where(Partnership.name == name))
    created = partnership is None
    if created:
        partnership = create_partnership(session, {"name": name, "status": "active",
                                                   "district_slug": _district(session, district_name).slug})
    if session.scalar(select(Agreement.id).where(Agreement.partnership_id == partnership.id)) is not None:
        return int(created), 0
    sign_agreement(session, partnership, {"document_ref": FORUM_SIGNING})
    return int(created), 1


def seed(session) -> dict[str, int]:
    """Create whatever of the seed data is missing, and send notify the member contacts of partnerships it never had;
    returns how many records were created (or lists sent), by kind."""
    created = {"districts": sum(ensure_district(session, name)[1] for name in DISTRICTS)}
    mops, created["organisations"] = _ensure_mops(session)
    created["organisations"] = int(created["organisations"])
    created["centres"] = sum(_ensure_centre(session, "osl", name, None, year) for name, year in OSL_CENTRES)
    created["centres"] += sum(_ensure_centre(session, "dosl", name, mops.id, DOSL_STARTED) for name in DOSL_DISTRICTS)
    results = [_ensure_partnership(session, name) for name in FORUM_PARTNERSHIPS]
    created["partnerships"] = sum(result[0] for result in results)
    created["agreements"] = sum(result[1] for result in results)
    created["member contact lists sent to notify"] = publish_contacts_never_sent(session)
    return created
