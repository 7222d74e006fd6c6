"""Where the other services live, for links between them: ``PARTNERS_URL``, ``EVENTS_URL``, ``NOTIFY_URL``,
``PROGRAMME_URL``.

Each comes from the app's config, else from ``PARTNERS_BASE_URL``/``EVENTS_BASE_URL``/``NOTIFY_BASE_URL``/
``PROGRAMME_BASE_URL`` (the variables the deploy files set), else the address ``make run`` uses. Behind the gateway
all are one origin (partners under /partners/, programme under /programme/).
"""

import os
from urllib.parse import unquote, urlencode, urlsplit

from flask import Flask, request

DEFAULTS = {"PARTNERS_URL": "http://127.0.0.1:8001", "EVENTS_URL": "http://127.0.0.1:8002",
            "NOTIFY_URL": "http://127.0.0.1:8003", "PROGRAMME_URL": "http://127.0.0.1:8004"}


def init_links(app: Flask) -> None:
    for key, default in DEFAULTS.items():
        app.config.setdefault(key, os.environ.get(key.replace("_URL", "_BASE_URL")) or default)

    @app.context_processor
    def _service_urls():
        return {"service_url": lambda name: app.config[f"{name.upper()}_URL"].rstrip("/"),
                "staff_url": lambda path="/staff/": staff_url(app.config, path)}


def service_base(config, key: str) -> str:
    """The address of the service ``key`` names (``NOTIFY_URL``…) in ``config``, else where ``make run`` has it."""
    return (config.get(key) or DEFAULTS[key]).rstrip("/")


def staff_url(config, path: str = "/staff/") -> str:
    """Where staff pages are, for links, mails and redirects from any service: ``STAFF_URL`` (else the variable
    ``STAFF_BASE_URL``: behind the gateway its origin, where every staff page is under /staff/), else partners' own
    address (``make run``: partners serves /staff/ itself)."""
    base = (config.get("STAFF_URL") or os.environ.get("STAFF_BASE_URL") or config.get("PARTNERS_URL")
            or DEFAULTS["PARTNERS_URL"])
    return base.rstrip("/") + path


def sign_in_url(config, back: str | None = None) -> str:
    """The staff sign-in page (at partners, where ``staff_url`` says), which returns to ``back`` once signed in."""
    url = staff_url(config, "/staff/sign-in")
    return f"{url}?{urlencode({'next': back})}" if back else url


def this_page(base: str) -> str | None:
    """The page of this GET request at its service's public address ``base`` (its ``*_URL``, or ``staff_url``'s
    for partners' staff pages): where signing in returns to. None for a form sent (POST): no page to return to."""
    if request.method not in ("GET", "HEAD"):
        return None
    query = request.query_string.decode("utf-8", "replace")
    return base.rstrip("/") + request.path + (f"?{query}" if query else "")


#: The longest address signing in returns to.
LONGEST_PAGE = 2000


def known_page(config, target: str | None) -> str | None:
    """``target`` when it is a page of one of the four services (an http(s) address under ``PARTNERS_URL``,
    ``EVENTS_URL``, ``NOTIFY_URL``, ``PROGRAMME_URL`` or the staff pages' address, with the same scheme, host and
    port, and under the base's path), else None: the one rule of where signing in may send a browser, so that the
    sign-in page is no open redirect (another host, ``//host``, ``javascript:``, backslashes, user info, dot
    segments, control characters are all refused)."""
    if not target or len(target) > LONGEST_PAGE or "\\" in target or not target.isprintable():
        return None
    try:
        page = urlsplit(target)
        page.port  # noqa: B018  (a bad port raises)
    except ValueError:
        return None
    segments = unquote(page.path).split("/")
    if page.scheme not in ("http", "https") or page.username is not None or page.password is not None \
            or "\\" in unquote(page.path) or {".", ".."} & set(segments):
        return None
    for base in _service_bases(config):
        site = urlsplit(base)
        prefix = site.path.rstrip("/")
        if (page.scheme, page.netloc.lower()) == (site.scheme, site.netloc.lower()) and (
                page.path == prefix or page.path.startswith(f"{prefix}/")):
            return target
    return None


def _service_bases(config) -> list[str]:
    return [service_base(config, key) for key in DEFAULTS] + [staff_url(config, "")]


def registration_form_url(config, event_id) -> str:
    """Where residents register for an event: notify's form (under the gateway, on the one origin)."""
    return f"{service_base(config, 'NOTIFY_URL')}/registrations/events/{event_id}"


def partnership_page_url(config, partnership_id: int) -> str:
    """A Local Partnership's public page on partners: where a link to one of its meetings leads (the meeting itself
    has no public page)."""
    return f"{service_base(config, 'PARTNERS_URL')}/partnerships/{partnership_id}"
