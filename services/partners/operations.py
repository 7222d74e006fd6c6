"""Every change to the partners service's state. Each writes its outbox message in the caller's transaction."""

import logging

from slugify import slugify
from sqlalchemy import select

from services.messaging.outbox import add_message
from services.partners.models import District, OutboxMessage

log = logging.getLogger(__name__)


class Conflict(Exception):
    """The change would break a uniqueness or reference rule; the message says which."""


def make_slug(name: str) -> str:
    """ASCII slug that keeps Polish names readable: 'Śródmieście' → 'srodmiescie', 'Północ' → 'polnoc'."""
    return slugify(name, replacements=[["ł", "l"], ["Ł", "L"]])


def _publish(session, type_name: str, data: dict) -> None:
    add_message(session, OutboxMessage, type_name, data)


def _ensure_unique_district(session, name: str, slug: str, exclude_id: int | None = None) -> None:
    for column, value in (("name", name), ("slug", slug)):
        query = select(District.id).where(getattr(District, column) == value)
        if exclude_id is not None:
            query = query.where(District.id != exclude_id)
        if session.scalar(query) is not None:
            raise Conflict(f"a district with {column} {value!r} already exists")


def create_district(session, name: str, slug: str | None = None) -> District:
    name = name.strip()
    slug = slug or make_slug(name)
    _ensure_unique_district(session, name, slug)
    district = District(name=name, slug=slug, version=1)
    session.add(district)
    session.flush()
    _publish(session, "district.created", district.snapshot())
    log.info("district created: %s (%s)", district.name, district.slug)
    return district


def update_district(session, district: District, changes: dict) -> District:
    name = changes.get("name", district.name).strip()
    slug = changes.get("slug", district.slug)
    if (name, slug) == (district.name, district.slug):
        return district
    _ensure_unique_district(session, name, slug, exclude_id=district.id)
    district.name, district.slug = name, slug
    district.version += 1
    session.flush()
    _publish(session, "district.updated", district.snapshot())
    log.info("district updated: %s (%s)", district.name, district.slug)
    return district


def delete_district(session, district: District) -> None:
    snapshot = district.snapshot()
    session.delete(district)
    session.flush()
    _publish(session, "district.deleted", snapshot)
    log.info("district deleted: %s", snapshot["slug"])


def ensure_district(session, name: str) -> tuple[District, bool]:
    """The district of that name, created if missing; the flag says whether it was created."""
    existing = session.scalar(select(District).where(District.name == name))
    if existing is not None:
        return existing, False
    return create_district(session, name), True
