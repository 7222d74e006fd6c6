"""The set-up every partners test shares: the app with a client and the record makers bound to it."""

from functools import partial

import pytest

from tests.partners import helpers


class Partners:
    """The partners app under test, its test client, and the helpers of tests/partners/helpers.py bound to them."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.make_district = partial(helpers.make_district, self.client)
        self.make_organisation = partial(helpers.make_organisation, self.client)
        self.make_centre = partial(helpers.make_centre, self.client)
        self.make_partnership = partial(helpers.make_partnership, self.client)
        self.add_member = partial(helpers.add_member, self.client)
        self.issue_key = partial(helpers.issue_key, self.client)
        self.with_etag = partial(helpers.with_etag, self.client)
        self.partnership_with_coordinator = partial(helpers.partnership_with_coordinator, self.client)

    def outbox(self) -> list:
        return helpers.outbox(self.app)

    def outbox_types(self) -> list[str]:
        return helpers.outbox_types(self.app)

    def public_outbox_types(self) -> list[str]:
        return helpers.public_outbox_types(self.app)

    def session(self):
        return self.app.extensions["osl"].database.session()


@pytest.fixture
def partners(partners_app) -> Partners:
    return Partners(partners_app)


@pytest.fixture
def partnership(partners) -> dict:
    """The partnership of Ostatni Grosz, in its district, with no members yet."""
    partners.make_district()
    return partners.make_partnership()
