"""The CloudEvents 1.0 structured JSON envelope that every message travels in."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.messaging.actor import current_actor
from services.messaging.correlation import current_correlation_id
from services.messaging.registry import InvalidMessage, message_type, validate

SPECVERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"
REQUIRED = ("specversion", "id", "source", "type", "time", "datacontenttype", "data")


@dataclass(frozen=True)
class Envelope:
    type: str
    data: dict
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    source: str = ""
    time: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="microseconds"))
    correlationid: str = field(default_factory=current_correlation_id)
    #: Who made the change (services/messaging/actor.py); a CloudEvents extension attribute, absent when unknown.
    actor: str | None = None

    @classmethod
    def new(cls, type_name: str, data: dict, correlation_id: str | None = None) -> "Envelope":
        """A valid new message; raises UnknownMessageType or InvalidMessage."""
        kind = message_type(type_name)
        return cls(
            type=type_name,
            data=validate(type_name, data),
            source=f"/osl/{kind.source}",
            correlationid=correlation_id or current_correlation_id(),
            actor=current_actor(),
        )

    def to_json(self) -> str:
        envelope = {
            "specversion": SPECVERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "time": self.time,
            "datacontenttype": "application/json",
            "correlationid": self.correlationid,
        }
        if self.actor:
            envelope["actor"] = self.actor
        envelope["data"] = self.data
        return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))


def parse(body: bytes | str) -> Envelope:
    """Decode and check a message as received; raises InvalidMessage or UnknownMessageType."""
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidMessage(f"not JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise InvalidMessage("the envelope is not a JSON object")
    missing = [name for name in REQUIRED if name not in raw]
    if missing:
        raise InvalidMessage(f"the envelope lacks {', '.join(missing)}")
    if raw["specversion"] != SPECVERSION:
        raise InvalidMessage(f"specversion {raw['specversion']!r} is not {SPECVERSION}")
    if not isinstance(raw["data"], dict):
        raise InvalidMessage("data is not a JSON object")
    return Envelope(
        type=raw["type"],
        data=validate(raw["type"], raw["data"]),
        id=str(raw["id"]),
        source=str(raw["source"]),
        time=str(raw["time"]),
        correlationid=str(raw.get("correlationid") or raw["id"]),
        actor=str(raw["actor"])[:100] if raw.get("actor") else None,
    )
