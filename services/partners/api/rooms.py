"""The rooms of the centres: public reads, admin writes."""

from flask.views import MethodView
from sqlalchemy import select

from services.messaging.http_guards import Blueprint
from services.partners import operations
from services.partners.api.common import changing, get_or_404, page
from services.partners.api.routes import Record, route_record
from services.partners.auth import require_admin
from services.partners.models import Centre, Room
from services.partners.schemas import RoomListArgs, RoomSchema

rooms = Blueprint("rooms", __name__, url_prefix="/api/v1/rooms",
                  description="The bookable rooms of the centres: hours, closures, buffer, horizon, approval.")


@rooms.route("/")
class Rooms(MethodView):
    @rooms.page_of(RoomSchema, RoomListArgs)
    def get(self, args, pagination_parameters):
        """List the rooms by centre and name; filter by centre"""
        query = select(Room)
        if args.get("centre"):
            query = query.where(Room.centre_id == get_or_404(Centre, "centre", slug=args["centre"]).id)
        return page(query, pagination_parameters, key=lambda room: (room.centre_id, room.name, room.id))

    @rooms.arguments(RoomSchema)
    @rooms.response(201, RoomSchema)
    def post(self, data):
        """Add a room to a centre (admin)"""
        require_admin()
        with changing() as session:
            return operations.create_room(session, data)


route_record(rooms, "/<int:room_id>", Record(
    Room, "room", RoomSchema, keys=lambda room_id: {"id": room_id},
    update=operations.update_room, delete=operations.delete_room,
    put_defaults=lambda data: {"step_free": False, "accessible_toilet": False, "equipment": [],
                               "bookable_hours": {}, "closures": [], "open_on": [], "buffer_minutes": 0,
                               "horizon_days": 365, "requires_approval": False},
    docs={
        "get": "Get one room",
        "patch": "Change a room (admin)",
        "put": "Replace a room: fields left out go back to their defaults (admin)",
        "delete": "Delete a room (admin), unless a partner meeting still to come names it (409); the events service "
                  "keeps its bookings",
    },
), "RoomItem")
