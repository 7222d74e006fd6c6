"""One notice as a MIME message: multipart/alternative (text, HTML) plus the event's .ics, with list headers."""

import gettext
import logging
from datetime import UTC, date, datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid
from functools import cache
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.calendar.ical import CalendarMeta, assemble_calendar, prodid
from services.calendar.recipient import one_date_vevent, with_status
from services.calendar.times import from_wire, local_date
from services.notify.mail.render import describe_changes, format_place, format_series, format_when
from services.notify.models.notices import REGISTRATION_KINDS
from services.notify.models.registrations import confirm_deadline
from services.ui import dates
from services.ui.i18n import LANGUAGES, compiled_catalogues
from services.ui.labels import N_, ROOM_REASON_NAMES
from services.ui.links import DEFAULTS, staff_url
from services.ui.maps import osm_url
from services.ui.naming import public_name

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "mail"
#: The Subject of each kind of mail (English; translated like the templates, through services/ui/translations).
SUBJECTS = {"confirmation": N_("Confirm your subscription to notices: {name}"), "published": N_("New event: {title}"),
            "updated": N_("Event changed: {title}"), "cancelled": N_("Cancelled: {title}"),
            "reminder": N_("Reminder: {title}"), "digest:daily": N_("Events today and tomorrow"),
            "digest:weekly": N_("Events in the week ahead"), "meeting": N_("Partner meeting: {title}"),
            "meeting_updated": N_("Partner meeting changed: {title}"),
            "meeting_cancelled": N_("Partner meeting cancelled: {title}"),
            "import_failing": N_("Your calendar cannot be fetched: {name}"),
            "room_conflict": N_("Room not booked for the partner meeting: {title}"),
            "room_cancelled": N_("Room booking cancelled for the partner meeting: {title}"),
            "registered": N_("Your registration: {title}"), "promoted": N_("A place for you: {title}"),
            "reg_cancelled": N_("Cancelled: {title}"), "reg_cancelled:date": N_("A date cancelled: {title}"),
            "reg_reminder": N_("Tomorrow: {title}"), "reg_reminder:today": N_("Today: {title}"),
            "reg_reminder:soon": N_("Reminder: {title}"), "reg_too_big": N_("Too few places for your group: {title}"),
            "reg_withdrawn": N_("Registration cancelled: {title}"), "reg_moved": N_("New time: {title}")}


#: A time to confirm that ends when the event starts, before REGISTRATION_CONFIRM_HOURS are over.
BY_THE_START = N_("%(moment)s, when the event starts")

#: Why a partner meeting's e-mail comes to its recipient (the ``recipient`` of its payload: meetings.reached_as); a
#: notice queued before it was said, or to a member not yet known, gets the words of None.
MEETING_RECIPIENTS = {
    "person": N_("You get this message as a member of the partnership."),
    "contact_person": N_("You get this message as the contact person of an organisation that is a member of the "
                         "partnership."),
    "organisation": N_("This message goes to the contact address of an organisation that is a member of the "
                       "partnership."),
    None: N_("This message goes to the contact address of a member of the partnership."),
}

#: Why a meeting's room was not booked, in words (the ``reason`` of a ``meeting_room.taken`` message).
ROOM_REASONS = ROOM_REASON_NAMES
#: Why a meeting's room booking ended, in words (the ``reason`` of a ``meeting_room.cancelled`` message: None when
#: MOPS cancelled it, ``no_room`` when the room was deleted).
ROOM_CANCEL_REASONS = {None: N_("MOPS cancelled the booking"), "no_room": N_("the room was removed")}


class MailPolicy(EmailPolicy):
    """``email.policy.SMTP``, except that a non-ASCII Subject is encoded by ``email.header``: the newer folder drops
    the space between two encoded words when it folds a long one ("żółć, źdźbło" came out as "żółć,źdźbło");
    and ``List-Unsubscribe`` is folded between its URLs, which the folder would turn into encoded words."""

    def _fold(self, name, value, refold_binary=False):
        if name.lower() == "list-unsubscribe":  # URLs in angle brackets (RFC 2369), never RFC 2047 encoded words
            return f"{name}: " + f",{self.linesep} ".join(str(value).split(", ")) + self.linesep
        if name.lower() == "subject" and not str(value).isascii():
            encoded = Header(str(value), "utf-8", header_name=name).encode(linesep=self.linesep)
            return f"{name}: {encoded}{self.linesep}"
        return super()._fold(name, value, refold_binary)


