"""Changes to districts and centres."""

from sqlalchemy import select

from services.messaging.errors import FieldError
from services.partners.models import Centre, District, Meeting, Organisation, Partnership, Room
from services.partners.operations.common import (
    delete_record,
    ensure_unique,
    ensure_unused,
    make_slug,
    save_new,
    save_update,
    strip,
)


def create_district(session, name: str, slug: str | None = None) -> District:
    name = name.strip()
    slug = slug or make_slug(name)
    ensure_unique(session, District, "district", name=name, slug=slug)
    return save_new(session, District(name=name, slug=slug), "district.created")


def update_district(session, district: District, changes: dict) -> District:
    changes = {key: strip(value) for key, value in changes.items()}
    ensure_unique(session, District, "district", exclude_id=district.id,
                  **{key: value for key, value in changes.items() if getattr(district, key) != value})
    save_update(session, district, changes, "district.updated")
    return district


def delete_district(session, district: District) -> None:
    ensure_unused(session, "district", [(Centre, "district_id", district.id, "centres"),
                                        (Partnership, "district_id", district.id, "partnerships")])
    delete_record(session, district, "district.deleted")


def ensure_district(session, name: str) -> tuple[District, bool]:
    """The district of that name, created if missing; the flag says whether it was created."""
    existing = session.scalar(select(District).where(District.name == name))
    if existing is not None:
        return existing, False
    return create_district(session, name), True


def district_by_slug(session, slug: str, field: str = "district") -> District:
    district = session.scalar(select(District).where(District.slug == slug))
    if district is None:
        raise FieldError(field, f"No district with slug {slug!r}.")
    return district


def centre_by_slug(session, slug: str | None, field: str = "centre") -> Centre | None:
    if slug is None:
        return None
    centre = session.scalar(select(Centre).where(Centre.slug == slug))
    if centre is None:
        raise FieldError(field, f"No centre with slug {slug!r}.")
    return centre


def _resolve(session, data: dict) -> dict:
    """API input → column values: the district slug becomes its id; the operator must exist."""
    values = {key: strip(value) for key, value in data.items()}
    if "district_slug" in values:
        values["district_id"] = district_by_slug(session, values.pop("district_slug")).id
    operator_id = values.get("operator_id")
    if operator_id is not None and session.get(Organisation, operator_id) is None:
        raise FieldError("operator_id", f"No organisation with id {operator_id}.")
    return values


def create_centre(session, data: dict) -> Centre:
    values = _resolve(session, data)
    values.setdefault("slug", make_slug(values["name"]))
    ensure_unique(session, Centre, "centre", name=values["name"], slug=values["slug"])
    return save_new(session, Centre(**values), "centre.created")


def update_centre(session, centre: Centre, data: dict) -> Centre:
    values = _resolve(session, data)
    unique = {key: values[key] for key in ("name", "slug") if key in values and values[key] != getattr(centre, key)}
    ensure_unique(session, Centre, "centre", exclude_id=centre.id, **unique)
    save_update(session, centre, values, "centre.updated")
    return centre


def delete_centre(session, centre: Centre) -> None:
    ensure_unused(session, "centre", [(Partnership, "centre_id", centre.id, "partnerships it coordinates"),
                                      (Meeting, "centre_id", centre.id, "meetings held there"),
                                      (Room, "centre_id", centre.id, "rooms")])
    delete_record(session, centre, "centre.deleted")
