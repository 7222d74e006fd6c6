"""One rule for e-mail addresses (services/messaging/addresses.py): kept and compared stripped and in lower case, so
an address typed with capitals is the same person in every service and every check."""

from services.messaging.addresses import normalise_email, same_address


def test_an_address_is_kept_stripped_and_in_lower_case():
    assert normalise_email("  Anna.Nowak@Example.ORG ") == "anna.nowak@example.org"


def test_two_addresses_differing_in_case_or_spaces_are_one_and_a_missing_one_is_none():
    assert same_address("Biuro@Zrodlo.example", " biuro@zrodlo.example")
    assert not same_address("biuro@zrodlo.example", "sekretariat@zrodlo.example")
    assert not same_address(None, "biuro@zrodlo.example") and not same_address("", "")
