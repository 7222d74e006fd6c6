"""An e-mail address with letters outside ASCII: before the @ most mail servers cannot take it (Python's mail code
refuses to write it), so the form and the API refuse it at once, naming the field; a domain with Polish letters is
kept in its ASCII form (IDNA), which every server can reach. Once such an address was accepted and nothing was
ever sent to it: a place on the list was held for a mail that never went."""

import pytest

from tests.notify.conftest import folder_mails
from tests.notify.registrations import publish_event, resident
from tests.notify.test_operations import REQUEST, send_all, subscriber
from tests.notify.test_pages import FORM, field_error, post_form

NOT_ASCII = ["zażółć@example.pl", "łucja.żak@example.pl"]


@pytest.mark.parametrize("address", NOT_ASCII)
def test_the_api_refuses_an_address_with_polish_letters_before_the_at(notify, address):
    client = notify.test_client()
    answer = client.post("/api/v1/subscriptions/", json={**REQUEST, "email": address})
    assert answer.status_code == 422 and "email" in answer.json["errors"]["json"]
    publish_event(notify, capacity=5)
    registered = client.post("/api/v1/registrations/", json=resident(1, email=address))
    assert registered.status_code == 422 and "email" in registered.json["errors"]["json"]


def test_the_subscribe_form_says_so_in_polish(notify):
    answer = post_form(notify.test_client(), "/subscribe", {**FORM, "email": "zażółć@example.pl"})
    assert answer.status_code == 422
    assert "polskich liter" in field_error(answer.text, "email")


def test_a_domain_with_polish_letters_is_kept_in_its_ascii_form_and_mailed(notify, mail_dir):
    answer = notify.test_client().post("/api/v1/subscriptions/", json={**REQUEST, "email": "Jan@Łódź.pl"})
    assert answer.status_code == 202
    assert subscriber(notify, "jan@xn--d-uga0v4h.pl") is not None
    assert send_all(notify) == 1
    assert folder_mails(mail_dir)[0]["To"].addresses[0].addr_spec == "jan@xn--d-uga0v4h.pl"
