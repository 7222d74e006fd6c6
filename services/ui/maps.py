"""Map links built from a place: OpenStreetMap, with no key, no script and nothing loaded by the page itself."""

from urllib.parse import quote


def osm_url(latitude: float | None, longitude: float | None, address: str | None) -> str | None:
    """The point when its coordinates are known, else a search for the address; None when neither is."""
    if latitude is not None and longitude is not None:
        lat, lon = f"{latitude:.5f}", f"{longitude:.5f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    if address:
        return "https://www.openstreetmap.org/search?query=" + quote(address)
    return None
