"""The events service's HTTP API (flask-smorest): events, the private feed tokens of partnerships, and the
organisations' calendars imported."""

from flask_smorest import Api

from services.events.api.events import blp as events_blp
from services.events.api.feed_tokens import blp as feed_tokens_blp
from services.events.api.import_sources import blp as import_sources_blp


def register(api: Api) -> None:
    api.register_blueprint(events_blp)
    api.register_blueprint(feed_tokens_blp)
    api.register_blueprint(import_sources_blp)