POLICY = MailPolicy().clone(linesep="\r\n")


@cache
def translation(language: str) -> gettext.NullTranslations:
    """The words of a mail in ``language``: the pages' catalogue (English is the catalogue's own language). A
    language the pages do not speak is refused, not sent in English."""
    if language not in LANGUAGES:
        raise LookupError(f"no e-mails in the language {language!r}")
    return gettext.translation("messages", compiled_catalogues(), languages=[language], fallback=True)


@cache
def _environment(language: str) -> Environment:
    """The mail templates, one set for every language, with ``_`` giving the words in ``language``."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
    environment.install_gettext_translations(translation(language), newstyle=False)
    return environment




def calendar_of(events: list[dict], components: list[str] | None = None) -> str | None:
    """The events' VEVENTs, as their messages carry them (or ``components`` rendered from them), in one
    METHOD:PUBLISH calendar; None when none has one (a notice queued before messages carried their VEVENT)."""
    if components is None:
        components = [event["ical"] for event in events if event.get("ical")]
    if len(components) < len(events):
        log.info("%d of %d events have no VEVENT in their snapshot; the .ics leaves them out",
                 len(events) - len(components), len(events))
    # The VEVENTs are the events service's, byte for byte as its feeds serve them; a one-off calendar, not a feed.
    meta = CalendarMeta(name=public_name(), description="", prodid=prodid(public_name(), "notify"), refresh=None)
    return assemble_calendar(meta, components).decode() if components else None


def registration_vevents(kind: str, payload: dict) -> list[str]:
    """What a registration's mail puts in its calendar: for one date of a series, that date alone (cancelled in a
    mail saying it will not happen, or that the person cancelled their registration), under a UID of its own that
    every mail about the date shares; for a whole series, or a single event, the event's VEVENTs as the feeds hold
    them (all CANCELLED when the person cancelled). A place on the waiting list is TENTATIVE there, a confirmed one
    as the event is."""
    event, registration = payload["event"], payload["registration"]
    if not event.get("ical"):
        return []
    # A notice queued before "series" was one date's, as its text says. A date called off while the event goes on
    # is a series' date, also when the series dropped its rule (a single event's own date is never called off).
    one_date = event.get("rrule") or (kind == "reg_cancelled" and event["status"] != "cancelled")
    # On the waiting list: the date is in the calendar as TENTATIVE, no place held (RFC 5545 STATUS).
    waiting = registration.get("status") == "waiting"
    status = "CANCELLED" if kind in ("reg_cancelled", "reg_withdrawn") else "TENTATIVE" if waiting else None
    if registration.get("series") or not one_date:
        # A called-off event is CANCELLED in its own VEVENTs already (a series' date cancelled, in that date's).
        mine = kind == "reg_withdrawn" or status == "TENTATIVE"
        return [with_status(event["ical"], status) if mine else event["ical"]]
    times = payload["occurrence"]
    start, end = datetime.fromisoformat(times["starts_at"]), datetime.fromisoformat(times["ends_at"])
    # A notice queued before it named its date by the rule's start: the date's start (the same unless it moved).
    rule_start = datetime.fromisoformat(registration.get("occurrence") or times["starts_at"])
    # A date whose series moved it to another start as the rule gives it keeps the UID its first mail gave it.
    named = registration.get("named_from")
    return [one_date_vevent(event["ical"], rule_start, start, end, status=status,
                            uid_from=datetime.fromisoformat(named) if named else None)]


def new_message_id(host: str) -> str:
    return make_msgid(domain=host)


def list_unsubscribe(config: dict, url: str) -> str:
    """RFC 8058 one-click (https) and a mailto fallback."""
    mailto = f"mailto:{config['MAIL_UNSUBSCRIBE_ADDRESS']}?subject={quote('unsubscribe ' + url)}"
    return f"<{url}>, <{mailto}>"


def subject_of(kind: str, language: str, payload: dict) -> str:
    if kind == "digest":
        return translation(language).gettext(SUBJECTS[f"digest:{payload['frequency']}"])
    if kind == "reg_cancelled" and payload["event"]["status"] != "cancelled":
        kind = "reg_cancelled:date"  # one date of a series that goes on
    if kind == "reg_reminder" and (day := reminder_day(payload)) != "tomorrow":
        kind = f"reg_reminder:{day}"
    # "meeting": a notice queued before 2026-11-30; "room": what became of a meeting's room.
    shown = payload.get("event") or payload.get("meeting") or _room_answer(payload) or {}
    # A title stored before titles were held to one line must not break the Subject header (and so the mail).
    title = " ".join(str(shown.get("title", "")).split())
    return translation(language).gettext(SUBJECTS[kind]).format(title=title, name=public_name())


def _template_name(kind: str) -> str:
    if kind.startswith("meeting"):
        return "meeting"
    if kind in REGISTRATION_KINDS:
        return "registration"
    return kind if kind in ("confirmation", "digest", "import_failing", "room_conflict", "room_cancelled") \
        else "notice"


def _room_answer(payload: dict) -> dict | None:
    """The events service's answer about a meeting's room that a room notice tells of ("conflict": a notice queued
    before 2026-12-01)."""
    return payload.get("room") or payload.get("conflict")


def _as_event(meeting: dict, partnership_name: str | None) -> dict:
    return {"title": meeting["title"], "description": meeting["agenda"], "starts_at": meeting["starts_at"],
            "ends_at": meeting["ends_at"], "all_day": False, "location": meeting.get("address"),
            "partnership_name": partnership_name}


def _at(event: dict, occurrence: dict | None) -> dict:
    """The event shown at one of its occurrences (a reminder's, a digest's line); as it is when there is none."""
    if occurrence is None:
        return event
    return {**event, "starts_at": occurrence["starts_at"], "ends_at": occurrence["ends_at"]}


def _listed(payload: dict) -> list[dict]:
    """A digest's lines: each occurrence at its own time; a digest queued before occurrences, its events."""
    if "occurrences" not in payload:
        return payload["events"]
    events = {event["id"]: event for event in payload["events"]}
    return [_at(events[occurrence["id"]], occurrence) for occurrence in payload["occurrences"]]


