"""The links that add a feed to a calendar app in one click."""

from urllib.parse import quote, urlencode


def subscribe_links(https_url: str, name: str | None = None) -> dict[str, str]:
    """``https``, ``webcal``, ``google`` (add by URL) and ``outlook`` (add from web) links to the feed."""
    if not https_url.startswith(("https://", "http://")):
        raise ValueError(f"a feed URL must start with https:// or http://, not {https_url!r}")
    webcal = "webcal://" + https_url.split("://", 1)[1]
    outlook = {"url": https_url, **({"name": name} if name else {})}
    return {
        "https": https_url,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=""),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?" + urlencode(outlook, quote_via=quote),
    }
