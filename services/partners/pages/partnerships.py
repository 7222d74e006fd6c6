"""Local Partnerships on the staff pages: each partnership's members and what each brings (potential), its agreements,
and a way to its meetings. Every signed-in staff member reads what the API shows anyone (a person member unnamed but
to admins); the writes are the API's admin writes, through its schemas and operations (``add_member``,
``update_member``, ``sign_agreement``, ``update_agreement``), so a rule lives in one place.
"""

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from services.calendar.membership import has_left
from services.calendar.times import today
from services.messaging.errors import Conflict, FieldError
from services.messaging.messages.partners import CONTRIBUTION_KINDS
from services.messaging.web import request_session
from services.partners.auth import current_caller, may_plan_meetings
from services.partners.models import Agreement, Membership, Organisation, Partnership, Person
from services.partners.operations import add_member, sign_agreement, update_agreement, update_member
from services.partners.pages.guards import found, refused, signed_in, staff_blueprint
from services.partners.schemas import AgreementSchema, MembershipChangeSchema, MembershipSchema
from services.ui.errors import refusal
from services.ui.forms import max_lengths
from services.ui.labels import CONTRIBUTION_LABELS, MEMBER_ROLE_LABELS, PARTNERSHIP_STATUS_LABELS
from services.ui.naming import polish_sorted
from services.ui.pages import STALE_FORM, private_page, stale

partnership_pages = staff_blueprint("staff_partnerships", "/staff/partnerships")
AGREEMENT_FIELDS = ("signed_on", "valid_from", "valid_until", "document_ref")
#: The words the forms show for the fields an error may name.
FIELD_LABELS = {"member": _l("Member"), "organisation_id": _l("Member"), "person_id": _l("Member"),
                "role": _l("Role"), "joined_on": _l("Joined on"), "left_on": _l("Left on (ends the membership)"),
                "potential": _l("What the member brings (one per line)"), "signed_on": _l("Signed on"),
                "valid_from": _l("Valid from"), "valid_until": _l("Valid until"),
                "document_ref": _l("Where the signed paper is"), "signatory_ids": _l("Members who signed")}

partnership_pages.before_request(signed_in)


def _render(template: str, status: int = 200, **context):
    return private_page(f"partners_pages/staff/{template}.html", status, **context)


def _member_order(membership: Membership, day) -> tuple:
    """Members who have not left by ``day`` first, coordinators first among them; those who left after."""
    return (has_left(membership.left_on, day), list(MEMBER_ROLE_LABELS).index(membership.role), membership.id)


@partnership_pages.get("/")
def partnerships():
    session = request_session()
    return _render("partnerships", partnerships=polish_sorted(session.scalars(select(Partnership))),
                   status_labels=PARTNERSHIP_STATUS_LABELS)


def _page(partnership: Partnership, status: int = 200, **context):
    session = request_session()
    caller = current_caller()
    day = today()
    members = sorted(session.scalars(select(Membership).where(Membership.partnership_id == partnership.id)),
                     key=lambda membership: _member_order(membership, day))
    agreements = session.scalars(select(Agreement).where(Agreement.partnership_id == partnership.id)
                                 .options(selectinload(Agreement.signatories))
                                 .order_by(Agreement.signed_on.desc(), Agreement.id.desc())).all()
    organisations = polish_sorted(session.scalars(select(Organisation)))
    people = polish_sorted(session.scalars(select(Person))) if caller.is_admin else []
    response = _render(
        "partnership", status, partnership=partnership, members=members, agreements=agreements,
        gone={member.id for member in members if has_left(member.left_on, day)},
        organisations=organisations, by_id={o.id: o for o in organisations}, people=people,
        people_by_id={p.id: p for p in people}, is_admin=caller.is_admin,
        plans_meetings=may_plan_meetings(caller, partnership.id), role_labels=MEMBER_ROLE_LABELS,
        status_labels=PARTNERSHIP_STATUS_LABELS, contribution_labels=CONTRIBUTION_LABELS, form=request.form,
        limits=max_lengths(AgreementSchema), done=request.args.get("done"), **context)
    return response


def _partnership(partnership_id: int) -> Partnership:
    return found(Partnership, partnership_id, _("No such partnership."))


