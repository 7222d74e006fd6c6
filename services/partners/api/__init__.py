"""The partners HTTP API: thin views over operations, one blueprint per area."""

from services.partners.api.accounts import blp as accounts
from services.partners.api.meetings import records
from services.partners.api.organisations import admin_keys, organisations, people
from services.partners.api.partnerships import partnerships
from services.partners.api.places import centres, districts
from services.partners.api.rooms import rooms

BLUEPRINTS = (districts, centres, organisations, people, admin_keys, partnerships, records, rooms, accounts)
