"""The event form of the staff pages, to and from the API's input: the recurrence builder in plain words.

A person ticks weekdays ("every week on Tuesday and Thursday"), gives an until date and the dates to skip; this makes
the API's ``rrule`` and ``exdates`` from them, and reads them back. What the rule means, and the dates it gives, are
the calendar core's (``services/calendar/rules.py``, ``recurrence.py``); the operations check the result as they
check the API's.
A rule the builder cannot say (set through the API: monthly, every other week...) is kept as it is.

The sign-up is one of three choices (``SIGN_UPS``), each the API's ``registration`` it stands for: none, here with a
number of places (``{"required": true, "capacity": n}``) or at another address (``{"url": ...}``; with "taking part
needs it" ticked, ``{"url": ..., "required": true, "capacity": n or null}``, as the API may store it too).

An all-day event ("all day" ticked) takes its first and last day, no times: the API's ``starts_at`` and ``ends_at``
are then dates, ``ends_at`` its last day (inclusive; the calendar core keeps the midnight after it, RFC 5545's
exclusive DTEND). The times typed are ignored then.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from services.calendar import recurrence, rules
from services.calendar.rules import WEEKDAYS
from services.calendar.times import day_after, local, local_midnight
from services.ui.forms import (
    FormError,
    date_as_typed,
    day_and_times,
    form_date,
    form_dates,
    form_day_and_times,
    typed_number,
)

#: Dates shown in a preview at most.
PREVIEW_DATES = 60
MAX_SKIPPED = 100
#: What the form says when the calendar core refuses the rule for its UNTIL (the core's message names the API's parts).
ENDS_TOO_SOON = "The repetition ends before the first day."
#: What the form says of an until date with no weekday ticked, which no rule would use.
UNTIL_ALONE = "Tick the weekdays the event repeats on, or leave this field empty."
#: The first day always counts as a date of a series (RFC 5545): on a weekday not ticked it would be a date nobody
#: asked for.
FIRST_DAY_NOT_TICKED = ("The first day falls on another weekday than those ticked: tick its weekday too, or choose "
                        "another first day.")
#: The sign-up choices: none, here with a number of places, at another address (a web page).
SIGN_UPS = ("none", "here", "elsewhere")
NO_SUCH_SIGN_UP = "Choose how people sign up."


@dataclass
class EventForm:
    """What the form holds, as text and choices, before and after a check."""

    title: str = ""
    description: str = ""
    category: str = "meeting"
    district: str = ""
    centre: str = ""
    audiences: list[str] = field(default_factory=list)
    day: str = ""
    starts: str = "17:00"
    ends: str = "19:00"
    #: All day: the day (``day``) to the last day (``last_day``, the same day when empty), no times.
    all_day: bool = False
    last_day: str = ""
    weekdays: list[str] = field(default_factory=list)
    until: str = ""
    skipped: str = ""
    #: A rule set through the API that the builder cannot say; kept unchanged.
    kept_rule: str = ""
    location: str = ""
    contact: str = ""
    accessibility: str = ""
    #: One of SIGN_UPS (another value is refused at the field), then the places or the address it needs.
    registration: str = "none"
    capacity: str = ""
    registration_url: str = ""
    #: A sign-up elsewhere that taking part needs (the places, when given, are shown): the API's ``required``.
    registration_required: bool = False

    @classmethod
    def from_form(cls, form) -> "EventForm":
        return cls(title=form.get("title", "").strip(), description=form.get("description", "").strip(),
                   category=form.get("category", "meeting"), district=form.get("district", ""),
                   centre=form.get("centre", ""), audiences=form.getlist("audiences"), day=form.get("day", ""),
                   starts=form.get("starts", ""), ends=form.get("ends", ""),
                   all_day=bool(form.get("all_day")), last_day=form.get("last_day", ""),
                   weekdays=[d for d in form.getlist("weekdays") if d in WEEKDAYS], until=form.get("until", ""),
                   skipped=form.get("skipped", ""), kept_rule=form.get("kept_rule", ""),
                   **{name: form.get(name, "").strip() for name in (
                       "location", "contact", "accessibility", "capacity", "registration_url")},
                   registration=form.get("registration", "none"),
                   registration_required=bool(form.get("registration_required")))


def skipped_dates(text: str) -> list[date]:
    """Dates to skip, one per line or separated by commas, as ISO dates (the date picker's) or day.month.year."""
    found = form_dates(text, "skipped")
    if len(found) > MAX_SKIPPED:
        raise FormError("skipped", f"Skip at most {MAX_SKIPPED} dates.")
    return sorted(set(found))


def rule(form: EventForm) -> str | None:
    """``FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=…`` from the ticked weekdays and the until date (the end of that day, Warsaw
    time; the date itself for an all-day event, as RFC 5545 wants next to its dates); no rule when no weekday is
    ticked, and then no until date either."""
    if form.until.strip() and not form.weekdays:
        raise FormError("until", UNTIL_ALONE)
    if form.kept_rule and not form.weekdays:
        return form.kept_rule
    if not form.weekdays:
        return None
    text = "FREQ=WEEKLY;BYDAY=" + ",".join(d for d in WEEKDAYS if d in form.weekdays)
    if form.until:
        text += f";UNTIL={rules.until_value(form_date(form.until, 'until'), form.all_day)}"
    return text


def registration(form: EventForm) -> dict | None:
    """The API's ``registration`` for the sign-up chosen, as typed: the schema checks the places and the address (a
    number of places that is no whole number stays text, for the schema to refuse)."""
    if form.registration == "none":
        return None
    if form.registration == "here":
        return {"required": True, "capacity": typed_number(form.capacity)}
    if form.registration == "elsewhere" and form.registration_required:
        return {"url": form.registration_url, "required": True, "capacity": typed_number(form.capacity)}
    if form.registration == "elsewhere":
        return {"url": form.registration_url}
    raise FormError("registration", NO_SUCH_SIGN_UP)


def days(form: EventForm) -> tuple[date, date]:
    """An all-day event's first and last day (the first when no last day is given), or a FormError naming the
    field."""
    first = form_date(form.day, "day")
    last = form_date(form.last_day, "last_day") if form.last_day.strip() else first
    if last < first:
        raise FormError("last_day", "The last day must not be before the first day.")
    return first, last


def api_input(form: EventForm, organisation: str | None = None) -> dict:
    """The API's input for the event this form describes (the operations check the rest and name the field)."""
    starts, ends = days(form) if form.all_day else day_and_times(form.day, form.starts, form.ends)
    data = {"title": form.title, "description": form.description, "category": form.category,
            "district": form.district, "centre": form.centre or None, "audiences": form.audiences,
            "starts_at": starts, "ends_at": ends, "all_day": form.all_day, "rrule": rule(form),
            "exdates": [d for d in skipped_dates(form.skipped)], "location": form.location or None,
            "contact": form.contact or None, "accessibility": form.accessibility or None,
            "registration": registration(form)}
    if not form.all_day and ends <= starts:
        raise FormError("ends", "The end must be after the start.")
    if data["rrule"]:
        try:  # the calendar core's check, asked here to say an early until at the form's own field
            rules.check_rule(data["rrule"], first_moment(data))
        except rules.RuleError as exc:
            if exc.part == "UNTIL":
                raise FormError("until", ENDS_TOO_SOON) from exc
            raise FormError("weekdays", str(exc)) from exc
    if form.weekdays and WEEKDAYS[starts.weekday()] not in form.weekdays:
        raise FormError("weekdays", FIRST_DAY_NOT_TICKED)
    if organisation:
        data["organisation"] = organisation
    return data


def from_input(data: dict, district: str, centre: str | None) -> EventForm:
    """The form of an existing event (its API input, ``input.event_input``)."""
    if data.get("all_day"):  # dates: the first and the last day
        when = {"all_day": True, "day": data["starts_at"].isoformat(), "last_day": data["ends_at"].isoformat()}
    else:
        when = form_day_and_times(data["starts_at"], data["ends_at"])
    form = EventForm(title=data["title"], description=data["description"], category=data["category"],
                     district=district, centre=centre or "", audiences=list(data["audiences"]), **when,
                     skipped="\n".join(date_as_typed(day) for day in sorted(data["exdates"])),
                     location=data.get("location") or "", contact=data.get("contact") or "",
                     accessibility=data.get("accessibility") or "")
    sign_up = data.get("registration") or {}
    if sign_up.get("url"):
        form.registration, form.registration_url = "elsewhere", sign_up["url"]
        form.registration_required = bool(sign_up.get("required"))
        form.capacity = str(sign_up.get("capacity") or "")
    elif sign_up.get("required") or sign_up.get("capacity"):
        form.registration, form.capacity = "here", str(sign_up.get("capacity") or "")
    text = data.get("rrule")
    if text:
        parts = rules.rule_parts(text)
        plain = set(parts) <= {"FREQ", "BYDAY", "UNTIL", "WKST"} and parts["FREQ"] == "WEEKLY" and "BYDAY" in parts \
            and all(code in WEEKDAYS for code in parts["BYDAY"].split(","))
        if plain:
            form.weekdays = parts["BYDAY"].split(",")
            if "UNTIL" in parts:
                form.until = f"{parts['UNTIL'][:4]}-{parts['UNTIL'][4:6]}-{parts['UNTIL'][6:8]}"
        else:
            form.kept_rule = text
    return form


def first_moment(data: dict) -> datetime:
    """When the event of the API's input (``api_input``) starts: an all-day event at the midnight its day begins."""
    return local_midnight(data["starts_at"]) if data["all_day"] else local(data["starts_at"])


def preview(data: dict) -> list[tuple[datetime, datetime, bool]]:
    """The dates the event will have, from its first (up to PREVIEW_DATES or a year), each with its end and whether
    it is skipped: what the person sees before saving."""
    start = local(first_moment(data))
    end = local_midnight(day_after(data["ends_at"])) if data["all_day"] else local(data["ends_at"])
    series = recurrence.Series(start, end, data["rrule"], (), data["all_day"])
    horizon = start + timedelta(days=366)
    found = recurrence.occurrences(series, start, horizon, limit=PREVIEW_DATES)
    skipped = set(data["exdates"])
    return [(o.starts_at, o.ends_at, local(o.starts_at).date() in skipped) for o in found]