@partnership_pages.get("/<int:partnership_id>")
def partnership(partnership_id: int):
    return _page(_partnership(partnership_id))


def potential_of(form) -> list[dict]:
    """What a member brings, from one text box per kind: each line is one contribution of that kind."""
    return [{"kind": kind, "description": line.strip()} for kind in CONTRIBUTION_KINDS
            for line in form.get(f"potential_{kind}", "").splitlines() if line.strip()]


class _StaleForm(Exception):
    """The form of a member or an agreement was based on an older version of it: nothing changes."""


def _current_child(session, model, child_id: int, partnership: Partnership, field: str):
    """The member or agreement (``model``, named ``field``) ``child_id`` of ``partnership`` that the posted form was
    based on: a ``FieldError`` on ``field`` when the partnership has none; ``_StaleForm`` when the form carries
    another version of it."""
    record = session.get(model, child_id)
    if record is None or record.partnership_id != partnership.id:
        raise FieldError(field, f"No {field} {child_id} of this partnership.")
    if stale(record):
        raise _StaleForm
    return record


def _failed(partnership: Partnership, exc: Exception, **context):
    """The form again, with the error in the page's language: the field it names, or what conflicts; a stale form,
    the page as recorded now (each member's and agreement's form with its version)."""
    request_session().rollback()
    if isinstance(exc, _StaleForm):
        return _page(partnership, 409, error=STALE_FORM, **context)
    status, error = refusal(exc, FIELD_LABELS)
    return _page(partnership, status, error=error, **context)


def _admin_change(rule: str):
    """A POST route of an admin's change to a partnership, ``change(session, partnership, **ids)`` (``ids``: the
    rule's other parts), which says what was done: 404, 403 for anyone else, the form again on bad input, else
    committed and back to the partnership's page."""

    def route(change):
        def written(partnership_id: int, **ids):
            partnership = _partnership(partnership_id)
            if not current_caller().is_admin:
                return refused()
            try:
                done = change(request_session(), partnership, **ids)
            except (ValidationError, FieldError, Conflict, _StaleForm) as exc:
                return _failed(partnership, exc)
            request_session().commit()
            return redirect(url_for("staff_partnerships.partnership", partnership_id=partnership.id, done=done), 303)

        partnership_pages.add_url_rule(rule, change.__name__, written, methods=["POST"])
        return change

    return route


def _dates(form, names) -> dict:
    return {name: form.get(name, "").strip() or None for name in names}


@_admin_change("/<int:partnership_id>/members")
def add(session, partnership):
    form = request.form
    kind, _sep, number = form.get("member", "").partition(":")
    if kind not in ("organisation", "person") or not number.isdigit():
        raise FieldError("member", "Choose an organisation or a person.")
    data = {f"{kind}_id": int(number), "role": form.get("role", "member"), "potential": potential_of(form),
            **_dates(form, ("joined_on",))}
    add_member(session, partnership, MembershipSchema().load(data))
    return "member"


@_admin_change("/<int:partnership_id>/members/<int:member_id>")
def change_member(session, partnership, member_id: int):
    membership = _current_child(session, Membership, member_id, partnership, "member")
    form = request.form
    data = {"role": form.get("role", membership.role), "potential": potential_of(form),
            **_dates(form, ("joined_on", "left_on"))}
    update_member(session, membership, MembershipChangeSchema().load(data))
    return "changed"


def _agreement_data(form) -> dict:
    data = _dates(form, AGREEMENT_FIELDS)
    data["signatory_ids"] = [int(value) for value in form.getlist("signatory_ids") if value.isdigit()]
    return data


@_admin_change("/<int:partnership_id>/agreements")
def record_agreement(session, partnership):
    sign_agreement(session, partnership, AgreementSchema().load(_agreement_data(request.form)))
    return "agreement"


@_admin_change("/<int:partnership_id>/agreements/<int:agreement_id>")
def change_agreement(session, partnership, agreement_id: int):
    agreement = _current_child(session, Agreement, agreement_id, partnership, "agreement")
    update_agreement(session, agreement, AgreementSchema().load(_agreement_data(request.form)))
    return "changed"
