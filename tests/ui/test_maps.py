"""Map links: a search names the installation's city (``OSL_CITY``) unless the address does, so OpenStreetMap does
not search the whole world; a known point is still preferred."""

from types import SimpleNamespace
from urllib.parse import quote

import pytest

from services.ui.maps import map_links, osm_url

SEARCH = "https://www.openstreetmap.org/search?query="


def test_an_address_without_the_city_is_searched_in_the_installations_city():
    assert osm_url(None, None, "ul. Łukasińskiego 40, sala nr 2") == \
        SEARCH + quote("ul. Łukasińskiego 40, sala nr 2, Częstochowa")


@pytest.mark.parametrize("address", ["ul. Łukasińskiego 40, Częstochowa", "ul. Łukasińskiego 40, 42-207 Częstochowa",
                                     "ul. Łukasińskiego 40, CZĘSTOCHOWA"])
def test_an_address_that_names_the_city_is_searched_as_it_is(address):
    assert osm_url(None, None, address) == SEARCH + quote(address)


def test_the_city_is_a_setting(monkeypatch):
    monkeypatch.setenv("OSL_CITY", "Kraków")
    assert osm_url(None, None, "ul. Floriańska 1") == SEARCH + quote("ul. Floriańska 1, Kraków")


def test_a_known_point_is_preferred_and_nothing_known_is_no_link():
    assert osm_url(50.79, 19.14, "ul. Łukasińskiego 40, sala nr 2") == \
        "https://www.openstreetmap.org/?mlat=50.79000&mlon=19.14000#map=17/50.79000/19.14000"
    assert osm_url(None, None, None) is None and osm_url(None, None, "") is None


def test_map_links_search_an_events_room_in_the_city():
    event = SimpleNamespace(latitude=None, longitude=None, location="ul. Łukasińskiego 40, sala nr 2")
    centre = SimpleNamespace(latitude=None, longitude=None, address="ul. Łukasińskiego 40, Częstochowa")
    assert map_links(event, centre) == {"osm": SEARCH + quote("ul. Łukasińskiego 40, sala nr 2, Częstochowa"),
                                        "geo": None}
