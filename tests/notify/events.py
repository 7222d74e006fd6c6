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
    return event
