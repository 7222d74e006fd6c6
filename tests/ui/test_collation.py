"""One Polish alphabetical order (services/ui/naming.py) on every listing: Stradom, Śródmieście, Trzech Wieszczów."""

import pytest

from services.notify.models import District as NotifyDistrict
from services.ui.naming import polish_key, polish_sorted
from tests.events.factories import as_json, centre, deliver, district
from tests.partners.helpers import make_centre, make_district

#: The city's 20 districts in Polish alphabetical order, as a dictionary lists them.
DISTRICTS = ["Błeszno", "Częstochówka-Parkitka", "Dźbów", "Gnaszyn-Kawodrza", "Grabówka", "Kiedrzyn", "Lisiniec",
             "Mirów", "Ostatni Grosz", "Podjasnogórska", "Północ", "Raków", "Stare Miasto", "Stradom", "Śródmieście",
             "Trzech Wieszczów", "Tysiąclecie", "Wrzosowiak", "Wyczerpy-Aniołów", "Zawodzie-Dąbie"]
#: Shuffled by code point, which puts Śródmieście last: what the pages did.
SHUFFLED = sorted(DISTRICTS)
SAMPLE = ["Trzech Wieszczów", "Śródmieście", "Stradom", "Stare Miasto", "Łódzka", "Lisiniec"]
EXPECTED = ["Lisiniec", "Łódzka", "Stare Miasto", "Stradom", "Śródmieście", "Trzech Wieszczów"]


def test_the_key_puts_each_accented_letter_after_its_base_letter():
    assert SHUFFLED != DISTRICTS
    assert sorted(SHUFFLED, key=polish_key) == DISTRICTS
    assert polish_sorted(SAMPLE, attribute=None) == EXPECTED
    assert polish_sorted(["żaba", "Zebra", "źródło", "Ćma", "czapla", "Ala", "ala"], attribute=None) == [
        "Ala", "ala", "czapla", "Ćma", "Zebra", "źródło", "żaba"]
    assert polish_sorted(["Dom 10", "Dom 2", "Dom"], attribute=None) == ["Dom", "Dom 10", "Dom 2"]


def _order(text: str, names) -> list[str]:
    """``names`` in the order they first appear in ``text`` from ``start`` on."""
    return sorted(names, key=text.index)


def _after(text: str, marker: str) -> str:
    return text[text.index(marker):]


def test_events_home_page_district_page_and_feed_list(events_app):
    for number, name in enumerate(SAMPLE, start=1):
        deliver(events_app, "district.created", district(number, name, f"d{number}"))
        deliver(events_app, "centre.created", centre(number, f"OSL {name}", f"c{number}", 1))
    client = events_app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert _order(_after(home, 'id="filter-district"'), SAMPLE) == EXPECTED  # the district filter
    assert _order(_after(home, 'href="/districts/'), SAMPLE) == EXPECTED  # the list of districts
    district_page = client.get("/districts/d1").get_data(as_text=True)
    centres = [f"OSL {name}" for name in SAMPLE]
    assert _order(district_page, centres) == [f"OSL {name}" for name in EXPECTED]
    feeds = as_json(client.get("/api/v1/feeds"))
    assert [feed["name"].split(": ", 1)[1] for feed in feeds if feed["kind"] == "district"] == EXPECTED
    assert [feed["name"].split(": ", 1)[1] for feed in feeds if feed["kind"] == "centre"] == [
        f"OSL {name}" for name in EXPECTED]


def test_partners_directory_and_api(partners_app):
    client = partners_app.test_client()
    for name in SAMPLE:
        make_district(client, name)
    made = as_json(client.get("/api/v1/districts/"))
    for row in made:
        make_centre(client, district=row["slug"], name=f"OSL {row['name']}")
    assert [row["name"] for row in as_json(client.get("/api/v1/districts/"))] == EXPECTED
    assert [row["name"] for row in as_json(client.get("/api/v1/centres/"))] == [f"OSL {name}" for name in EXPECTED]
    page = client.get("/").get_data(as_text=True)
    index = page[page.index('class="district-index"'):]
    assert _order(index, SAMPLE) == EXPECTED
    sections = _after(page, "<h2 ")
    assert _order(sections, [f">{name}</h2>" for name in SAMPLE]) == [f">{name}</h2>" for name in EXPECTED]


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_sign_up_page(notify_app, lang):
    with notify_app.extensions["osl"].database.session() as session:
        for number, name in enumerate(SAMPLE, start=1):
            session.add(NotifyDistrict(id=number, name=name, slug=f"d{number}", version=1))
    page = notify_app.test_client().get(f"/subscribe?lang={lang}").get_data(as_text=True)
    assert _order(page, SAMPLE) == EXPECTED
