"""One notice as a MIME message: multipart/alternative (text, HTML) plus the event's .ics, with list headers."""

import json
from collections import OrderedDict
from datetime import UTC, datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.notify.mail.ics import events_calendar
from services.notify.mail.render import describe_changes, format_place, format_when

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "mail"
SUBJECTS = {
    "pl": {"confirmation": "Potwierdź zapis na powiadomienia OSL", "published": "Nowe wydarzenie: {title}",
           "updated": "Zmiana w wydarzeniu: {title}", "cancelled": "Odwołane: {title}",
           "reminder": "Przypomnienie: {title}", "digest:daily": "Wydarzenia dziś i jutro",
           "digest:weekly": "Wydarzenia w najbliższym tygodniu", "meeting": "Spotkanie partnerskie: {title}"},
    "en": {"confirmation": "Confirm your OSL notices subscription", "published": "New event: {title}",
           "updated": "Event changed: {title}", "cancelled": "Cancelled: {title}",
           "reminder": "Reminder: {title}", "digest:daily": "Events today and tomorrow",
           "digest:weekly": "Events in the week ahead", "meeting": "Partner meeting: {title}"},
}


class MailPolicy(EmailPolicy):
    """``email.policy.SMTP``, except that a non-ASCII Subject is encoded by ``email.header``: the newer folder drops
    the space between two encoded words when it folds a long one ("żółć, źdźbło" came out as "żółć,źdźbło")."""

    def _fold(self, name, value, refold_binary=False):
        if name.lower() == "subject" and not str(value).isascii():
            encoded = Header(str(value), "utf-8", header_name=name).encode(linesep=self.linesep)
            return f"{name}: {encoded}{self.linesep}"
        return super()._fold(name, value, refold_binary)


POLICY = MailPolicy().clone(linesep="\r\n")
_environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                           undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


#: Rendered .ics by (host, the events' snapshots): a fan-out builds the same calendar for every recipient, and
#: its VTIMEZONE is most of the cost of a message.
_calendars: OrderedDict[tuple, str] = OrderedDict()
CALENDAR_CACHE_SIZE = 256


def _calendar(events: list[dict], host: str, now: datetime | None) -> str:
    key = (host, json.dumps(events, sort_keys=True))
    if now is None and key in _calendars:
        _calendars.move_to_end(key)
        return _calendars[key]
    ics = events_calendar(events, host, now).decode()
    if now is None:
        _calendars[key] = ics
        if len(_calendars) > CALENDAR_CACHE_SIZE:
            _calendars.popitem(last=False)
    return ics


def new_message_id(host: str) -> str:
    return make_msgid(domain=host)


def subject_of(kind: str, language: str, payload: dict) -> str:
    if kind == "digest":
        return SUBJECTS[language][f"digest:{payload['frequency']}"]
    shown = payload.get("event") or payload.get("meeting") or {}
    return SUBJECTS[language][kind].format(title=shown.get("title", ""))


def _template_name(kind: str) -> str:
    return kind if kind in ("confirmation", "digest", "meeting") else "notice"


def _context(kind: str, language: str, links: dict, payload: dict) -> dict:
    event = payload.get("event")
    context = {"kind": kind, "links": links, "event": event}
    if event is not None:
        context.update(when=format_when(event, language), place=format_place(event),
                       changes=describe_changes(payload.get("previous"), event, language) if kind == "updated" else [])
    if kind == "meeting":
        meeting = payload["meeting"]
        context.update(meeting=meeting, partnership_name=payload["partnership_name"],
                       when=format_when({**meeting, "all_day": False}, language))
    if kind == "digest":
        context.update(frequency=payload["frequency"], events=[
            {**e, "when": format_when(e, language), "place": format_place(e)} for e in payload["events"]])
    return context


def build_message(config: dict, *, kind: str, language: str, to: str, links: dict[str, str], payload: dict,
                  message_id: str, now: datetime | None = None) -> EmailMessage:
    """The whole e-mail of one notice. ``payload`` has ``event`` (and, for an update, ``previous``), or a digest's
    ``events`` and ``frequency``."""
    context = _context(kind, language, links, payload)
    name = _template_name(kind)
    text = _environment.get_template(f"{language}/{name}.txt").render(context)
    html = _environment.get_template(f"{language}/{name}.html").render(context)

    message = EmailMessage(policy=POLICY)
    message["From"] = config["MAIL_FROM"]
    message["To"] = Address(addr_spec=to)
    message["Subject"] = subject_of(kind, language, payload)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = message_id
    message["List-Id"] = f"OSL notices <notices.{config['PUBLIC_HOST']}>"
    mailto = f"mailto:{config['MAIL_UNSUBSCRIBE_ADDRESS']}?subject={quote('unsubscribe ' + links['unsubscribe'])}"
    message["List-Unsubscribe"] = f"<{links['unsubscribe']}>, <{mailto}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = language
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    events = [payload["event"]] if payload.get("event") else payload.get("events", [])
    if events:
        ics = _calendar(events, config["PUBLIC_HOST"], now)
        message.add_attachment(ics, subtype="calendar", charset="utf-8", cte="base64", filename="wydarzenie.ics",
                               params={"method": "PUBLISH"})
    return message
