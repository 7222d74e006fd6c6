"""The feed URLs: ``/feeds/...ics`` and ``/events/{id}.ics``. Thin: find the scope, then serve cached bytes."""

import hmac
import math
import time
import uuid

from flask import Blueprint, Response, abort, current_app, request

from services.events.api.errors import field_error
from services.events.feeds.build import Filters, Scope, build_feed, version, window_key
from services.events.ical import CalendarMeta
from services.events.models import (
    AUDIENCES,
    CATEGORIES,
    Centre,
    District,
    Event,
    Organisation,
    Partnership,
    PartnershipFeedToken,
)
from services.events.queries import live
from services.messaging.metrics import FEED_CACHE
from services.messaging.web import request_session
from services.ui.naming import feed_name

blp = Blueprint("feeds", __name__)
MAX_AGE = 300
RECHECK_SECONDS = 1.0


def filters() -> Filters:
    """``audience=`` and ``category=``, each repeatable; an unknown value is a 422 naming the parameter."""
    chosen = {}
    for name, allowed in (("audience", AUDIENCES), ("category", CATEGORIES)):
        values = frozenset(request.args.getlist(name))
        unknown = sorted(values - set(allowed))
        if unknown:
            field_error("query", name, f"unknown value {unknown[0]!r}; use one of {', '.join(allowed)}.")
        chosen[name] = values
    return Filters(audiences=chosen["audience"], categories=chosen["category"])


def _named(model, slug: str, what: str):
    row = live(request_session(), model, slug=slug)
    if row is None:
        abort(404, description=f"No {what} {slug!r}.")
    return row


def _public(where, key: str, name: str | None = None, description: str | None = None) -> Scope:
    meta = CalendarMeta(feed_name(name), description) if description else CalendarMeta(feed_name(name))
    return Scope(key, meta, (Event.visibility == "public", *where))


@blp.get("/feeds/all.ics")
def all_events():
    return serve(lambda: _public((), "all"))


#: The public feed of one place or organiser: its model, what the 404 calls it, the column that ties events to it,
#: and the feed's description.
PLACES = {
    "districts": (District, "district", Event.district_id, "Wydarzenia w dzielnicy {name}"),
    "centres": (Centre, "centre", Event.centre_id, "Wydarzenia: {name}"),
    "organisations": (Organisation, "organisation", Event.organisation_id, "Wydarzenia organizacji {name}"),
}


def _place_feed(folder: str, slug: str):
    model, what, column, description = PLACES[folder]

    def scope():
        row = _named(model, slug, what)
        return _public((column == row.id,), f"{what}:{row.id}", row.name, description.format(name=row.name))

    return serve(scope)


@blp.get("/feeds/districts/<slug>.ics")
def district(slug):
    return _place_feed("districts", slug)


@blp.get("/feeds/centres/<slug>.ics")
def centre(slug):
    return _place_feed("centres", slug)


@blp.get("/feeds/organisations/<slug>.ics")
def organisation(slug):
    return _place_feed("organisations", slug)


@blp.get("/feeds/partnerships/<int:partnership_id>.ics")
def partnership(partnership_id):
    """Private: the partnership's public and partnership-only events, for whoever holds the token."""
    def scope():
        session = request_session()
        row = live(session, Partnership, id=partnership_id)
        token = session.get(PartnershipFeedToken, partnership_id)
        if row is None or token is None or not token.matches(request.args.get("token")):
            abort(404, description=f"No feed for partnership {partnership_id} with this token.")
        return Scope(f"partnership:{row.id}", CalendarMeta(feed_name(row.name), row.name),
                     (Event.partnership_id == row.id,))

    return serve(scope, private=True)


@blp.get("/events/<uuid:event_id>.ics")
def single_event(event_id: uuid.UUID):
    def scope():
        event = request_session().get(Event, event_id)
        if event is None or event.visibility != "public":
            abort(404, description=f"No event {event_id}.")
        return Scope(f"event:{event.id}", CalendarMeta(feed_name(event.title)), event_id=event.id)

    return serve(scope, chosen=Filters())


