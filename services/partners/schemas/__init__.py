"""HTTP schemas of the partners API."""

from services.partners.schemas.common import ListArgs
from services.partners.schemas.organisations import (
    ApiKeyArgs,
    ApiKeySchema,
    IssuedKeySchema,
    OrganisationSchema,
    PersonSchema,
)
from services.partners.schemas.partnerships import (
    AgreementSchema,
    ContributionSchema,
    MeetingSchema,
    MembershipChangeSchema,
    MembershipSchema,
    PartnershipListArgs,
    PartnershipSchema,
)
from services.partners.schemas.places import CentreSchema, DistrictSchema, DistrictUpdateSchema
from services.partners.schemas.rooms import RoomListArgs, RoomSchema

__all__ = ["ListArgs", "ApiKeyArgs", "ApiKeySchema", "IssuedKeySchema", "OrganisationSchema", "PersonSchema",
           "AgreementSchema", "ContributionSchema", "MeetingSchema", "MembershipSchema", "MembershipChangeSchema",
           "PartnershipListArgs", "PartnershipSchema", "CentreSchema", "DistrictSchema", "DistrictUpdateSchema",
           "RoomListArgs", "RoomSchema"]
