"""Where the other services live, for links between them: ``PARTNERS_URL``, ``EVENTS_URL``, ``NOTIFY_URL``,
``PROGRAMME_URL``.

Each comes from the app's config, else from ``PARTNERS_BASE_URL``/``EVENTS_BASE_URL``/``NOTIFY_BASE_URL``/
``PROGRAMME_BASE_URL`` (the variables the deploy files set), else the address ``make run`` uses. Behind the gateway
all are one origin (partners under /partners/, programme under /programme/).
"""

import os

from flask import Flask

DEFAULTS = {"PARTNERS_URL": "http://127.0.0.1:8001", "EVENTS_URL": "http://127.0.0.1:8002",
            "NOTIFY_URL": "http://127.0.0.1:8003", "PROGRAMME_URL": "http://127.0.0.1:8004"}


def init_links(app: Flask) -> None:
    for key, default in DEFAULTS.items():
        app.config.setdefault(key, os.environ.get(key.replace("_URL", "_BASE_URL")) or default)

    @app.context_processor
    def _service_urls():
        return {"service_url": lambda name: app.config[f"{name.upper()}_URL"].rstrip("/"),
                "staff_url": lambda path="/staff/": staff_url(app.config, path)}


def staff_url(config, path: str = "/staff/") -> str:
    """Where staff pages are, for links, mails and redirects from any service: ``STAFF_URL`` (else the variable
    ``STAFF_BASE_URL``: behind the gateway its origin, where every staff page is under /staff/), else partners' own
    address (``make run``: partners serves /staff/ itself)."""
    base = (config.get("STAFF_URL") or os.environ.get("STAFF_BASE_URL") or config.get("PARTNERS_URL")
            or DEFAULTS["PARTNERS_URL"])
    return base.rstrip("/") + path


def registration_form_url(config, event_id) -> str:
    """Where residents register for an event: notify's form (under the gateway, on the one origin)."""
    return f"{(config.get('NOTIFY_URL') or DEFAULTS['NOTIFY_URL']).rstrip('/')}/registrations/events/{event_id}"


def partnership_page_url(config, partnership_id: int) -> str:
    """A Local Partnership's public page on partners: where a link to one of its meetings leads (the meeting itself
    has no public page)."""
    return f"{(config.get('PARTNERS_URL') or DEFAULTS['PARTNERS_URL']).rstrip('/')}/partnerships/{partnership_id}"
