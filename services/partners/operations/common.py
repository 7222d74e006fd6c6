"""What every change shares: the errors it may raise, slugs, and publishing one message."""

import logging

from slugify import slugify
from sqlalchemy import select

from services.messaging.errors import Conflict
from services.messaging.outbox import add_message
from services.partners.models import OutboxMessage

log = logging.getLogger("services.partners.operations")


def make_slug(name: str, max_length: int = 0) -> str:
    """ASCII slug that keeps Polish names readable: 'Śródmieście' → 'srodmiescie', 'Północ' → 'polnoc'; cut at a
    word to ``max_length`` when given (letters may grow when made ASCII: 'ß' → 'ss')."""
    return slugify(name, replacements=[["ł", "l"], ["Ł", "L"]], max_length=max_length, word_boundary=True)


def slug_length(model) -> int:
    """The longest slug ``model``'s table holds (its schema's bound and the events replica's column are the same)."""
    return model.__table__.c.slug.type.length


def publish(session, type_name: str, data: dict) -> None:
    add_message(session, OutboxMessage, type_name, data)


def ensure_unique(session, model, label: str, exclude_id: int | None = None, **columns) -> None:
    """Raise Conflict when another ``model`` row has any of these column values."""
    for column, value in columns.items():
        query = select(model.id).where(getattr(model, column) == value)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if session.scalar(query) is not None:
            raise Conflict(f"A {label} with {column} {value!r} already exists.", field=column)


def ensure_unused(session, label: str, checks) -> None:
    """Raise Conflict when any (model, column, value, what) still points at the record."""
    for model, column, value, what in checks:
        if session.scalar(select(model.id).where(getattr(model, column) == value).limit(1)) is not None:
            raise Conflict(f"This {label} still has {what}; remove or change them first.")


def apply_changes(record, changes: dict) -> bool:
    """Set the changed attributes; returns whether anything changed."""
    changed = False
    for name, value in changes.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def save_update(session, record, changes: dict, type_name: str, snapshot=None) -> bool:
    """Apply ``changes``; when something changed, bump the version and publish one message. No-op: nothing."""
    if not apply_changes(record, changes):
        return False
    record.version += 1
    session.flush()
    session.expire(record)  # related records (a new district, say) load afresh
    publish(session, type_name, snapshot() if snapshot else record.snapshot())
    log.info("%s: %s #%s version %s", type_name, type(record).__name__, record.id, record.version)
    return True


def save_new(session, record, type_name: str, snapshot=None):
    record.version = 1
    session.add(record)
    session.flush()
    publish(session, type_name, snapshot() if snapshot else record.snapshot())
    log.info("%s: %s #%s", type_name, type(record).__name__, record.id)
    return record


def create_named(session, model, label: str, values: dict):
    """A new record known by a unique name and slug (made from the name when none is given); ``<label>.created``."""
    values["slug"] = values.get("slug") or make_slug(values["name"], slug_length(model))
    ensure_unique(session, model, label, name=values["name"], slug=values["slug"])
    return save_new(session, model(**values), f"{label}.created")


def update_named(session, record, label: str, values: dict):
    """Change a record known by a unique name and slug; a new name or slug must be free; ``<label>.updated``."""
    unique = {key: values[key] for key in ("name", "slug") if key in values and values[key] != getattr(record, key)}
    ensure_unique(session, type(record), label, exclude_id=record.id, **unique)
    save_update(session, record, values, f"{label}.updated")
    return record


def delete_record(session, record, type_name: str) -> None:
    snapshot = record.snapshot()
    session.delete(record)
    session.flush()
    publish(session, type_name, snapshot)
    log.info("%s: %s #%s", type_name, type(record).__name__, snapshot["id"])


def strip(value):
    return value.strip() if isinstance(value, str) else value
