"""Changes to organisations, people and API keys. A key is returned once and only its SHA-256 is stored."""

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import select

from services.messaging.errors import Conflict, FieldError
from services.partners.models import ApiKey, Centre, Membership, Organisation, Person
from services.partners.operations.common import (
    create_named,
    delete_record,
    ensure_unused,
    log,
    publish,
    strip,
    update_named,
)
from services.partners.operations.contacts import partnerships_reaching, publish_contacts

KEY_PREFIX = "osl_"
#: What an organisation's key may do unless told otherwise (API_KEY_SCOPES in the message contract).
DEFAULT_SCOPES = ["events", "meetings"]


def create_organisation(session, data: dict) -> Organisation:
    return create_named(session, Organisation, "organisation", {key: strip(value) for key, value in data.items()})


def update_organisation(session, organisation: Organisation, data: dict) -> Organisation:
    address = organisation.email
    update_named(session, organisation, "organisation", {key: strip(value) for key, value in data.items()})
    if organisation.email != address:
        publish_contacts(session, partnerships_reaching(session, organisation_id=organisation.id))
    return organisation


def delete_organisation(session, organisation: Organisation) -> None:
    ensure_unused(session, "organisation", [(Centre, "operator_id", organisation.id, "centres it runs"),
                                            (Membership, "organisation_id", organisation.id, "memberships")])
    for person in session.scalars(select(Person).where(Person.organisation_id == organisation.id)):
        person.organisation_id = None  # no longer anyone's contact person; no partnership hears of it
    # Its keys go with it; a live one is announced as revoked first, so replicas stop accepting it.
    for key in organisation_keys(session, organisation):
        revoke_key(session, key)
        session.delete(key)
    delete_record(session, organisation, "organisation.deleted")


def _check_contact_of(session, organisation_id: int | None, person_id: int | None = None) -> None:
    if organisation_id is None:
        return
    if session.get(Organisation, organisation_id) is None:
        raise FieldError("organisation_id", f"No organisation with id {organisation_id}.")
    other = session.scalar(select(Person.id).where(Person.organisation_id == organisation_id))
    if other is not None and other != person_id:
        raise Conflict("This organisation has a contact person already; change that person first.")


def create_person(session, data: dict) -> Person:
    """A person; personal data: no public message, no name in the log. A person who is an organisation's contact
    person changes where its partner meeting e-mails go, which notify alone hears of."""
    person = Person(**{key: strip(value) for key, value in data.items()}, version=1)
    _check_contact_of(session, person.organisation_id)
    session.add(person)
    session.flush()
    log.info("person #%s created", person.id)
    if person.organisation_id is not None and person.email:
        publish_contacts(session, partnerships_reaching(session, person_id=person.id))
    return person


def update_person(session, person: Person, data: dict) -> bool:
    values = {key: strip(value) for key, value in data.items()}
    _check_contact_of(session, values.get("organisation_id", person.organisation_id), person.id)
    reached = partnerships_reaching(session, person_id=person.id)
    changed = {key for key, value in values.items() if getattr(person, key) != value}
    for key in changed:
        setattr(person, key, values[key])
    if changed:
        person.version += 1
        session.flush()
        log.info("person #%s updated", person.id)
    if changed & {"email", "organisation_id"}:
        publish_contacts(session, reached | partnerships_reaching(session, person_id=person.id))
    return bool(changed)


def delete_person(session, person: Person) -> None:
    """Erase a person who is in no partnership; an organisation they were the contact person of falls back to its
    public address."""
    ensure_unused(session, "person", [(Membership, "person_id", person.id, "memberships")])
    reached = partnerships_reaching(session, person_id=person.id)
    session.delete(person)
    session.flush()
    log.info("person #%s deleted", person.id)
    publish_contacts(session, reached)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(session, organisation: Organisation | None, scopes: list[str] | None = None) -> tuple[ApiKey, str]:
    """A new key for ``organisation`` (or, with None, an admin key); returns the row and the key, shown once."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(organisation_id=organisation.id if organisation else None, prefix=key[:12], hash=hash_key(key),
                 scopes=["admin"] if organisation is None else list(scopes or DEFAULT_SCOPES),
                 issued_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    publish(session, "admin_key.issued" if row.is_admin else "organisation.api_key.issued", row.snapshot())
    log.info("API key %s issued (organisation %s)", row.prefix, row.organisation_id)
    return row, key


def revoke_key(session, row: ApiKey) -> bool:
    """Revoke the key (kept, with ``revoked_at``); revoking it again changes nothing."""
    if row.revoked_at is not None:
        return False
    row.revoked_at = datetime.now(UTC)
    session.flush()
    publish(session, "admin_key.revoked" if row.is_admin else "organisation.api_key.revoked", row.snapshot())
    log.info("API key %s revoked", row.prefix)
    return True


def organisation_keys(session, organisation: Organisation | None) -> list[ApiKey]:
    owner = ApiKey.organisation_id.is_(None) if organisation is None else ApiKey.organisation_id == organisation.id
    return list(session.scalars(select(ApiKey).where(owner).order_by(ApiKey.id)))
