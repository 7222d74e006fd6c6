"""Event snapshots as the events service's messages carry them, for the notify tests."""

import uuid


def event_snapshot(**changes) -> dict:
    event = {
        "id": str(uuid.UUID(int=7)), "version": 1, "sequence": 0,
        "title": "Piknik sąsiedzki: żółć, źdźbło, łąka", "description": "Grill, gry i zabawy dla całych rodzin.",
        "starts_at": "2026-12-05T15:00:00+01:00", "ends_at": "2026-12-05T18:00:00+01:00",
        "timezone": "Europe/Warsaw", "all_day": False, "rrule": None, "exdates": [],
        "district_id": 1, "district_name": "Raków", "district_slug": "rakow",
        "centre_id": 4, "centre_name": "OSL Raków", "centre_slug": "osl-rakow",
        "organisation_id": 9, "organisation_name": "Stowarzyszenie Ćma", "organisation_slug": "cma",
        "partnership_id": None, "partnership_name": None, "meeting_id": None,
        "visibility": "public", "audiences": ["seniors", "families"], "category": "picnic",
        "location": "ul. Łukasińskiego 40", "latitude": None, "longitude": None, "url": "https://osl.example/e/7",
        "contact": None, "accessibility": None, "registration": {"url": None, "required": False, "capacity": None},
        "status": "scheduled", "created_at": "2026-11-23T10:00:00+00:00", "updated_at": "2026-11-23T10:00:00+00:00",
        "cancelled_at": None,
    }
    event.update(changes)
    return with_vevent(event) if "ical" not in changes else event


def vevent_of(event: dict) -> str:
    """The VEVENT the events service would send with this snapshot, rendered by the calendar core from its fields
    (the events service builds it from its row and replica; these tests need only a faithful one)."""
    from datetime import date, datetime, timedelta

    from services.calendar.ical import CalendarEvent, place_words, render_vevent
    from services.calendar.rules import RuleError, check_rule
    from services.calendar.times import excluded, local

    start, end = datetime.fromisoformat(event["starts_at"]), datetime.fromisoformat(event["ends_at"])
    if event["all_day"]:
        start, end = local(start).date(), local(end).date()
        end = end if end > start else start + timedelta(days=1)
    rrule = event.get("rrule")
    try:
        check_rule(rrule, datetime.fromisoformat(event["starts_at"])) if rrule else None
    except RuleError:
        rrule = None  # as the events service renders a quarantined series: its first date only
    place = place_words(event.get("centre_name"), event.get("location"))
    shown = CalendarEvent(
        uid=f"{event['id']}@osl.example", sequence=event["sequence"],
        created=datetime.fromisoformat(event["created_at"]), last_modified=datetime.fromisoformat(event["updated_at"]),
        title=event["title"], description=event["description"], url=event.get("url") or "https://osl.example/e",
        start=start, end=end, organiser_name=event.get("organisation_name") or event.get("partnership_name") or "OSL",
        status="CANCELLED" if event["status"] == "cancelled" else "CONFIRMED", rrule=rrule,
        exdates=excluded(event.get("exdates"), event["all_day"], datetime.fromisoformat(event["starts_at"])) if rrule
        else (),
        location=place)
    assert isinstance(shown.start, date)
    return render_vevent(shown)


def with_vevent(event: dict) -> dict:
    return {**event, "ical": vevent_of(event)}


def meeting_snapshot(meeting_id: int = 3, **changes) -> dict:
    """The event the events service makes of partner meeting ``meeting_id``, as its messages carry it."""
    from services.messaging.messages.partners import meeting_event_id

    fields = {"id": str(meeting_event_id(meeting_id)), "meeting_id": meeting_id, "partnership_id": 5,
              "partnership_name": "Partnerstwo Lokalne Raków", "visibility": "partnership", "category": "meeting",
              "audiences": [], "title": "Plan na zimę", "description": "1. Ferie zimowe\n2. Wolne wnioski",
              "starts_at": "2026-12-10T17:00:00+01:00", "ends_at": "2026-12-10T19:00:00+01:00", "centre_id": None,
              "centre_name": None, "centre_slug": None, "location": "ul. Łukasińskiego 40", "organisation_id": None,
              "organisation_name": None, "organisation_slug": None, "url": None}
    return event_snapshot(**{**fields, **changes})
