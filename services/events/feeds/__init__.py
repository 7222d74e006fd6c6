"""The events service's iCal feeds: ``/feeds/...ics``, ``/events/{id}.ics`` and ``GET /api/v1/feeds``."""

from flask import Flask
from flask_smorest import Api

from services.events.feeds.cache import FeedCache


def register_feeds(app: Flask, api: Api) -> None:
    from services.events.feeds import api as feeds_api
    from services.events.feeds import views
    from services.events.rooms import feeds as room_feeds

    app.extensions["events_feed_cache"] = FeedCache()
    app.register_blueprint(views.blp)
    app.register_blueprint(room_feeds.blp)
    api.register_blueprint(feeds_api.blp)
