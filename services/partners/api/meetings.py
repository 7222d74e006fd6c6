"""A partnership's agreements (public reads, admin writes) and meetings (its members read, coordinators write)."""

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from services.messaging.http_guards import Blueprint
from services.messaging.messages.partners import MEETING_STATUSES
from services.messaging.web import request_session, version_etag
from services.partners import operations
from services.partners.api.common import changing, get_or_404, page, show_private
from services.partners.api.routes import Record, admin_docs, route_record
from services.partners.auth import current_caller, require_admin, require_meeting_writer
from services.partners.models import Agreement, Meeting, Partnership
from services.partners.schemas import AgreementSchema, MeetingSchema
from services.partners.schemas.partnerships import WithdrawalSchema

records = Blueprint("partnership_records", __name__, url_prefix="/api/v1/partnerships",
                    description="A partnership's signed agreements and partner meetings.")


class MeetingListArgs(Schema):
    status = fields.String(validate=validate.OneOf(MEETING_STATUSES))


def _partnership(partnership_id: int) -> Partnership:
    return get_or_404(Partnership, "partnership", id=partnership_id)


def _agreement(partnership_id: int, agreement_id: int) -> Agreement:
    return get_or_404(Agreement, "agreement of this partnership", id=agreement_id, partnership_id=partnership_id)


def _may_read_meetings(partnership_id: int) -> None:
    """Admins and the keys of the partnership's current member organisations read its meetings."""
    caller = current_caller()
    if caller is None:
        abort(401, message="Meetings are for the partnership's members: send an admin token or a member's API key.")
    if caller.is_admin:
        show_private(True)
        return
    session = request_session()
    if not operations.is_member(session, partnership_id, caller.organisation_id):
        abort(403, message="Only the partnership's members may read its meetings.")
    show_private(operations.is_coordinator(session, partnership_id, caller.organisation_id))


@records.route("/<int:partnership_id>/agreements/")
class Agreements(MethodView):
    @records.page_of(AgreementSchema)
    def get(self, pagination_parameters, partnership_id):
        """List the partnership's agreements, oldest first"""
        _partnership(partnership_id)
        query = select(Agreement).where(Agreement.partnership_id == partnership_id)
        return page(query, pagination_parameters, key=lambda agreement: agreement.id)

    @records.arguments(AgreementSchema)
    @records.response(201, AgreementSchema)
    def post(self, data, partnership_id):
        """Record a signed agreement (admin)"""
        require_admin()
        partnership = _partnership(partnership_id)
        with changing() as session:
            agreement = operations.sign_agreement(session, partnership, data)
        return agreement


route_record(records, "/<int:partnership_id>/agreements/<int:agreement_id>", Record(
    Agreement, "agreement of this partnership", AgreementSchema,
    keys=lambda partnership_id, agreement_id: {"id": agreement_id, "partnership_id": partnership_id},
    update=operations.update_agreement, put_defaults=lambda data: {"signatory_ids": []},
    docs=admin_docs("agreement", article="an", left_out="emptied"),
), "AgreementItem")


@records.route("/<int:partnership_id>/agreements/<int:agreement_id>/withdraw")
class AgreementWithdrawal(MethodView):
    @records.arguments(WithdrawalSchema)
    @records.response(200, AgreementSchema)
    def post(self, data, partnership_id, agreement_id):
        """Withdraw an agreement entered by mistake (admin): it is kept, marked withdrawn, with the reason"""
        require_admin()
        agreement = _agreement(partnership_id, agreement_id)
        with changing() as session:
            operations.withdraw_agreement(session, agreement, data["reason"])
        records.set_etag(version_etag(agreement))
        return agreement


@records.route("/<int:partnership_id>/meetings/")
class Meetings(MethodView):
    @records.page_of(MeetingSchema, MeetingListArgs)
    def get(self, args, pagination_parameters, partnership_id):
        """List the partnership's meetings by start (admin or a member's key); filter by status"""
        _partnership(partnership_id)
        _may_read_meetings(partnership_id)
        query = select(Meeting).where(Meeting.partnership_id == partnership_id)
        return page(query, pagination_parameters, args, key=lambda meeting: (meeting.starts_at, meeting.id))

    @records.arguments(MeetingSchema)
    @records.response(201, MeetingSchema)
    def post(self, data, partnership_id):
        """Plan a meeting (admin, or the coordinator's key)"""
        partnership = _partnership(partnership_id)
        require_meeting_writer(partnership_id)
        show_private(True)
        with changing() as session:
            meeting = operations.plan_meeting(session, partnership, data)
        return meeting


def _may_write_meetings(partnership_id: int, **_keys) -> None:
    require_meeting_writer(partnership_id)
    show_private(True)


route_record(records, "/<int:partnership_id>/meetings/<int:meeting_id>", Record(
    Meeting, "meeting of this partnership", MeetingSchema,
    keys=lambda partnership_id, meeting_id: {"id": meeting_id, "partnership_id": partnership_id},
    update=operations.update_meeting, put_defaults=lambda data: {"agenda": "", "status": "planned"},
    may_read=lambda partnership_id, **_keys: _may_read_meetings(partnership_id), may_write=_may_write_meetings,
    lookup_first=True,
    docs={
        "get": "Get one meeting (admin or a member's key); minutes for admins and coordinators",
        "patch": "Change, hold or cancel a meeting, or add its minutes (admin, or the coordinator's key)",
        "put": "Replace a meeting: fields left out go back to their defaults (admin, or the coordinator's key)",
    },
), "MeetingItem")
