"""``GET /api/v1/feeds``: the public feeds, each with its one-click subscribe links."""

from urllib.parse import urlencode

from flask import current_app, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from services.events.ical import subscribe_links
from services.events.models import AUDIENCES, CATEGORIES, Centre, District, Organisation, Room
from services.messaging.http_guards import Blueprint
from services.messaging.web import request_session
from services.ui.naming import feed_name, polish_sorted

blp = Blueprint("feeds_api", __name__, url_prefix="/api/v1/feeds",
                description="iCal feeds to subscribe to in Google Calendar, Outlook, Apple Calendar or Thunderbird.")
KINDS = (("district", District, "districts"), ("centre", Centre, "centres"),
         ("organisation", Organisation, "organisations"))


class FeedQuerySchema(Schema):
    audience = fields.List(fields.String(validate=validate.OneOf(AUDIENCES)), load_default=list,
                           metadata={"description": "Only events for these audiences (repeat the parameter)."})
    category = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), load_default=list,
                           metadata={"description": "Only events of these categories (repeat the parameter)."})


class LinksSchema(Schema):
    https = fields.String(metadata={"description": "The feed itself."})
    webcal = fields.String(metadata={"description": "Opens the system's calendar app (Apple Calendar, Outlook)."})
    google = fields.String(metadata={"description": "Google Calendar: add by URL."})
    outlook = fields.String(metadata={"description": "Outlook on the web: add from web."})


class FeedSchema(Schema):
    kind = fields.String(metadata={"description": "all, district, centre, organisation or room"})
    slug = fields.String(allow_none=True)
    name = fields.String()
    url = fields.String()
    links = fields.Nested(LinksSchema)


def _base() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or request.url_root).rstrip("/")


def _feed(kind: str, slug: str | None, name: str, path: str, query: str) -> dict:
    url = f"{_base()}{path}" + (f"?{query}" if query else "")
    return {"kind": kind, "slug": slug, "name": name, "url": url, "links": subscribe_links(url, name)}


def _room_feeds(session) -> list[dict]:
    """Each room's bookings (public activities by title, the rest as "zajęte"); filters do not apply to them."""
    from services.events.rooms.feeds import room_title

    rooms = session.scalars(select(Room).where(Room.deleted_at.is_(None)).order_by(Room.centre_id, Room.id))
    return [_feed("room", str(room.id), feed_name(room_title(session, room)), f"/feeds/rooms/{room.id}.ics", "")
            for room in rooms]


@blp.route("")
class Feeds(MethodView):
    @blp.arguments(FeedQuerySchema, location="query")
    @blp.response(200, FeedSchema(many=True))
    def get(self, args):
        """The public feeds (all events, each district, centre and organisation) with subscribe links

        The filters given here are carried into every feed URL. A partnership's private feed URL comes from
        ``GET /api/v1/partnerships/{id}/feed-token``.
        """
        query = urlencode([("audience", a) for a in args["audience"]] + [("category", c) for c in args["category"]])
        feeds = [_feed("all", None, feed_name(), "/feeds/all.ics", query)]
        session = request_session()
        for kind, model, folder in KINDS:
            rows = polish_sorted(session.scalars(select(model).where(model.deleted_at.is_(None))))
            feeds += [_feed(kind, row.slug, feed_name(row.name), f"/feeds/{folder}/{row.slug}.ics", query)
                      for row in rows]
        return feeds + _room_feeds(session)
