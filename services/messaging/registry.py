"""The registry of message types: each type has exactly one marshmallow schema and one source service."""

from dataclasses import dataclass

from marshmallow import Schema, ValidationError


class MessageError(Exception):
    """A message that cannot be published or handled as it is."""


class UnknownMessageType(MessageError):
    pass


class InvalidMessage(MessageError):
    pass


@dataclass(frozen=True)
class MessageType:
    name: str
    #: The service that publishes it; its exchange carries it.
    source: str
    schema: Schema
    #: For a message that carries personal data: the only services whose queues may take it. Empty: any service.
    private_to: tuple[str, ...] = ()
    #: Fields the sender's outbox blanks (null) once the message is published: a one-time link, an address. The
    #: broker has them then; no copy stays behind for the outbox's retention period, and such a row is never
    #: replayed (services/messaging/outbox.py).
    scrubbed: tuple[str, ...] = ()


_types: dict[str, MessageType] = {}


def register(name: str, source: str, schema: Schema, private_to: tuple[str, ...] = (),
             scrubbed: tuple[str, ...] = ()) -> MessageType:
    if name in _types:
        raise ValueError(f"message type {name!r} is registered twice")
    unknown = set(scrubbed) - set(schema.fields)
    if unknown:
        raise ValueError(f"message type {name!r} scrubs fields it does not have: {sorted(unknown)}")
    _types[name] = MessageType(name, source, schema, tuple(private_to), tuple(scrubbed))
    return _types[name]


def message_type(name: str) -> MessageType:
    try:
        return _types[name]
    except KeyError:
        raise UnknownMessageType(f"unknown message type {name!r}") from None


def all_types() -> dict[str, MessageType]:
    return dict(_types)


def validate(name: str, data: dict) -> dict:
    """Check ``data`` against the schema of message type ``name``; returns it in its JSON form."""
    kind = message_type(name)
    try:
        loaded = kind.schema.load(data)
    except ValidationError as exc:
        raise InvalidMessage(f"{name}: {exc.messages}") from exc
    return kind.schema.dump(loaded)