def serve(find_scope, private: bool = False, chosen: Filters | None = None) -> Response:
    """The feed's cached bytes, or 304; built first when its version changed.

    The version is asked of the database at most every ``FEED_RECHECK_SECONDS`` (default 1) per URL and worker;
    in between, the same URL (token included) gets the cached bytes without a query. The caching gateway in front
    (deploy/nginx) is itself that per-URL memory for public feeds: what it asks, the app asks of the database (see
    ``for_the_gateway``).
    """
    chosen = filters() if chosen is None else chosen
    cache = current_app.extensions["events_feed_cache"]
    window = window_key(current_app.config)
    address = (request.path, tuple(sorted(request.args.items(multi=True))), window)
    recheck = float(current_app.config.get("FEED_RECHECK_SECONDS", RECHECK_SECONDS))
    # The gateway keeps no private feed: for those, its requests are any reader's.
    entry = None if from_the_gateway() and not private else cache.recent(address, recheck)
    result = "recent"
    if entry is None:
        scope = find_scope()
        session = request_session()
        key, current = (scope.key, chosen.key(), window), version(session, scope)
        entry, result = cache.get(key, current), "hit"
        if entry is None:
            body = build_feed(session, scope, chosen, current_app.config, day=window[0])
            # The latest change among the scope's events: of a superset of the feed's, so never too old.
            entry, result = cache.put(key, current, body, last_modified=current[2]), "miss"
        cache.checked(address, entry)
    FEED_CACHE.labels(result).inc()
    return _response(entry, private)


#: What the gateway's feed cache (deploy/nginx/osl.conf.template) sets on the requests it sends for a feed: the
#: secret it shares with this app, ``FEED_CACHE_TOKEN``.
GATEWAY_HEADER = "X-OSL-Feed-Cache"


def from_the_gateway() -> bool:
    """Whether the caching gateway asks: the header holds ``FEED_CACHE_TOKEN``, compared in constant time.

    Anyone reaching the app another way (its own port, the Kubernetes Ingress) can send the header; without the
    token it is any reader's request. With no token set, no request is the gateway's."""
    expected = current_app.config.get("FEED_CACHE_TOKEN") or ""
    sent = request.headers.get(GATEWAY_HEADER) or ""
    return bool(expected) and bool(sent) and hmac.compare_digest(sent.encode(), expected.encode())


def for_the_gateway(response: Response, private: bool) -> Response:
    """How long the caching gateway may keep this answer, built from the database just now: ``X-Accel-Expires``,
    which nginx takes before Cache-Control and never passes on.

    nginx counts whole seconds and keeps an answer through the second it expires in, so the answer is kept up to
    the last whole second before ``FEED_RECHECK_SECONDS`` from now (``@`` and a Unix time): a change reaches the
    gateway's readers within that time. When no such second is left (a recheck time shorter than what remains of
    this one), or private, or asked by anyone but the gateway: ``0``, not kept at all.
    """
    recheck = float(current_app.config.get("FEED_RECHECK_SECONDS", RECHECK_SECONDS))
    now = time.time()
    until = math.floor(now + recheck) - 1
    keep = not private and from_the_gateway() and until >= math.floor(now)
    response.headers["X-Accel-Expires"] = f"@{until}" if keep else "0"
    return response


def _response(entry, private: bool) -> Response:
    gzipped = request.accept_encodings["gzip"] > 0
    response = Response(entry.gzipped if gzipped else entry.body, content_type="text/calendar; charset=utf-8")
    if gzipped:
        response.content_encoding = "gzip"
    response.vary.add("Accept-Encoding")
    # One weak ETag for both encodings: the same calendar, whichever way it travels.
    response.set_etag(entry.etag, weak=True)
    response.last_modified = entry.last_modified
    if private:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    for_the_gateway(response, private)
    response.cache_control.max_age = MAX_AGE
    return response.make_conditional(request)
