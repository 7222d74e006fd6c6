"""The contact addresses of a partnership's members, sent to notify alone (``member_contacts.replaced``) so that every
member hears of partner meetings: a person at their own address, an organisation at its contact person's or, without
one, at its public address.

The whole list of a partnership goes again after any change that may alter it (a member joins, leaves or is removed;
a person's or an organisation's address, or an organisation's contact person, changes), with a higher version, so
notify replaces what it holds and keeps no address of a member who left. Members who have not left yet are in it;
notify applies the calendar core's "current member" rule on each meeting's day.
"""

from sqlalchemy import or_, select

from services.calendar.membership import has_left
from services.calendar.times import today
from services.partners.models import Membership, Organisation, Partnership, Person
from services.partners.operations.common import log, publish


def member_address(session, membership: Membership) -> str | None:
    """Where a member's partner meeting e-mails go, or None when the registry has no address for them."""
    if membership.person_id is not None:
        return membership.person.email if membership.person else None
    contact = session.scalar(select(Person).where(Person.organisation_id == membership.organisation_id))
    if contact is not None and contact.email:
        return contact.email
    organisation = session.get(Organisation, membership.organisation_id)
    return organisation.email if organisation else None


def publish_contacts(session, partnership_ids) -> None:
    """Send notify the contact addresses of each partnership's members that have not left."""
    day = today()
    for partnership_id in sorted(set(partnership_ids)):
        partnership = session.get(Partnership, partnership_id)
        if partnership is None:
            continue
        memberships = session.scalars(select(Membership).where(Membership.partnership_id == partnership_id)
                                      .order_by(Membership.id))
        contacts = []
        for membership in memberships:
            address = not has_left(membership.left_on, day) and member_address(session, membership)
            if address:
                contacts.append({"membership_id": membership.id, "email": address})
        partnership.contacts_version += 1
        session.flush()
        publish(session, "member_contacts.replaced", {"partnership_id": partnership_id,
                                                      "version": partnership.contacts_version,
                                                      "contacts": contacts})
        log.info("member_contacts.replaced: partnership #%s version %s, %d address(es)", partnership_id,
                 partnership.contacts_version, len(contacts))


def partnerships_reaching(session, *, person_id: int | None = None, organisation_id: int | None = None) -> set[int]:
    """The partnerships whose list of member contacts names this person's or this organisation's address."""
    members = []
    if person_id is not None:
        members.append(Membership.person_id == person_id)
        person = session.get(Person, person_id)
        if person is not None and person.organisation_id is not None:
            members.append(Membership.organisation_id == person.organisation_id)
    if organisation_id is not None:
        members.append(Membership.organisation_id == organisation_id)
    if not members:
        return set()
    return set(session.scalars(select(Membership.partnership_id).where(or_(*members))))


def publish_contacts_never_sent(session) -> int:
    """Send the lists of partnerships with members whose contacts notify has never had (those made before member
    contacts); returns how many. ``seed`` calls it, so an upgraded installation sends them once."""
    never = select(Partnership.id).where(Partnership.contacts_version == 0,
                                         Partnership.id.in_(select(Membership.partnership_id)))
    ids = list(session.scalars(never))
    publish_contacts(session, ids)
    return len(ids)
