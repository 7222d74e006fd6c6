"""What an event shows: its full snapshot, as its messages carry it, and the event as the API shows it."""

from datetime import timedelta

from services.calendar.times import local_date
from services.events.fields import record_snapshot
from services.events.models import Event


def snapshot(session, event: Event, names=None) -> dict:
    """The event's full snapshot, as its messages carry it: each field's part (``fields.py``), and the record's;
    ``names`` (``feeds.components.Names``) holds the replica rows it shows when they are loaded already."""
    from services.events.schemas import FIELDS

    if names is None:
        from services.events.feeds.components import Names

        names = Names(session, [event])
    related = {"district": names.districts.get(event.district_id), "centre": names.centres.get(event.centre_id),
               "organisation": names.organisations.get(event.organisation_id),
               "partnership": names.partnerships.get(event.partnership_id)}
    data = record_snapshot(event)
    for field in FIELDS:
        data.update(field.snapshot(event, related))
    return data


def view(session, event: Event) -> dict:
    """The event as the API shows it."""
    data = snapshot(session, event)
    start, end = data["starts_at"], data["ends_at"]
    if event.all_day:
        start = local_date(event.starts_at).isoformat()
        end = (local_date(event.ends_at) - timedelta(days=1)).isoformat()
    organised_by = {"slug": data["organisation_slug"], "name": data["organisation_name"]} \
        if event.organisation_id else None
    registration = data["registration"] if event.registration_url or event.registration_required else None
    return {
        **{key: data[key] for key in ("id", "title", "description", "all_day", "rrule", "exdates", "overrides",
                                      "visibility",
                                      "audiences", "category", "location", "url", "contact", "accessibility",
                                      "status", "sequence", "created_at", "updated_at")},
        "starts_at": start, "ends_at": end, "district": data["district_slug"], "centre": data["centre_slug"],
        "partnership": event.partnership_id, "organiser": organised_by, "registration": registration,
        "imported_from": {"source": event.import_source_id, "uid": event.import_uid}
        if event.import_source_id is not None else None,
    }
