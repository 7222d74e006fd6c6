"""The data the source texts name, loaded by ``python -m services.partners seed``. Loading twice changes nothing."""

from services.partners.operations import ensure_district

#: Częstochowa's 20 districts (shared/domain.md).
DISTRICTS = (
    "Błeszno", "Częstochówka-Parkitka", "Dźbów", "Gnaszyn-Kawodrza", "Grabówka", "Kiedrzyn", "Lisiniec", "Mirów",
    "Ostatni Grosz", "Podjasnogórska", "Północ", "Raków", "Stare Miasto", "Stradom", "Śródmieście",
    "Trzech Wieszczów", "Tysiąclecie", "Wrzosowiak", "Wyczerpy-Aniołów", "Zawodzie-Dąbie",
)


def seed(session) -> dict[str, int]:
    """Create whatever of the seed data is missing; returns how many records were created, by kind."""
    created = sum(ensure_district(session, name)[1] for name in DISTRICTS)
    return {"districts": created}
