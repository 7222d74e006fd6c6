"""Local Partnerships and their members: public reads (a person member unnamed), admin writes."""

from flask.views import MethodView
from sqlalchemy import select

from services.messaging.http_guards import Blueprint
from services.partners import operations
from services.partners.api.common import changing, get_or_404, page, show_private
from services.partners.api.routes import Collection, Record, admin_docs, route_collection, route_record
from services.partners.auth import is_admin, require_admin
from services.partners.models import Membership, Partnership
from services.partners.schemas import MembershipChangeSchema, MembershipSchema, PartnershipListArgs, PartnershipSchema

partnerships = Blueprint("partnerships", __name__, url_prefix="/api/v1/partnerships",
                         description="Local Partnerships and their members.")


route_collection(partnerships, Collection(
    Partnership, PartnershipSchema, operations.create_partnership,
    {"get": "List the partnerships, in Polish alphabetical order; filter by district and status",
     "post": "Add a partnership (admin)"},
    filters=PartnershipListArgs,
), "Partnerships")


route_record(partnerships, "/<int:partnership_id>", Record(
    Partnership, "partnership", PartnershipSchema, keys=lambda partnership_id: {"id": partnership_id},
    update=operations.update_partnership, delete=operations.delete_partnership,
    put_defaults=lambda data: {"status": "forming", "description": ""},
    docs=admin_docs("partnership", left_out="defaults",
                    delete="with no members, agreements or meetings (end it otherwise)"),
), "PartnershipItem")


def _member_order(membership: Membership) -> tuple:
    return ({"coordinator": 0, "member": 1, "observer": 2}[membership.role], membership.id)


@partnerships.route("/<int:partnership_id>/members/")
class Members(MethodView):
    @partnerships.page_of(MembershipSchema)
    def get(self, pagination_parameters, partnership_id):
        """List the members: coordinators first; a person is named to admins only"""
        get_or_404(Partnership, "partnership", id=partnership_id)
        show_private(is_admin())
        query = select(Membership).where(Membership.partnership_id == partnership_id)
        return page(query, pagination_parameters, key=_member_order)

    @partnerships.arguments(MembershipSchema)
    @partnerships.response(201, MembershipSchema)
    def post(self, data, partnership_id):
        """Add a member: an organisation or a person, with its role and potential (admin)"""
        require_admin()
        show_private(True)
        partnership = get_or_404(Partnership, "partnership", id=partnership_id)
        with changing() as session:
            membership = operations.add_member(session, partnership, data)
        return membership


def _may_write_members(**_keys) -> None:
    require_admin()
    show_private(True)


route_record(partnerships, "/<int:partnership_id>/members/<int:member_id>", Record(
    Membership, "member of this partnership", MembershipSchema, input=MembershipChangeSchema,
    keys=lambda partnership_id, member_id: {"id": member_id, "partnership_id": partnership_id},
    update=operations.update_member, delete=operations.remove_member,
    put_defaults=lambda data: {"role": "member", "potential": []},
    may_read=lambda **_keys: show_private(is_admin()), may_write=_may_write_members,
    docs={
        "get": "Get one membership",
        "patch": "Change a member's role, dates or potential (admin)",
        "put": "Replace a member's role, dates and potential; the member stays the same (admin)",
        "delete": "Remove a membership entered by mistake (admin); set left_on when a member leaves",
    },
), "MemberItem")
