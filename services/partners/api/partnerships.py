"""Local Partnerships and their members: public reads (a person member unnamed), admin writes."""

from flask.views import MethodView
from sqlalchemy import select

from services.messaging.http_guards import Blueprint
from services.partners import operations
from services.partners.api.common import (
    changing,
    check_and_tag,
    get_or_404,
    page,
    replacement,
    show_private,
    update_item,
    version_etag,
)
from services.partners.auth import is_admin, require_admin
from services.partners.models import Membership, Partnership
from services.partners.schemas import MembershipChangeSchema, MembershipSchema, PartnershipListArgs, PartnershipSchema
from services.partners.schemas.common import update_schema

partnerships = Blueprint("partnerships", __name__, url_prefix="/api/v1/partnerships",
                         description="Local Partnerships and their members.")


@partnerships.route("/")
class Partnerships(MethodView):
    @partnerships.arguments(PartnershipListArgs, location="query")
    @partnerships.response(200, PartnershipSchema(many=True))
    @partnerships.paginate()
    def get(self, args, pagination_parameters):
        """List the partnerships, in Polish alphabetical order; filter by district and status"""
        return page(select(Partnership), pagination_parameters, args)

    @partnerships.arguments(PartnershipSchema)
    @partnerships.response(201, PartnershipSchema)
    def post(self, data):
        """Add a partnership (admin)"""
        require_admin()
        with changing() as session:
            partnership = operations.create_partnership(session, data)
        return partnership


@partnerships.route("/<int:partnership_id>")
class PartnershipItem(MethodView):
    @partnerships.etag
    @partnerships.response(200, PartnershipSchema)
    def get(self, partnership_id):
        """Get one partnership"""
        partnership = get_or_404(Partnership, "partnership", id=partnership_id)
        partnerships.set_etag(version_etag(partnership))
        return partnership

    @partnerships.etag
    @partnerships.arguments(update_schema(PartnershipSchema))
    @partnerships.response(200, PartnershipSchema)
    def patch(self, data, partnership_id):
        """Change a partnership (admin)"""
        require_admin()
        partnership = get_or_404(Partnership, "partnership", id=partnership_id)
        return update_item(partnerships, partnership, operations.update_partnership, data)

    @partnerships.etag
    @partnerships.arguments(PartnershipSchema)
    @partnerships.response(200, PartnershipSchema)
    def put(self, data, partnership_id):
        """Replace a partnership: fields left out go back to their defaults (admin)"""
        require_admin()
        partnership = get_or_404(Partnership, "partnership", id=partnership_id)
        values = replacement(PartnershipSchema, data, status="forming", description="")
        return update_item(partnerships, partnership, operations.update_partnership, values)

    @partnerships.etag
    @partnerships.response(204)
    def delete(self, partnership_id):
        """Delete a partnership with no members, agreements or meetings (admin); end it otherwise"""
        require_admin()
        partnership = get_or_404(Partnership, "partnership", id=partnership_id)
        check_and_tag(partnerships, partnership)
        with changing() as session:
            operations.delete_partnership(session, partnership)


def _member_order(membership: Membership) -> tuple:
    return ({"coordinator": 0, "member": 1, "observer": 2}[membership.role], membership.id)


@partnerships.route("/<int:partnership_id>/members/")
class Members(MethodView):
    @partnerships.response(200, MembershipSchema(many=True))
    @partnerships.paginate()
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


@partnerships.route("/<int:partnership_id>/members/<int:member_id>")
class MemberItem(MethodView):
    @partnerships.etag
    @partnerships.response(200, MembershipSchema)
    def get(self, partnership_id, member_id):
        """Get one membership"""
        membership = get_or_404(Membership, "member of this partnership", id=member_id, partnership_id=partnership_id)
        show_private(is_admin())
        partnerships.set_etag(version_etag(membership))
        return membership

    @partnerships.etag
    @partnerships.arguments(update_schema(MembershipChangeSchema))
    @partnerships.response(200, MembershipSchema)
    def patch(self, data, partnership_id, member_id):
        """Change a member's role, dates or potential (admin)"""
        require_admin()
        show_private(True)
        membership = get_or_404(Membership, "member of this partnership", id=member_id, partnership_id=partnership_id)
        return update_item(partnerships, membership, operations.update_member, data)

    @partnerships.etag
    @partnerships.arguments(MembershipChangeSchema)
    @partnerships.response(200, MembershipSchema)
    def put(self, data, partnership_id, member_id):
        """Replace a member's role, dates and potential; the member stays the same (admin)"""
        require_admin()
        show_private(True)
        membership = get_or_404(Membership, "member of this partnership", id=member_id, partnership_id=partnership_id)
        values = replacement(MembershipChangeSchema, data, role="member", potential=[])
        return update_item(partnerships, membership, operations.update_member, values)

    @partnerships.etag
    @partnerships.response(204)
    def delete(self, partnership_id, member_id):
        """Remove a membership entered by mistake (admin); set left_on when a member leaves"""
        require_admin()
        membership = get_or_404(Membership, "member of this partnership", id=member_id, partnership_id=partnership_id)
        check_and_tag(partnerships, membership)
        with changing() as session:
            operations.remove_member(session, membership)
