"""Changes to Local Partnerships and their memberships."""

from sqlalchemy import select

from services.calendar.membership import is_current
from services.calendar.times import today
from services.messaging.errors import Conflict, FieldError
from services.partners.models import Agreement, Meeting, Membership, Organisation, Partnership, Person
from services.partners.models.partnerships import agreement_signatories
from services.partners.operations.common import (
    delete_record,
    ensure_unique,
    ensure_unused,
    save_new,
    save_update,
    strip,
)
from services.partners.operations.contacts import publish_contacts
from services.partners.operations.places import centre_by_slug, district_by_slug


def _resolve(session, data: dict) -> dict:
    values = {key: strip(value) for key, value in data.items()}
    if "district_slug" in values:
        values["district_id"] = district_by_slug(session, values.pop("district_slug")).id
    if "centre_slug" in values:
        centre = centre_by_slug(session, values.pop("centre_slug"))
        values["centre_id"] = centre.id if centre else None
    if values.get("description", "") is None:
        values["description"] = ""
    return values


def create_partnership(session, data: dict) -> Partnership:
    values = _resolve(session, data)
    ensure_unique(session, Partnership, "partnership", name=values["name"])
    values.setdefault("status", "forming")
    values.setdefault("description", "")
    return save_new(session, Partnership(**values), "partnership.created")


def update_partnership(session, partnership: Partnership, data: dict) -> Partnership:
    values = _resolve(session, data)
    if values.get("name", partnership.name) != partnership.name:
        ensure_unique(session, Partnership, "partnership", exclude_id=partnership.id, name=values["name"])
    save_update(session, partnership, values, "partnership.updated")
    return partnership


def delete_partnership(session, partnership: Partnership) -> None:
    """Only an empty partnership can go; one with members, agreements or meetings is ended instead."""
    ensure_unused(session, "partnership", [(Membership, "partnership_id", partnership.id, "members"),
                                           (Agreement, "partnership_id", partnership.id, "agreements"),
                                           (Meeting, "partnership_id", partnership.id, "meetings")])
    delete_record(session, partnership, "partnership.deleted")


def open_membership(session, partnership_id: int, organisation_id=None, person_id=None) -> Membership | None:
    """The member's open-ended membership (no ``left_on`` set), if any: a member has one at a time. Whether they
    are a member on a day is :func:`is_member`'s question."""
    query = select(Membership).where(Membership.partnership_id == partnership_id, Membership.left_on.is_(None))
    if organisation_id is not None:
        query = query.where(Membership.organisation_id == organisation_id)
    else:
        query = query.where(Membership.person_id == person_id)
    return session.scalars(query).first()


def is_member(session, partnership_id: int, organisation_id: int, role: str | None = None) -> bool:
    """Whether the organisation is a member (in ``role``, when given) of the partnership today, by the calendar
    core's rule of membership (services/calendar/membership.py)."""
    query = select(Membership).where(Membership.partnership_id == partnership_id,
                                     Membership.organisation_id == organisation_id)
    if role is not None:
        query = query.where(Membership.role == role)
    day = today()
    return any(is_current(m.left_on, day, m.joined_on) for m in session.scalars(query))


def is_coordinator(session, partnership_id: int, organisation_id: int) -> bool:
    """Whether the organisation is the partnership's coordinator today."""
    return is_member(session, partnership_id, organisation_id, role="coordinator")


def _check_dates(joined_on, left_on) -> None:
    if joined_on and left_on and left_on < joined_on:
        raise FieldError("left_on", "The member cannot leave before joining.")


def add_member(session, partnership: Partnership, data: dict) -> Membership:
    organisation_id, person_id = data.get("organisation_id"), data.get("person_id")
    if (organisation_id is None) == (person_id is None):
        raise FieldError("organisation_id", "Give exactly one of organisation_id and person_id.")
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise FieldError("organisation_id", f"No organisation with id {organisation_id}.")
    if person_id is not None and session.get(Person, person_id) is None:
        raise FieldError("person_id", f"No person with id {person_id}.")
    _check_dates(data.get("joined_on"), data.get("left_on"))
    if data.get("left_on") is None and open_membership(session, partnership.id, organisation_id, person_id):
        raise Conflict("This member already belongs to the partnership.")
    membership = Membership(partnership_id=partnership.id, organisation_id=organisation_id, person_id=person_id,
                            role=data.get("role", "member"), joined_on=data.get("joined_on"),
                            left_on=data.get("left_on"), potential=data.get("potential", []))
    save_new(session, membership, "membership.added")
    publish_contacts(session, [partnership.id])
    return membership


def update_member(session, membership: Membership, data: dict) -> Membership:
    _check_dates(data.get("joined_on", membership.joined_on), data.get("left_on", membership.left_on))
    if "left_on" in data and data["left_on"] is None and membership.left_on is not None:
        other = open_membership(session, membership.partnership_id, membership.organisation_id,
                                   membership.person_id)
        if other is not None and other.id != membership.id:
            raise Conflict("This member already belongs to the partnership again.")
    if save_update(session, membership, data, "membership.updated"):
        publish_contacts(session, [membership.partnership_id])
    return membership


def remove_member(session, membership: Membership) -> None:
    signed = session.scalar(select(agreement_signatories.c.agreement_id)
                            .where(agreement_signatories.c.membership_id == membership.id).limit(1))
    if signed is not None:
        raise Conflict("This member signed an agreement; set left_on instead of removing the membership.")
    delete_record(session, membership, "membership.removed")
    publish_contacts(session, [membership.partnership_id])
