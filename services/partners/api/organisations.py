"""Organisations (public reads), their API keys and admin keys (admin), and people (admin only)."""

from types import SimpleNamespace

from flask.views import MethodView

from services.messaging.http_guards import Blueprint
from services.messaging.web import request_session
from services.partners import operations
from services.partners.api.common import admin_read, changing, get_or_404
from services.partners.api.routes import (
    Collection,
    Record,
    admin_docs,
    admin_only,
    route_collection,
    route_record,
    slug_from_name,
)
from services.partners.auth import require_admin
from services.partners.models import ApiKey, Organisation, Person
from services.partners.schemas import ApiKeyArgs, ApiKeySchema, IssuedKeySchema, OrganisationSchema, PersonSchema

organisations = Blueprint("organisations", __name__, url_prefix="/api/v1/organisations",
                          description="NGOs, institutions and MOPS, with their API keys.")
people = Blueprint("people", __name__, url_prefix="/api/v1/people",
                   description="Individual partners: personal data, admins only.")
admin_keys = Blueprint("admin_keys", __name__, url_prefix="/api/v1/admin-keys",
                       description="Admin keys, issued by an admin.")


def _issued(row: ApiKey, key: str) -> SimpleNamespace:
    """The new key's facts plus the key itself, for this one answer."""
    return SimpleNamespace(**{name: getattr(row, name) for name in ApiKeySchema().fields}, key=key)


route_collection(organisations, Collection(
    Organisation, OrganisationSchema, operations.create_organisation,
    {"get": "List the organisations, in Polish alphabetical order", "post": "Add an organisation (admin)"},
), "Organisations")


route_record(organisations, "/<int:organisation_id>", Record(
    Organisation, "organisation", OrganisationSchema, keys=lambda organisation_id: {"id": organisation_id},
    update=operations.update_organisation, delete=operations.delete_organisation,
    put_defaults=slug_from_name(Organisation),
    docs=admin_docs("organisation", article="an", left_out="emptied", slug=True,
                    delete="that runs no centre and belongs to no partnership"),
), "OrganisationItem")


@organisations.route("/<int:organisation_id>/api-keys")
class OrganisationKeys(MethodView):
    @admin_read(organisations, ApiKeySchema(many=True))
    def get(self, organisation_id):
        """List the organisation's keys by prefix (admin)"""
        organisation = get_or_404(Organisation, "organisation", id=organisation_id)
        return operations.organisation_keys(request_session(), organisation)

    @organisations.arguments(ApiKeyArgs)
    @organisations.response(201, IssuedKeySchema)
    def post(self, data, organisation_id):
        """Issue a key to the organisation; the key is in the answer, this once only (admin)"""
        require_admin()
        organisation = get_or_404(Organisation, "organisation", id=organisation_id)
        with changing() as session:
            row, key = operations.issue_key(session, organisation, data.get("scopes"))
        return _issued(row, key)


@organisations.route("/<int:organisation_id>/api-keys/<int:key_id>")
class OrganisationKeyItem(MethodView):
    @organisations.response(200, ApiKeySchema)
    def delete(self, organisation_id, key_id):
        """Revoke a key; it stays listed with its revoked_at (admin)"""
        require_admin()
        row = get_or_404(ApiKey, "API key of this organisation", id=key_id, organisation_id=organisation_id)
        with changing() as session:
            operations.revoke_key(session, row)
        return row


@admin_keys.route("/")
class AdminKeys(MethodView):
    @admin_read(admin_keys, ApiKeySchema(many=True))
    def get(self):
        """List the admin keys by prefix (admin)"""
        return operations.organisation_keys(request_session(), None)

    @admin_keys.response(201, IssuedKeySchema)
    def post(self):
        """Issue an admin key; the key is in the answer, this once only (admin)"""
        require_admin()
        with changing() as session:
            row, key = operations.issue_key(session, None)
        return _issued(row, key)


@admin_keys.route("/<int:key_id>")
class AdminKeyItem(MethodView):
    @admin_keys.response(200, ApiKeySchema)
    def delete(self, key_id):
        """Revoke an admin key (admin)"""
        require_admin()
        row = get_or_404(ApiKey, "admin key", id=key_id, organisation_id=None)
        with changing() as session:
            operations.revoke_key(session, row)
        return row


route_collection(people, Collection(
    Person, PersonSchema, operations.create_person,
    {"get": "List the people (admin)", "post": "Add a person (admin)"},
    may_list=require_admin,
), "People")


route_record(people, "/<int:person_id>", Record(
    Person, "person", PersonSchema, keys=lambda person_id: {"id": person_id},
    update=operations.update_person, delete=operations.delete_person,
    may_read=admin_only,
    docs=admin_docs("person", left_out="emptied", delete="who is in no partnership", admin_reads=True),
), "PersonItem")
