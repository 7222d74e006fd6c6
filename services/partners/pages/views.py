"""The public directory. Only public facts: a person who is a member is never named, only "private person"."""


from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from services.calendar.membership import is_current
from services.calendar.times import today
from services.messaging.models import utcnow
from services.messaging.web import request_session
from services.partners.models import Agreement, Centre, District, Meeting, Membership, Organisation, Partnership
from services.ui.labels import CONTRIBUTION_LABELS, MEMBER_ROLE_LABELS, PARTNERSHIP_STATUS_LABELS
from services.ui.naming import polish_sorted

blp = Blueprint("pages", __name__, template_folder="templates")


@blp.get("/")
def directory():
    session = request_session()
    districts = polish_sorted(session.scalars(select(District)))
    centres = polish_sorted(session.scalars(select(Centre)))
    partnerships = polish_sorted(session.scalars(select(Partnership)))
    return render_template("partners_pages/directory.html", districts=districts, centres=centres,
                           partnerships=partnerships, status_labels=PARTNERSHIP_STATUS_LABELS)


def current_members(session, partnership_id: int) -> list[Membership]:
    """Members who have not left, coordinators first."""
    day = today()
    rows = session.scalars(select(Membership).where(Membership.partnership_id == partnership_id)
                           .order_by(Membership.id))
    order = {role: index for index, role in enumerate(MEMBER_ROLE_LABELS)}
    members = [m for m in rows if is_current(m.left_on, day, m.joined_on)]
    return sorted(members, key=lambda m: order.get(m.role, len(order)))


@blp.get("/partnerships/<int:partnership_id>")
def partnership_page(partnership_id: int):
    session = request_session()
    partnership = session.get(Partnership, partnership_id)
    if partnership is None:
        abort(404, description=f"No partnership {partnership_id}.")
    members = current_members(session, partnership_id)
    organisation_ids = {m.organisation_id for m in members if m.organisation_id is not None}
    named = session.scalars(select(Organisation).where(Organisation.id.in_(organisation_ids)))
    organisations = {organisation.id: organisation for organisation in named}
    agreements = session.scalars(select(Agreement).where(Agreement.partnership_id == partnership_id)
                                 .options(selectinload(Agreement.signatories))
                                 .order_by(Agreement.signed_on.desc(), Agreement.id.desc())).all()
    meetings = session.scalars(select(Meeting).where(Meeting.partnership_id == partnership_id,
                                                     Meeting.status == "planned", Meeting.ends_at > utcnow())
                               .order_by(Meeting.starts_at)).all()
    return render_template("partners_pages/partnership.html", partnership=partnership, members=members,
                           organisations=organisations, agreements=agreements, meetings=meetings,
                           role_labels=MEMBER_ROLE_LABELS, status_labels=PARTNERSHIP_STATUS_LABELS,
                           contribution_labels=CONTRIBUTION_LABELS)
