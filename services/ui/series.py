"""A repeating event in words, as a person says it: "w każdy wtorek, 17:00–19:00, od 2 marca do 27 kwietnia 2027,
bez 16 marca" / "every Tuesday, 17:00–19:00, 2 March – 27 April 2027, except 16 March".

Pure (Babel only, the language given), so that the events pages and notify's e-mails say it the same way. The
rule's meaning is the calendar core's; a rule these words do not cover is said as "repeats" with its dates listed.
"""

from datetime import date, datetime

from babel.dates import format_date

from services.calendar import recurrence, rules
from services.calendar.times import excluded, local

#: Weekdays by RRULE code: Polish "in/on" form singular and plural, English singular and plural.
_WEEKDAYS = {
    "MO": ("w poniedziałek", "w poniedziałki", "Monday", "Mondays"),
    "TU": ("we wtorek", "we wtorki", "Tuesday", "Tuesdays"),
    "WE": ("w środę", "w środy", "Wednesday", "Wednesdays"),
    "TH": ("w czwartek", "w czwartki", "Thursday", "Thursdays"),
    "FR": ("w piątek", "w piątki", "Friday", "Fridays"),
    "SA": ("w sobotę", "w soboty", "Saturday", "Saturdays"),
    "SU": ("w niedzielę", "w niedziele", "Sunday", "Sundays"),
}
_EVERY_PL = {"MO": "w każdy poniedziałek", "TU": "w każdy wtorek", "WE": "w każdą środę", "TH": "w każdy czwartek",
             "FR": "w każdy piątek", "SA": "w każdą sobotę", "SU": "w każdą niedzielę"}
_ORDINALS = {"pl": {1: "pierwszy", 2: "drugi", 3: "trzeci", 4: "czwarty", 5: "piąty", -1: "ostatni"},
             "en": {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}}
#: The Polish ordinal agrees with the weekday's gender: środa, sobota and niedziela are feminine ("w pierwszą środę").
_FEMININE = {"WE", "SA", "SU"}
_ORDINALS_FEMININE = {1: "pierwszą", 2: "drugą", 3: "trzecią", 4: "czwartą", 5: "piątą", -1: "ostatnią"}
_CODES = tuple(_WEEKDAYS)


def _join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    word = " i " if language == "pl" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def _ordinal(number: int, code: str, language: str) -> str:
    if language == "pl" and code in _FEMININE:
        return _ORDINALS_FEMININE[number]
    return _ORDINALS[language][number]


def _pattern(parts: dict[str, str], first: datetime, language: str) -> str | None:
    """How often, in words; None when these words do not cover the rule."""
    freq, interval = parts.get("FREQ"), int(parts.get("INTERVAL", "1") or 1)
    days = [item for item in parts.get("BYDAY", "").split(",") if item]
    if set(parts) - {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "UNTIL", "COUNT", "WKST"}:
        return None
    pl = language == "pl"
    if freq == "DAILY" and not days and "BYMONTHDAY" not in parts:
        if interval == 1:
            return "codziennie" if pl else "every day"
        return f"co {interval} dni" if pl else f"every {interval} days"
    if freq == "WEEKLY" and "BYMONTHDAY" not in parts:
        codes = [d for d in days if d in _WEEKDAYS] or [_CODES[local(first).weekday()]]
        if len(codes) != len(days or codes):
            return None
        codes.sort(key=_CODES.index)
        if len(codes) == 1 and interval == 1:
            return _EVERY_PL[codes[0]] if pl else f"every {_WEEKDAYS[codes[0]][2]}"
        # "we wtorki i czwartki": the preposition once, before the first day
        names = _join([_WEEKDAYS[c][1] if pl and i == 0 else _WEEKDAYS[c][1].split(" ", 1)[1] if pl
                       else _WEEKDAYS[c][3] for i, c in enumerate(codes)], language)
        if interval == 1:
            return names if pl else f"on {names}"
        return f"co {interval} tygodnie, {names}" if pl else f"every {interval} weeks, on {names}"
    if freq == "MONTHLY" and interval == 1:
        if "BYMONTHDAY" in parts and not days and "," not in parts["BYMONTHDAY"]:
            number = int(parts["BYMONTHDAY"])
            if number > 0:
                return f"co miesiąc, {number}. dnia" if pl else f"every month on day {number}"
        if len(days) == 1 and "BYMONTHDAY" not in parts and days[0][-2:] in _WEEKDAYS and days[0][:-2]:
            number, code = int(days[0][:-2]), days[0][-2:]
            if number in _ORDINALS[language]:
                if pl:
                    return f"{_WEEKDAYS[code][0].split(' ')[0]} {_ordinal(number, code, language)} " \
                           f"{_WEEKDAYS[code][0].split(' ', 1)[1]} miesiąca"
                return f"on the {_ordinal(number, code, language)} {_WEEKDAYS[code][2]} of the month"
    if freq == "YEARLY" and interval == 1 and not days and "BYMONTHDAY" not in parts:
        return "co roku" if pl else "every year"
    return None


def _date(value: date, language: str, year: bool) -> str:
    return format_date(value, "d MMMM y" if year else "d MMMM", locale=language)


def describe(series: recurrence.Series, language: str, hours: str | None = None) -> str:
    """The series in words: how often, the hours given (e.g. "17:00–19:00"; "all day" for an all-day series), from
    when until when, and the dates left out. A single event is not described (an empty string)."""
    if not series.rrule:
        return ""
    first = local(series.starts_at)
    # A quarantined rule shows its first date only: it is said as "repeats", ending there.
    kept = not recurrence.quarantined(series)
    pattern = _pattern(rules.rule_parts(series.rrule), first, language) if kept else None
    pattern = pattern or ("powtarza się" if language == "pl" else "repeats")
    last = recurrence.last_day(series) if kept else first.date()
    words = [pattern[0].upper() + pattern[1:]]
    if series.all_day:
        words.append("cały dzień" if language == "pl" else "all day")
    elif hours:
        words.append(hours)
    if last is None:
        words.append(f"od {_date(first.date(), language, True)}" if language == "pl"
                     else f"from {_date(first.date(), language, True)}")
    elif language == "pl":
        words.append(f"od {_date(first.date(), language, first.year != last.year)} do {_date(last, language, True)}")
    else:
        words.append(f"{_date(first.date(), language, first.year != last.year)} – {_date(last, language, True)}")
    skipped = sorted(value.date() if isinstance(value, datetime) else value
                     for value in excluded(series.exdates, series.all_day, series.starts_at))
    if skipped:
        listed = _join([_date(day, language, False) for day in skipped], language)
        words.append(f"bez {listed}" if language == "pl" else f"except {listed}")
    return ", ".join(words)
