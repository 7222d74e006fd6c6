"""Districts and centres: public reads, admin writes."""

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
    update_item,
    version_etag,
)
from services.partners.auth import require_admin
from services.partners.models import Centre, District
from services.partners.operations import make_slug
from services.partners.schemas import CentreSchema, DistrictSchema, DistrictUpdateSchema, ListArgs
from services.partners.schemas.common import update_schema

districts = Blueprint("districts", __name__, url_prefix="/api/v1/districts", description="The city's districts.")
centres = Blueprint("centres", __name__, url_prefix="/api/v1/centres", description="OSL and DOSL centres.")


@districts.route("/")
class Districts(MethodView):
    @districts.response(200, DistrictSchema(many=True))
    @districts.paginate()
    def get(self, pagination_parameters):
        """List the districts, in Polish alphabetical order"""
        return page(select(District), pagination_parameters)

    @districts.arguments(DistrictSchema)
    @districts.response(201, DistrictSchema)
    def post(self, data):
        """Add a district (admin)"""
        require_admin()
        with changing() as session:
            district = operations.create_district(session, data["name"], data.get("slug"))
        return district


@districts.route("/<slug>")
class DistrictItem(MethodView):
    @districts.etag
    @districts.response(200, DistrictSchema)
    def get(self, slug):
        """Get one district"""
        district = get_or_404(District, "district", slug=slug)
        districts.set_etag(version_etag(district))
        return district

    @districts.etag
    @districts.arguments(DistrictUpdateSchema)
    @districts.response(200, DistrictSchema)
    def patch(self, data, slug):
        """Change a district (admin)"""
        require_admin()
        district = get_or_404(District, "district", slug=slug)
        return update_item(districts, district, operations.update_district, data)

    @districts.etag
    @districts.arguments(DistrictSchema)
    @districts.response(200, DistrictSchema)
    def put(self, data, slug):
        """Replace a district; a slug left out is made from the name (admin)"""
        require_admin()
        district = get_or_404(District, "district", slug=slug)
        values = replacement(DistrictSchema, data, slug=make_slug(data["name"]))
        return update_item(districts, district, operations.update_district, values)

    @districts.etag
    @districts.response(204)
    def delete(self, slug):
        """Delete a district that has no centres or partnerships (admin)"""
        require_admin()
        district = get_or_404(District, "district", slug=slug)
        check_and_tag(districts, district)
        with changing() as session:
            operations.delete_district(session, district)


@centres.route("/")
class Centres(MethodView):
    @centres.arguments(ListArgs, location="query")
    @centres.response(200, CentreSchema(many=True))
    @centres.paginate()
    def get(self, args, pagination_parameters):
        """List the centres, in Polish alphabetical order; filter by district"""
        return page(select(Centre), pagination_parameters, {"district": args.get("district")})

    @centres.arguments(CentreSchema)
    @centres.response(201, CentreSchema)
    def post(self, data):
        """Add a centre (admin)"""
        require_admin()
        with changing() as session:
            centre = operations.create_centre(session, data)
        return centre


@centres.route("/<slug>")
class CentreItem(MethodView):
    @centres.etag
    @centres.response(200, CentreSchema)
    def get(self, slug):
        """Get one centre"""
        centre = get_or_404(Centre, "centre", slug=slug)
        centres.set_etag(version_etag(centre))
        return centre

    @centres.etag
    @centres.arguments(update_schema(CentreSchema))
    @centres.response(200, CentreSchema)
    def patch(self, data, slug):
        """Change a centre (admin)"""
        require_admin()
        centre = get_or_404(Centre, "centre", slug=slug)
        return update_item(centres, centre, operations.update_centre, data)

    @centres.etag
    @centres.arguments(CentreSchema)
    @centres.response(200, CentreSchema)
    def put(self, data, slug):
        """Replace a centre: fields left out are emptied; a slug left out is made from the name (admin)"""
        require_admin()
        centre = get_or_404(Centre, "centre", slug=slug)
        values = replacement(CentreSchema, data, slug=make_slug(data["name"]))
        return update_item(centres, centre, operations.update_centre, values)

    @centres.etag
    @centres.response(204)
    def delete(self, slug):
        """Delete a centre that no partnership or meeting names (admin)"""
        require_admin()
        centre = get_or_404(Centre, "centre", slug=slug)
        check_and_tag(centres, centre)
        with changing() as session:
            operations.delete_centre(session, centre)
