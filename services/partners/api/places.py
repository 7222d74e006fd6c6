"""Districts and centres: public reads, admin writes."""

from flask.views import MethodView
from sqlalchemy import select

from services.messaging.http_guards import Blueprint
from services.partners import operations
from services.partners.api.common import Record, changing, page, route_record
from services.partners.auth import require_admin
from services.partners.models import Centre, District
from services.partners.operations import make_slug
from services.partners.schemas import CentreSchema, DistrictSchema, DistrictUpdateSchema, ListArgs

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


route_record(districts, "/<slug>", Record(
    District, "district", DistrictSchema, keys=lambda slug: {"slug": slug},
    update=operations.update_district, delete=operations.delete_district, patch_input=DistrictUpdateSchema,
    put_defaults=lambda data: {"slug": make_slug(data["name"])},
    docs={
        "get": "Get one district",
        "patch": "Change a district (admin)",
        "put": "Replace a district; a slug left out is made from the name (admin)",
        "delete": "Delete a district that has no centres or partnerships (admin)",
    },
), "DistrictItem")


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


route_record(centres, "/<slug>", Record(
    Centre, "centre", CentreSchema, keys=lambda slug: {"slug": slug},
    update=operations.update_centre, delete=operations.delete_centre,
    put_defaults=lambda data: {"slug": make_slug(data["name"])},
    docs={
        "get": "Get one centre",
        "patch": "Change a centre (admin)",
        "put": "Replace a centre: fields left out are emptied; a slug left out is made from the name (admin)",
        "delete": "Delete a centre that no partnership or meeting names (admin)",
    },
), "CentreItem")
