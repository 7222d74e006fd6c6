"""Handlers declare what they handle, and everything else is derived from that.

Each consuming service keeps one ``Handlers`` table in its ``consumers.py``. A handler is registered for a queue (the
handler name of ``osl.<service>.<queue>``) and the message types or AMQP patterns it takes::

    handlers = Handlers("events")

    @handlers.on("partners-replica", "district.*")
    def apply_district(session, envelope): ...

The topology binds each queue to the patterns registered on it, and the queue's one consumer calls the handler whose
registration matches the message's type, so no handler looks at the type string again. An exact type wins over a
pattern; two patterns of one queue may not take the same type. Several handlers share a queue when their messages
must be applied in the order they were made.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from services.messaging import messages  # noqa: F401  (fills the registry)
from services.messaging.registry import UnknownMessageType, all_types

Handler = Callable[..., None]


def pattern_matches(pattern: str, type_name: str) -> bool:
    """AMQP topic matching over dot-separated words: ``*`` is one word, ``#`` zero or more."""

    def match(words: list[str], names: list[str]) -> bool:
        if not words:
            return not names
        if words[0] == "#":
            return any(match(words[1:], names[skip:]) for skip in range(len(names) + 1))
        return bool(names) and words[0] in ("*", names[0]) and match(words[1:], names[1:])

    return match(pattern.split("."), type_name.split("."))


def is_pattern(key: str) -> bool:
    return "*" in key.split(".") or "#" in key.split(".")


@dataclass(frozen=True)
class Registration:
    queue: str
    #: A message type, or an AMQP pattern over types.
    key: str
    function: Handler
    #: Keyword arguments the handler is called with, besides the session and the envelope.
    bound: dict = field(default_factory=dict)


class Handlers:
    """One consuming service's handlers, each registered for the message types it handles."""

    def __init__(self, consumer: str):
        self.consumer = consumer
        self.registrations: list[Registration] = []

    def on(self, queue: str, *keys: str, **bound) -> Callable[[Handler], Handler]:
        """Register the decorated ``handler(session, envelope, **bound)`` for ``keys`` on ``queue``."""

        def register(function: Handler) -> Handler:
            self.add(queue, keys, function, **bound)
            return function

        return register

    def add(self, queue: str, keys, function: Handler, **bound) -> None:
        for key in (keys,) if isinstance(keys, str) else keys:
            if not any(pattern_matches(key, name) for name in all_types()):
                raise ValueError(f"{self.consumer}/{queue}: {key!r} matches no message type")
            for other in self.registrations:
                if other.queue == queue and other.key == key or (
                        other.queue == queue and is_pattern(key) and is_pattern(other.key)
                        and any(pattern_matches(key, name) and pattern_matches(other.key, name)
                                for name in all_types())):
                    raise ValueError(f"{self.consumer}/{queue}: {key!r} and {other.key!r} take the same types")
            self.registrations.append(Registration(queue, key, function, dict(bound)))

    def queues(self) -> dict[str, tuple[str, ...]]:
        """Each queue and its bindings: its patterns and the exact types no pattern of it takes already."""
        keys: dict[str, list[str]] = {}
        for reg in self.registrations:
            keys.setdefault(reg.queue, []).append(reg.key)
        return {queue: tuple(key for key in found if is_pattern(key) or not any(
            is_pattern(other) and pattern_matches(other, key) for other in found)) for queue, found in keys.items()}

    def registration(self, queue: str, type_name: str) -> Registration:
        """The registration on ``queue`` that takes ``type_name``: the exact type, else the one pattern."""
        candidates = [reg for reg in self.registrations if reg.queue == queue and pattern_matches(reg.key, type_name)]
        exact = [reg for reg in candidates if reg.key == type_name]
        if not (exact or candidates):
            raise UnknownMessageType(f"{self.consumer}/{queue} has no handler for {type_name!r}")
        return (exact or candidates)[0]

    def table(self) -> dict[str, Handler]:
        """One callable per queue, ``(session, envelope)``, for the consumer base (services/messaging/consumer.py)."""
        return {queue: self._dispatcher(queue) for queue in self.queues()}

    def _dispatcher(self, queue: str) -> Handler:
        def dispatch(session, envelope) -> None:
            reg = self.registration(queue, envelope.type)
            reg.function(session, envelope, **reg.bound)

        dispatch.__name__ = f"{self.consumer}_{queue}".replace("-", "_")
        return dispatch
