"""Every change to an import source: register, change, switch on or off, remove; and the source as the API shows it.

An organisation's key manages its own sources; an administrator any (naming the organisation). The address is
checked as far as it can be without a lookup (scheme, port, a literal internal address): the fetcher checks the
rest, every time, after DNS and after every redirect.
"""

import logging

from flask import current_app
from sqlalchemy import update
from ssrfguard import SSRFGuardError

from services.calendar.times import to_wire
from services.events.imports.fetch import FetchLimits, fetch_url, policy
from services.events.input import organiser, place
from services.events.models import Centre, District, Event, ImportSource, Organisation
from services.messaging.errors import FieldError, Forbidden
from services.messaging.models import utcnow
from services.messaging.web import acts_for

log = logging.getLogger(__name__)

SCHEMES = ("https://", "webcal://", "webcals://")


def check_url(url: str) -> str:
    """The address as given, if it may be registered; raises FieldError naming ``url``."""
    url = url.strip()
    limits = FetchLimits.of(current_app.config)
    schemes = SCHEMES + (("http://",) if limits.allow_loopback else ())
    if not url.lower().startswith(schemes):
        raise FieldError("url", "Give the calendar's public iCal address, starting with https:// or webcal://.")
    try:
        policy(limits).check_url(fetch_url(url))
    except SSRFGuardError as exc:
        raise FieldError("url", f"This address may not be fetched: {exc}") from None
    return url


def _place(session, data: dict) -> dict:
    found = place(session, data)
    return {"district_id": found["district_id"], "centre_id": found["centre_id"]}


def check_owner(caller, source: ImportSource) -> None:
    if not acts_for(caller, source.organisation_id):
        raise Forbidden("This calendar belongs to another organisation; an organisation manages only its own.")


def create_source(session, caller, data: dict) -> ImportSource:
    now = utcnow()
    source = ImportSource(
        organisation_id=organiser(session, data, caller, None), url=check_url(data["url"]),
        **_place(session, data), audiences=list(dict.fromkeys(data.get("audiences") or [])),
        category=data["category"], enabled=data.get("enabled", True), status="new", warnings=[], failures=0,
        new_count=0, changed_count=0, cancelled_count=0, unchanged_count=0, next_due_at=now, version=1,
        created_at=now, updated_at=now)
    session.add(source)
    session.flush()
    log.info("import source %s registered for organisation %s", source.id, source.organisation_id)
    return source


def update_source(session, caller, source: ImportSource, patch: dict) -> None:
    """Change the address, the defaults or on/off. A new address starts afresh; switching on pulls it soon."""
    check_owner(caller, source)
    merged = {**source_input(session, source), **patch}
    values = {"organisation_id": organiser(session, merged, caller, source), **_place(session, merged),
              "audiences": list(dict.fromkeys(merged.get("audiences") or [])), "category": merged["category"],
              "enabled": merged["enabled"]}
    if "url" in patch and patch["url"] != source.url:
        values.update(url=check_url(patch["url"]), etag=None, last_modified=None, body_hash=None, status="new")
    if values["enabled"] and not source.enabled:
        values.update(status="new", failures=0, failing_since=None, failure_reported_at=None)
    changed = {name: value for name, value in values.items() if getattr(source, name) != value}
    if not changed:
        return
    if set(changed) - {"enabled"}:
        changed["body_hash"] = None  # new defaults (or address) for every event: the next pull compares them all
    for name, value in changed.items():
        setattr(source, name, value)
    if source.enabled and set(changed) - {"enabled"} or "enabled" in changed:
        source.next_due_at = utcnow()
    source.version += 1
    source.updated_at = utcnow()
    log.info("import source %s changed: %s", source.id, ", ".join(sorted(changed)))


def pull_soon(session, caller, source: ImportSource) -> None:
    """Make the source due now (the import process takes it at its next look)."""
    check_owner(caller, source)
    source.next_due_at = utcnow()


def delete_source(session, caller, source: ImportSource) -> None:
    """Stop syncing: the source goes, its events stay, and can now be changed by hand like any other."""
    check_owner(caller, source)
    session.execute(update(Event).where(Event.import_source_id == source.id)
                    .values(import_source_id=None, import_uid=None, import_hashes=None))
    session.delete(source)
    log.info("import source %s removed; its events stay", source.id)


def source_input(session, source: ImportSource) -> dict:
    district = session.get(District, source.district_id)
    centre = session.get(Centre, source.centre_id) if source.centre_id else None
    return {"url": source.url, "district": district.slug if district else None,
            "centre": centre.slug if centre else None, "audiences": list(source.audiences),
            "category": source.category, "enabled": source.enabled}


def view(session, source: ImportSource) -> dict:
    """The source with its health, as the API shows it."""
    organisation = session.get(Organisation, source.organisation_id)
    return {
        "id": source.id, **source_input(session, source),
        "organisation": organisation.slug if organisation else None,
        "status": source.status, "last_error": source.last_error, "etag": source.etag,
        "last_modified": source.last_modified, "last_fetch_at": to_wire(source.last_fetch_at),
        "last_success_at": to_wire(source.last_success_at),
        "counts": {"new": source.new_count, "changed": source.changed_count, "cancelled": source.cancelled_count,
                   "unchanged": source.unchanged_count},
        "warnings": list(source.warnings or []), "failures": source.failures,
        "failing_since": to_wire(source.failing_since), "refresh_seconds": source.refresh_seconds,
        "next_due_at": to_wire(source.next_due_at), "created_at": to_wire(source.created_at),
        "updated_at": to_wire(source.updated_at),
    }
