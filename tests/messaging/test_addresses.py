"""One rule for e-mail addresses (services/messaging/addresses.py): kept and compared stripped and in lower case, so
an address typed with capitals is the same person in every service and every check; phone numbers by their digits."""

from services.messaging.addresses import normalise_email, normalise_phone, same_address, same_phone


def test_an_address_is_kept_stripped_and_in_lower_case():
    assert normalise_email("  Anna.Nowak@Example.ORG ") == "anna.nowak@example.org"


def test_two_addresses_differing_in_case_or_spaces_are_one_and_a_missing_one_is_none():
    assert same_address("Biuro@Zrodlo.example", " biuro@zrodlo.example")
    assert not same_address("biuro@zrodlo.example", "sekretariat@zrodlo.example")
    assert not same_address(None, "biuro@zrodlo.example") and not same_address("", "")


def test_a_phone_number_is_compared_by_its_digits_without_polands_country_code():
    assert normalise_phone("+48 600-100-200") == normalise_phone("600 100 200") == "600100200"
    assert normalise_phone("0048 (34) 360 00 01") == normalise_phone("34 360 00 01") == "343600001"
    assert normalise_phone("+44 20 7946 0000") == "442079460000"  # another country's code stays
    assert same_phone("600 100 200", "+48600100200")
    assert not same_phone("600 100 200", "600 100 201")
    assert not same_phone(None, "600 100 200") and not same_phone("", "")
