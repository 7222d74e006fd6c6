"""Each service's history of changes, read from its outbox: when, who (the envelope's ``actor``), what changed.

The outbox holds every change's message, written in the change's own transaction, so the history can never drift
from what happened; it reaches back as far as the outbox keeps published rows (``OSL_OUTBOX_RETENTION_DAYS``).
Secrets and personal data in a message (a key's or session's hash, a mail's address and link, a rendered VEVENT,
the members' contact addresses) are left out.
"""

import json

from flask import Flask
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from services.messaging.fields import MAX_BIGINT
from services.messaging.http_guards import BEARER, Blueprint
from services.messaging.web import request_session

#: Never shown in a history: secrets, a mail's address and link, a rendered VEVENT, and the members' private contact
#: addresses (``member_contacts.replaced``, for notify alone).
HIDDEN = frozenset({"hash", "session_hash", "to", "link", "ical", "contacts"})
MAX_ENTRIES = 200


def _record_key(type_name: str, data: dict):
    """Which record a message is about: its kind (the type without its last word) and its id."""
    kind = type_name.rsplit(".", 1)[0]
    for name in ("id", "key_id", "account_id"):
        if name in data:
            return kind, data[name]
    return kind, None


def _shown(data: dict) -> dict:
    return {name: value for name, value in data.items() if name not in HIDDEN}


def history(session, outbox_model, *, limit: int = 50, before: int | None = None) -> list[dict]:
    """The latest changes, newest first: ``seq``, ``time``, ``type``, ``actor``, ``record`` (its kind and id) and
    ``changes``: each field that differs from the record's previous message (all of them for its first); and
    ``state``, the record's whole message, which the staff page reads a changed field by (a rule by its first date)
    and the API leaves out (``Change``)."""
    query = select(outbox_model.seq, outbox_model.body).order_by(outbox_model.seq.desc()).limit(limit)
    if before is not None:
        query = query.where(outbox_model.seq < before)
    rows = session.execute(query).all()
    if not rows:
        return []
    # The messages before the oldest one shown, back to the start of the outbox, give each record's previous state.
    earlier = session.execute(select(outbox_model.seq, outbox_model.body)
                              .where(outbox_model.seq < rows[-1].seq).order_by(outbox_model.seq)).all()
    last: dict = {}
    for _seq, body in earlier:
        envelope = json.loads(body)
        last[_record_key(envelope["type"], envelope["data"])] = _shown(envelope["data"])
    entries = []
    for seq, body in reversed(rows):
        envelope = json.loads(body)
        data = _shown(envelope["data"])
        key = _record_key(envelope["type"], envelope["data"])
        previous = last.get(key, {})
        last[key] = data
        changes = {name: {"from": previous.get(name), "to": value} for name, value in data.items()
                   if name not in ("version",) and previous.get(name) != value}
        entries.append({"seq": seq, "time": envelope["time"], "type": envelope["type"],
                        "actor": envelope.get("actor"), "record": {"kind": key[0], "id": key[1]},
                        "changes": changes, "state": data})
    return entries[::-1]


class HistoryArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_ENTRIES))
    before = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_BIGINT))


class Change(Schema):
    seq = fields.Integer()
    time = fields.String(metadata={"description": "When the change was made (ISO 8601, UTC)."})
    type = fields.String(metadata={"description": "The message type: what kind of change."})
    actor = fields.String(allow_none=True, metadata={
        "description": "account:<id> (signed in on the pages), key:<prefix> (an API key), admin-token, or null "
                       "(the command line, or a change that followed another service's message)."})
    record = fields.Dict()
    changes = fields.Dict(metadata={"description": "Each changed field, from → to."})


def register_history(app: Flask, api, outbox_model, require_admin) -> None:
    """``GET /api/v1/history/<service>/``: the service's changes, newest first (admin); ``before`` pages back by
    ``seq``. The service's name in the path tells the gateway which service's history is asked for (every service
    has one); ``/api/v1/history/`` is the same list, for a client of the service itself."""
    service = app.extensions["osl"].name
    blp = Blueprint("history", __name__, url_prefix="/api/v1/history",
                    description=f"Who changed what in {service}, and when: read from the outbox.")

    @blp.route("/", endpoint="this_service")
    @blp.route(f"/{service}/")
    class History(MethodView):
        @blp.doc(security=BEARER)
        @blp.arguments(HistoryArgs, location="query")
        @blp.response(200, Change(many=True))
        def get(self, args):
            """The latest changes, newest first, with who made each and what changed (admin)"""
            require_admin()
            return history(request_session(), outbox_model, limit=args["limit"], before=args["before"])

    api.register_blueprint(blp)
