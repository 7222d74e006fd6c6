"""Districts and centres: public reads, admin writes."""


from services.messaging.http_guards import Blueprint
from services.partners import operations
from services.partners.api.routes import Collection, Record, admin_docs, route_collection, route_record, slug_from_name
from services.partners.models import Centre, District
from services.partners.schemas import CentreSchema, DistrictSchema, DistrictUpdateSchema, ListArgs

districts = Blueprint("districts", __name__, url_prefix="/api/v1/districts", description="The city's districts.")
centres = Blueprint("centres", __name__, url_prefix="/api/v1/centres", description="OSL and DOSL centres.")


route_collection(districts, Collection(
    District, DistrictSchema,
    lambda session, data: operations.create_district(session, data["name"], data.get("slug")),
    {"get": "List the districts, in Polish alphabetical order", "post": "Add a district (admin)"},
), "Districts")


route_record(districts, "/<slug>", Record(
    District, "district", DistrictSchema, keys=lambda slug: {"slug": slug},
    update=operations.update_district, delete=operations.delete_district, patch_input=DistrictUpdateSchema,
    put_defaults=slug_from_name(District),
    docs=admin_docs("district", left_out=None, slug=True, delete="that has no centres or partnerships"),
), "DistrictItem")


route_collection(centres, Collection(
    Centre, CentreSchema, operations.create_centre,
    {"get": "List the centres, in Polish alphabetical order; filter by district", "post": "Add a centre (admin)"},
    filters=ListArgs,
), "Centres")


route_record(centres, "/<slug>", Record(
    Centre, "centre", CentreSchema, keys=lambda slug: {"slug": slug},
    update=operations.update_centre, delete=operations.delete_centre,
    put_defaults=slug_from_name(Centre),
    docs=admin_docs("centre", left_out="emptied", slug=True, delete="that no partnership or meeting names"),
), "CentreItem")
