"""Organisations (public reads), their API keys and admin keys (admin), and people (admin only)."""

from types import SimpleNamespace

from flask.views import MethodView
from sqlalchemy import select

from services.messaging.http_guards import BEARER, Blueprint
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
from services.partners.models import ApiKey, Organisation, Person
from services.partners.schemas import ApiKeyArgs, ApiKeySchema, IssuedKeySchema, OrganisationSchema, PersonSchema
from services.partners.schemas.common import update_schema

organisations = Blueprint("organisations", __name__, url_prefix="/api/v1/organisations",
                          description="NGOs, institutions and MOPS, with their API keys.")
people = Blueprint("people", __name__, url_prefix="/api/v1/people",
                   description="Individual partners: personal data, admins only.")
admin_keys = Blueprint("admin_keys", __name__, url_prefix="/api/v1/admin-keys",
                       description="Admin keys, issued by an admin.")


def _issued(row: ApiKey, key: str) -> SimpleNamespace:
    """The new key's facts plus the key itself, for this one answer."""
    return SimpleNamespace(**{name: getattr(row, name) for name in ApiKeySchema().fields}, key=key)


@organisations.route("/")
class Organisations(MethodView):
    @organisations.response(200, OrganisationSchema(many=True))
    @organisations.paginate()
    def get(self, pagination_parameters):
        """List the organisations, in Polish alphabetical order"""
        return page(select(Organisation), pagination_parameters)

    @organisations.arguments(OrganisationSchema)
    @organisations.response(201, OrganisationSchema)
    def post(self, data):
        """Add an organisation (admin)"""
        require_admin()
        with changing() as session:
            organisation = operations.create_organisation(session, data)
        return organisation


@organisations.route("/<int:organisation_id>")
class OrganisationItem(MethodView):
    @organisations.etag
    @organisations.response(200, OrganisationSchema)
    def get(self, organisation_id):
        """Get one organisation"""
        organisation = get_or_404(Organisation, "organisation", id=organisation_id)
        organisations.set_etag(version_etag(organisation))
        return organisation

    @organisations.etag
    @organisations.arguments(update_schema(OrganisationSchema))
    @organisations.response(200, OrganisationSchema)
    def patch(self, data, organisation_id):
        """Change an organisation (admin)"""
        require_admin()
        organisation = get_or_404(Organisation, "organisation", id=organisation_id)
        return update_item(organisations, organisation, operations.update_organisation, data)

    @organisations.etag
    @organisations.arguments(OrganisationSchema)
    @organisations.response(200, OrganisationSchema)
    def put(self, data, organisation_id):
        """Replace an organisation: fields left out are emptied; a slug left out is made from the name (admin)"""
        require_admin()
        organisation = get_or_404(Organisation, "organisation", id=organisation_id)
        values = replacement(OrganisationSchema, data, slug=operations.make_slug(data["name"]))
        return update_item(organisations, organisation, operations.update_organisation, values)

    @organisations.etag
    @organisations.response(204)
    def delete(self, organisation_id):
        """Delete an organisation that runs no centre and belongs to no partnership (admin)"""
        require_admin()
        organisation = get_or_404(Organisation, "organisation", id=organisation_id)
        check_and_tag(organisations, organisation)
        with changing() as session:
            operations.delete_organisation(session, organisation)


@organisations.route("/<int:organisation_id>/api-keys")
class OrganisationKeys(MethodView):
    @organisations.doc(security=BEARER)
    @organisations.response(200, ApiKeySchema(many=True))
    def get(self, organisation_id):
        """List the organisation's keys by prefix (admin)"""
        require_admin()
        organisation = get_or_404(Organisation, "organisation", id=organisation_id)
        with changing() as session:
            return operations.organisation_keys(session, organisation)

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
    @admin_keys.doc(security=BEARER)
    @admin_keys.response(200, ApiKeySchema(many=True))
    def get(self):
        """List the admin keys by prefix (admin)"""
        require_admin()
        with changing() as session:
            return operations.organisation_keys(session, None)

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


@people.route("/")
class People(MethodView):
    @people.doc(security=BEARER)
    @people.response(200, PersonSchema(many=True))
    @people.paginate()
    def get(self, pagination_parameters):
        """List the people (admin)"""
        require_admin()
        return page(select(Person), pagination_parameters)

    @people.arguments(PersonSchema)
    @people.response(201, PersonSchema)
    def post(self, data):
        """Add a person (admin)"""
        require_admin()
        with changing() as session:
            person = operations.create_person(session, data)
        return person


@people.route("/<int:person_id>")
class PersonItem(MethodView):
    @people.doc(security=BEARER)
    @people.etag
    @people.response(200, PersonSchema)
    def get(self, person_id):
        """Get one person (admin)"""
        require_admin()
        person = get_or_404(Person, "person", id=person_id)
        people.set_etag(version_etag(person))
        return person

    @people.etag
    @people.arguments(update_schema(PersonSchema))
    @people.response(200, PersonSchema)
    def patch(self, data, person_id):
        """Change a person (admin)"""
        require_admin()
        person = get_or_404(Person, "person", id=person_id)
        return update_item(people, person, operations.update_person, data)

    @people.etag
    @people.arguments(PersonSchema)
    @people.response(200, PersonSchema)
    def put(self, data, person_id):
        """Replace a person's data: fields left out are emptied (admin)"""
        require_admin()
        person = get_or_404(Person, "person", id=person_id)
        return update_item(people, person, operations.update_person, replacement(PersonSchema, data))

    @people.etag
    @people.response(204)
    def delete(self, person_id):
        """Delete a person who is in no partnership (admin)"""
        require_admin()
        person = get_or_404(Person, "person", id=person_id)
        check_and_tag(people, person)
        with changing() as session:
            operations.delete_person(session, person)
