"""The secret URL of a partnership's private feed, for an administrator or the partnership's coordinator."""

import secrets

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields
from sqlalchemy.exc import IntegrityError

from services.calendar.times import to_wire
from services.events.auth import require_caller
from services.events.feeds.api import LinksSchema
from services.events.ical import subscribe_links
from services.events.models import Partnership, PartnershipFeedToken
from services.events.queries import is_current_member, live
from services.events.schemas import FeedTokenSchema
from services.messaging.http_guards import BEARER, Blueprint
from services.messaging.models import utcnow
from services.messaging.web import request_session
from services.ui.naming import feed_name

blp = Blueprint("feed_tokens", __name__, url_prefix="/api/v1/partnerships",
                description="Private feeds of Local Partnerships.")


class FeedTokenAnswerSchema(FeedTokenSchema):
    links = fields.Nested(LinksSchema, metadata={"description": "One-click subscribe links, as for public feeds."})
    page = fields.String(metadata={"description": "A page with the subscribe buttons, for the partnership's "
                                                  "members; as secret as the feed URL."})


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_matches(session, partnership_id: int, token: str | None) -> bool:
    """Whether ``token`` is the partnership's current feed token (compared in constant time)."""
    row = session.get(PartnershipFeedToken, partnership_id)
    return row is not None and row.matches(token)


def authorised_partnership(session, caller, partnership_id: int) -> Partnership:
    """The partnership whose feed URL this caller (a key, or a staff member signed in on the pages) may see: 404 for
    none, 403 unless an administrator or the partnership's coordinator."""
    partnership = live(session, Partnership, id=partnership_id)
    if partnership is None:
        abort(404, message=f"No partnership {partnership_id}.")
    if not caller.is_admin and not is_current_member(session, partnership_id, caller.organisation.id, "coordinator"):
        abort(403, message="Only an administrator or the partnership's coordinator may see its feed URL.")
    return partnership


def current_token(session, partnership_id: int) -> PartnershipFeedToken:
    """The partnership's feed token, made (and committed) on first request."""
    row = session.get(PartnershipFeedToken, partnership_id)
    if row is None:
        row = PartnershipFeedToken(partnership_id=partnership_id, token=new_token(), rotated_at=utcnow())
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # another request made it first: answer with that one
            session.rollback()
            row = session.get(PartnershipFeedToken, partnership_id)
    return row


def rotate_token(session, partnership_id: int) -> PartnershipFeedToken:
    """A new feed token for the partnership (the API's rotate and the coordinator's page): the old URL stops
    working once the session commits."""
    row = session.get(PartnershipFeedToken, partnership_id)
    if row is None:
        row = PartnershipFeedToken(partnership_id=partnership_id)
        session.add(row)
    row.token, row.rotated_at = new_token(), utcnow()
    return row


def members_page(row: PartnershipFeedToken) -> str:
    """The members' page with the subscribe buttons: as secret as the feed URL."""
    return f"{_base()}/partnerships/{row.partnership_id}/calendar?token={row.token}"


def _base() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or request.url_root).rstrip("/")


def _answer(row: PartnershipFeedToken, partnership: Partnership) -> dict:
    url = f"{_base()}/feeds/partnerships/{row.partnership_id}.ics?token={row.token}"
    return {"partnership_id": row.partnership_id, "rotated_at": to_wire(row.rotated_at), "url": url,
            "links": subscribe_links(url, feed_name(partnership.name)), "page": members_page(row)}


def _keyed_partnership(partnership_id: int) -> tuple:
    """The session and the partnership whose feed URL the API's caller may see (401, 404 or 403 otherwise)."""
    session = request_session()
    return session, authorised_partnership(session, require_caller(session), partnership_id)


@blp.route("/<int:partnership_id>/feed-token")
class FeedToken(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, FeedTokenAnswerSchema)
    def get(self, partnership_id):
        """The private feed URL of a partnership (made on first request), its subscribe links and page"""
        session, partnership = _keyed_partnership(partnership_id)
        return _answer(current_token(session, partnership_id), partnership)


@blp.route("/<int:partnership_id>/feed-token/rotate")
class FeedTokenRotation(MethodView):
    @blp.response(200, FeedTokenAnswerSchema)
    def post(self, partnership_id):
        """Replace the private feed token: the old URL stops working"""
        session, partnership = _keyed_partnership(partnership_id)
        row = rotate_token(session, partnership_id)
        session.commit()
        return _answer(row, partnership)