def _going(config: dict, event: dict) -> dict:
    """What people need to go: the event's web page and a map link (the rest is read from the event itself)."""
    public = event.get("visibility", "public") == "public"
    page = f"{config.get('EVENTS_URL', DEFAULTS['EVENTS_URL']).rstrip('/')}/events/{event['id']}" if public else None
    return {"page_url": page, "map_url": osm_url(event.get("latitude"), event.get("longitude"), event.get("location")),
            "registration": event.get("registration") or {}}


def reminder_day(payload: dict) -> str:
    """The words of a registration's reminder: "today" or "tomorrow" as its date is from the Warsaw day the reminder
    was queued on (``queued_on``), "soon" further ahead. One queued before it carried its day says "tomorrow", as it
    did then."""
    if not payload.get("queued_on"):
        return "tomorrow"
    starts = local_date(from_wire(payload["occurrence"]["starts_at"]))
    days = (starts - date.fromisoformat(payload["queued_on"])).days
    return "today" if days <= 0 else "tomorrow" if days == 1 else "soon"


def _confirm_by(config: dict, registration: dict, times: dict, language: str) -> str | None:
    """Until when an address that has not confirmed keeps its registration ("do czwartku, 3 grudnia 2026, 17:30"):
    :func:`confirm_deadline` (the expiry's too) from ``REGISTRATION_CONFIRM_HOURS``, ``Registration.confirm_from``
    and the start of the date the mail is for (``times``, the first one of a whole series), which it says in words
    when the deadline is that start. None for a confirmed address, or a notice queued before it carried the start."""
    start = registration.get("confirm_from")
    if registration.get("verified", True) or not start:
        return None
    begins = from_wire(times["starts_at"])
    deadline = confirm_deadline(datetime.fromisoformat(start), config["REGISTRATION_CONFIRM_HOURS"], begins)
    if deadline == begins:
        moment = dates.moment(begins, language, genitive=True)
        return translation(language).gettext(BY_THE_START) % {"moment": moment}
    return dates.moment(deadline, language, genitive=True)


