"""Map links built from a place: OpenStreetMap, with no key, no script and nothing loaded by the page itself, and a
``geo:`` URI (RFC 5870) that a phone opens in its own map app."""

from urllib.parse import quote

from services.ui.naming import city


def osm_url(latitude: float | None, longitude: float | None, address: str | None) -> str | None:
    """The point when its coordinates are known, else a search for the address in the installation's city (added
    when the address does not name it: "ul. Łukasińskiego 40, sala nr 2, Częstochowa"); None when neither is."""
    if latitude is not None and longitude is not None:
        lat, lon = f"{latitude:.5f}", f"{longitude:.5f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    if address:
        return "https://www.openstreetmap.org/search?query=" + quote(_in_city(address))
    return None


def _in_city(address: str) -> str:
    name = city()
    return address if name.casefold() in address.casefold() else f"{address}, {name}"


def geo_url(latitude: float | None, longitude: float | None) -> str | None:
    """``geo:lat,lon`` when the coordinates are known; None otherwise (an address has no standard geo: form, so
    the OpenStreetMap search stands in for it)."""
    if latitude is None or longitude is None:
        return None
    return f"geo:{latitude:.5f},{longitude:.5f}"


def map_links(*places) -> dict[str, str | None]:
    """The map links of the first place (an event, a centre: anything with ``latitude``, ``longitude`` and an
    ``address`` or ``location``) with coordinates: its point on OpenStreetMap and its geo: URI; with none, an
    OpenStreetMap search for the first address given."""
    for place in places:
        if place is not None and place.latitude is not None and place.longitude is not None:
            return {"osm": osm_url(place.latitude, place.longitude, None), "geo": geo_url(place.latitude,
                                                                                          place.longitude)}
    addresses = [getattr(place, "location", None) or getattr(place, "address", None) for place in places if place]
    return {"osm": osm_url(None, None, next((a for a in addresses if a), None)), "geo": None}
