"""The partners HTTP API: thin views over operations."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import func, select

from services.messaging.web import request_session
from services.partners import operations
from services.partners.auth import require_admin
from services.partners.models import District
from services.partners.schemas import DistrictSchema, DistrictUpdateSchema

districts = Blueprint("districts", __name__, url_prefix="/api/v1/districts", description="The city's districts.")


def _get_district(slug: str) -> District:
    district = request_session().scalar(select(District).where(District.slug == slug))
    if district is None:
        abort(404, message=f"No district with slug {slug!r}.")
    return district


def _conflict(exc: operations.Conflict):
    abort(409, message=str(exc))


@districts.route("/")
class Districts(MethodView):
    @districts.response(200, DistrictSchema(many=True))
    @districts.paginate()
    def get(self, pagination_parameters):
        """List the districts"""
        session = request_session()
        query = select(District).order_by(District.slug)
        pagination_parameters.item_count = session.scalar(select(func.count()).select_from(District))
        page = query.offset(pagination_parameters.first_item).limit(pagination_parameters.page_size)
        return session.scalars(page).all()

    @districts.arguments(DistrictSchema)
    @districts.response(201, DistrictSchema)
    def post(self, data):
        """Add a district (admin)"""
        require_admin()
        session = request_session()
        try:
            district = operations.create_district(session, data["name"], data.get("slug"))
        except operations.Conflict as exc:
            _conflict(exc)
        session.commit()
        return district


@districts.route("/<slug>")
class DistrictItem(MethodView):
    @districts.etag
    @districts.response(200, DistrictSchema)
    def get(self, slug):
        """Get one district"""
        return _get_district(slug)

    @districts.etag
    @districts.arguments(DistrictUpdateSchema)
    @districts.response(200, DistrictSchema)
    def patch(self, data, slug):
        """Change a district (admin)"""
        require_admin()
        session = request_session()
        district = _get_district(slug)
        districts.check_etag(district, DistrictSchema)
        try:
            operations.update_district(session, district, data)
        except operations.Conflict as exc:
            _conflict(exc)
        session.commit()
        return district

    @districts.etag
    @districts.response(204)
    def delete(self, slug):
        """Delete a district (admin)"""
        require_admin()
        session = request_session()
        district = _get_district(slug)
        districts.check_etag(district, DistrictSchema)
        operations.delete_district(session, district)
        session.commit()
