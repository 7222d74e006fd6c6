"""Changes to districts and centres."""

from sqlalchemy import select

from services.messaging.errors import FieldError
from services.partners.models import Centre, District, Meeting, Organisation, Partnership
from services.partners.operations.common import create_named, delete_record, ensure_unused, strip, update_named


def create_district(session, name: str, slug: str | None = None) -> District:
    return create_named(session, District, "district", {"name": name.strip(), "slug": slug})


def update_district(session, district: District, changes: dict) -> District:
    return update_named(session, district, "district", {key: strip(value) for key, value in changes.items()})


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
    return create_named(session, Centre, "centre", _resolve(session, data))


def update_centre(session, centre: Centre, data: dict) -> Centre:
    return update_named(session, centre, "centre", _resolve(session, data))


def delete_centre(session, centre: Centre) -> None:
    ensure_unused(session, "centre", [(Partnership, "centre_id", centre.id, "partnerships it coordinates"),
                                      (Meeting, "centre_id", centre.id, "meetings held there")])
    delete_record(session, centre, "centre.deleted")
