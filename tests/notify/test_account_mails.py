"""The account mails (invitation, password reset) say until when their link works as Polish says it: after "do" the
weekday is in the genitive ("do czwartku, 3 grudnia 2026, 18:00")."""

import re

import pytest

from services.notify.account_mail import build_account_message

CONFIG = {"MAIL_FROM": "OSL <powiadomienia@osl.example>"}


def _text(kind: str, language: str, expires_at: str) -> str:
    message = build_account_message(CONFIG, kind=kind, language=language, to="ewa@sasiedzi.example",
                                    payload={"link": "https://osl.example/staff/password#token=t",
                                             "expires_at": expires_at}, message_id="<1@osl.example>")
    return " ".join(message.get_body(("plain",)).get_content().split())


@pytest.mark.parametrize("kind", ["invitation", "password_reset"])
def test_the_link_works_until_a_weekday_in_the_genitive(kind):
    # 3 December 2026 is a Thursday; 17:00 UTC is 18:00 in Warsaw.
    assert "Link działa raz, do czwartku, 3 grudnia 2026, 18:00." in _text(kind, "pl", "2026-12-03T17:00:00+00:00")
    assert "do poniedziałku, 7 grudnia 2026, 18:00." in _text(kind, "pl", "2026-12-07T17:00:00+00:00")
    assert "until Thursday, 3 December 2026, 18:00." in _text(kind, "en", "2026-12-03T17:00:00+00:00")


@pytest.mark.parametrize("kind", ["invitation", "password_reset"])
def test_a_mail_with_nothing_in_its_footer_has_no_empty_ruled_paragraph(kind):
    """The layout's footer paragraph (a rule above it) is there only when the mail has a footer to say."""
    message = build_account_message(CONFIG, kind=kind, language="pl", to="ewa@sasiedzi.example",
                                    payload={"link": "https://osl.example/staff/password#token=t",
                                             "expires_at": "2026-12-03T17:00:00+00:00"}, message_id="<1@osl.example>")
    html = message.get_body(("html",)).get_content()
    assert not re.search(r'<p style="[^"]*border-top[^"]*">\s*</p>', html), html


@pytest.mark.parametrize("language", ["pl", "en"])
def test_an_invitation_promises_only_what_every_account_can_do(language):
    """Editors add their organisation's events and coordinators plan meetings; an organisation's details are kept by
    MOPS alone (the partners API and pages refuse editors), so the invitation does not promise them."""
    text = _text("invitation", language, "2026-12-03T17:00:00+00:00")
    assert {"pl": "dane organizacji", "en": "details"}[language] not in text
    assert {"pl": "dodawać wydarzenia", "en": "add events"}[language] in text
