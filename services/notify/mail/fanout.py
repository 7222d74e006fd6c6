"""One notice sent to many: the e-mail is built once per (kind, language, payload) with ``email`` and kept as bytes,
and each recipient's copy only fills in what is theirs: ``To``, ``Date``, ``Message-ID``, ``List-Unsubscribe`` and
their signed links in the two text parts.

``build_message`` (compose.py) stays the reference: a prepared copy parses to the same headers, parts and
attachment (tests/notify/test_fanout.py). Kinds with a per-person payload (confirmation, digest) are built whole.
"""

import json
from collections import OrderedDict
from datetime import UTC, datetime
from email import quoprimime
from email.headerregistry import Address
from email.utils import format_datetime

from markupsafe import escape

from services.notify.mail.compose import POLICY, build_message, list_unsubscribe

#: Kinds whose payload is the same for every recipient of one message from the bus.
SHARED = ("published", "updated", "cancelled", "reminder", "meeting", "meeting_updated", "meeting_cancelled")
CACHE_SIZE = 32
#: Stand-ins for each body part and for each link, replaced in every copy; plain ASCII that no encoding touches.
BODY = {"plain": "OSLFANOUTBODYPLAIN", "html": "OSLFANOUTBODYHTML"}
LINK = "OSLFANOUTLINK{}END"
PER_RECIPIENT = ("To", "Date", "Message-ID", "List-Unsubscribe")


def _fold(name: str, value) -> bytes:
    return POLICY.fold_binary(name, value)


class Prepared:
    """The bytes of one notice's e-mail without its per-recipient headers, its two text parts as rendered with
    stand-in links, and where each goes."""

    def __init__(self, config: dict, kind: str, language: str, payload: dict, link_names: tuple[str, ...]):
        self.config = config
        self.link_names = link_names
        stand_in = {name: LINK.format(name.upper()) for name in link_names}
        message = build_message(config, kind=kind, language=language, to="x@invalid", links=stand_in,
                                payload=payload, message_id="<x@invalid>")
        self.subject = str(message["Subject"])
        self.mail_from = message["From"].addresses[0].addr_spec
        self.bodies = {}
        for part in message.walk():
            subtype = part.get_content_subtype() if part.get_content_maintype() == "text" else None
            if subtype in BODY and not part.is_attachment():
                self.bodies[subtype] = part.get_content()
                part.set_content(BODY[subtype], subtype=subtype, charset="utf-8", cte="quoted-printable")
                del part["MIME-Version"]
        for name in PER_RECIPIENT:
            del message[name]
        self.skeleton = message.as_bytes()
        self.boundaries = [part.get_boundary().encode() for part in message.walk() if part.is_multipart()]

    def copy(self, to: str, links: dict[str, str], message_id: str, now: datetime | None = None) -> bytes | None:
        """The e-mail for one recipient, or None when it cannot be made this way (build it whole then)."""
        if set(links) != set(self.link_names) or not to.isascii():
            return None
        data = self.skeleton
        for subtype, stand_in in BODY.items():
            body = self.bodies[subtype]
            for name, url in links.items():
                body = body.replace(LINK.format(name.upper()), str(escape(url)) if subtype == "html" else url)
            lines = body.replace("\r\n", "\n").rstrip("\n") + "\n"
            # As email.contentmanager does it: quoted-printable of the UTF-8 bytes, read as Latin-1.
            encoded = quoprimime.body_encode(lines.encode("utf-8").decode("latin-1"), 76, "\r\n").encode("ascii")
            if any(boundary in encoded for boundary in self.boundaries):
                return None
            data = data.replace(f"{stand_in}\r\n".encode(), encoded, 1)
        headers = (_fold("To", str(Address(addr_spec=to))) + _fold("Date", format_datetime(now or datetime.now(UTC)))
                   + _fold("Message-ID", message_id)
                   + _fold("List-Unsubscribe", list_unsubscribe(self.config, links["unsubscribe"])))
        return headers + data


_prepared: OrderedDict[tuple, Prepared] = OrderedDict()


def prepared(config: dict, kind: str, language: str, payload: dict, link_names: tuple[str, ...]) -> Prepared | None:
    """The prepared e-mail of a shared notice (kept for the next recipients), or None for a per-person kind."""
    if kind not in SHARED:
        return None
    key = (config["MAIL_FROM"], config["PUBLIC_HOST"], config["MAIL_UNSUBSCRIBE_ADDRESS"], kind, language,
           link_names, json.dumps(payload, sort_keys=True))
    found = _prepared.get(key)
    if found is None:
        found = _prepared[key] = Prepared(config, kind, language, payload, link_names)
        if len(_prepared) > CACHE_SIZE:
            _prepared.popitem(last=False)
    else:
        _prepared.move_to_end(key)
    return found