def _context(config: dict, kind: str, language: str, links: dict, payload: dict) -> dict:
    event = payload.get("event")
    context = {"kind": kind, "links": links, "event": event, "public_name": public_name(), "lang": language}
    if event is not None:
        # A reminder names the occurrence it is for; any other notice of a series says the series in words.
        shown = format_when(_at(event, payload["occurrence"]), language) if payload.get("occurrence") else \
            format_series(event, language)
        context.update(when=shown, place=format_place(event),
                       changes=describe_changes(payload.get("previous"), event, language) if kind == "updated" else [],
                       **_going(config, event))
    if kind.startswith("meeting"):
        previous = payload.get("previous")
        if event is None:  # queued before meetings came as events: the partners meeting snapshots
            event = _as_event(payload["meeting"], payload.get("partnership_name"))
            previous = _as_event(previous, None) if previous else None
            context.update(when=format_when(event, language))
        shown = {"title": event["title"], "agenda": event["description"], "address": format_place(event)}
        reached = MEETING_RECIPIENTS.get(payload.get("recipient"), MEETING_RECIPIENTS[None])
        context.update(meeting=shown, reached=translation(language).gettext(reached),
                       partnership_name=event.get("partnership_name"),
                       changes=describe_changes(previous, event, language) if previous else [])
    if kind in REGISTRATION_KINDS:
        # A registration's mail names the date it is for, and the registration as it was when it was queued.
        # One registered for a whole series has a place at every date left: its mails say so, from the date named
        # (a reminder is for its one date).
        series = bool(payload["registration"].get("series")) and kind != "reg_reminder"
        # A series' mail says "from <the date>" (registration.txt): in Polish "od wtorku, …", the genitive.
        context.update(when=format_when(_at(event, payload["occurrence"]), language, genitive=series),
                       registration=payload["registration"], series=series,
                       confirm_by=_confirm_by(config, payload["registration"], payload["occurrence"], language),
                       reminder_day=reminder_day(payload) if kind == "reg_reminder" else None)
    if kind == "import_failing":
        source = payload["source"]
        since = datetime.fromisoformat(source["failing_since"])
        context.update(source=source, failing_since=dates.moment(since, language, genitive=True))  # "od …"
    if kind in ("room_conflict", "room_cancelled"):
        answer = _room_answer(payload)
        if kind == "room_conflict":
            reason = ROOM_REASONS.get(answer["reason"], ROOM_REASONS["taken"])
        else:
            reason = ROOM_CANCEL_REASONS.get(answer["reason"], ROOM_CANCEL_REASONS[None])
        context.update(answer=answer, when=format_when({**answer, "all_day": False}, language),
                       reason=translation(language).gettext(reason),
                       meeting_url=staff_url(config, f"/staff/meetings/{answer['meeting_id']}"))
    if kind == "digest":
        context.update(frequency=payload["frequency"], events=[
            {**e, "when": format_when(e, language), "place": format_place(e), **_going(config, e)}
            for e in _listed(payload)])
    return context


def build_message(config: dict, *, kind: str, language: str, to: str, links: dict[str, str], payload: dict,
                  message_id: str, now: datetime | None = None) -> EmailMessage:
    """The whole e-mail of one notice. ``payload`` has ``event`` (and, for an update, ``previous``; for a reminder,
    the ``occurrence`` it is for), or a digest's ``events``, ``occurrences`` and ``frequency``. The .ics holds the
    events whole, a series with its RRULE, under the feeds' UIDs; but a registration for one date of a series, that
    date alone (:func:`registration_vevents`)."""
    context = _context(config, kind, language, links, payload)
    name = _template_name(kind)
    text = _environment(language).get_template(f"{name}.txt").render(context)
    html = _environment(language).get_template(f"{name}.html").render(context)

    message = EmailMessage(policy=POLICY)
    message["From"] = config["MAIL_FROM"]
    message["To"] = Address(addr_spec=to)
    message["Subject"] = subject_of(kind, language, payload)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = message_id
    if "unsubscribe" in links:  # a registration's own mails are not a list: they carry its cancel link instead
        message["List-Id"] = f"OSL notices <notices.{config['PUBLIC_HOST']}>"
        message["List-Unsubscribe"] = list_unsubscribe(config, links["unsubscribe"])
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    events = [payload["event"]] if payload.get("event") else payload.get("events", [])
    ics = calendar_of(events, registration_vevents(kind, payload) if kind in REGISTRATION_KINDS else None)
    if ics and kind != "reg_too_big":  # a released registration: nothing to put in a calendar
        message.add_attachment(ics, subtype="calendar", charset="utf-8", cte="base64", filename="wydarzenie.ics",
                               params={"method": "PUBLISH"})
    message["Content-Language"] = language  # last: setting the content drops the Content-* headers before it
    return message
