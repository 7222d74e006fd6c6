"""Every change to the partners service's state. Each writes its outbox message in the caller's transaction."""

from services.partners.operations.common import make_slug, slug_length
from services.partners.operations.meetings import (
    plan_meeting,
    sign_agreement,
    update_agreement,
    update_meeting,
    withdraw_agreement,
)
from services.partners.operations.organisations import (
    create_organisation,
    create_person,
    delete_organisation,
    delete_person,
    hash_key,
    issue_key,
    organisation_keys,
    revoke_key,
    update_organisation,
    update_person,
)
from services.partners.operations.partnerships import (
    add_member,
    create_partnership,
    delete_partnership,
    is_coordinator,
    is_member,
    open_membership,
    remove_member,
    update_member,
    update_partnership,
)
from services.partners.operations.places import (
    create_centre,
    create_district,
    delete_centre,
    delete_district,
    ensure_district,
    update_centre,
    update_district,
)
from services.partners.operations.rooms import create_room, delete_room, update_room

__all__ = [
    "make_slug", "slug_length", "plan_meeting", "sign_agreement", "update_agreement",
    "update_meeting", "withdraw_agreement", "create_organisation", "create_person",
    "delete_organisation",
    "delete_person", "hash_key", "issue_key", "organisation_keys", "revoke_key", "update_organisation",
    "update_person", "add_member", "create_partnership", "delete_partnership",
    "is_coordinator", "is_member", "open_membership", "remove_member", "update_member", "update_partnership",
    "create_centre", "create_district",
    "delete_centre", "delete_district", "ensure_district", "update_centre", "update_district",
    "create_room", "delete_room", "update_room",
]
