"""Mails to the people who run the centres: an invitation to set a password, a password reset.

The partners service asks for one with ``account.mail.requested``; it is queued here as a notice like any other mail,
sent by the same sender with its retries, and forgotten once sent: the address and the one-time link are taken out of
the notice then. Neither is ever written to a log line: log lines name the notice and the account id.
"""

import logging
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import delete, select

from services.messaging.addresses import same_address
from services.messaging.envelope import Envelope
from services.messaging.messages.staff import ACCOUNT_MAILS
from services.messaging.registry import message_type
from services.notify.mail.compose import POLICY, _environment, translation
from services.notify.models import Notice
from services.notify.operations.subscribers import notice_export
from services.ui import dates
from services.ui.labels import N_
from services.ui.naming import public_name

log = logging.getLogger(__name__)

#: The Subject of each mail (English; translated like the templates, through services/ui/translations).
SUBJECTS = {"invitation": N_("Your invitation to the staff pages: {name}"),
            "password_reset": N_("A new password: {name}")}


def is_account_mail(kind: str) -> bool:
    return kind in ACCOUNT_MAILS


def queue_account_mail(session, envelope: Envelope) -> None:
    """``account.mail.requested``: one notice, to the address the message names."""
    data = message_type(envelope.type).schema.dump(message_type(envelope.type).schema.load(envelope.data))
    session.add(Notice(kind=data["template"], payload=data, status="queued", event_id=f"account:{data['account_id']}"))
    log.info("account #%s: %s mail queued", data["account_id"], data["template"])


def forgotten(payload: dict) -> dict:
    """What a sent account mail keeps: which mail it was, for whom (by id), not the address or the link."""
    return {key: payload[key] for key in ("account_id", "template", "language") if key in payload}


def unsent_to(session, email: str) -> list[Notice]:
    """The account mails not yet sent to ``email`` (any case): queued, being sent, or failed and resendable. Only
    these hold the address (a sent one is ``forgotten``). Few: read here."""
    waiting = session.scalars(select(Notice).where(Notice.kind.in_(ACCOUNT_MAILS), Notice.status != "sent")
                              .order_by(Notice.id))
    return [notice for notice in waiting if same_address(notice.payload.get("to"), email)]


def export_unsent(session, email: str) -> list[dict]:
    """GDPR export: the account mails not yet sent to ``email``, for whom (by id), never their one-time link."""
    return [{**notice_export(notice), "account_id": notice.payload.get("account_id")}
            for notice in unsent_to(session, email)]


def erase_unsent(session, email: str) -> int:
    """GDPR erase: the account mails not yet sent to ``email`` go (partners can send a new invitation or reset).
    Returns how many."""
    erased = [notice.id for notice in unsent_to(session, email)]
    if erased:
        session.execute(delete(Notice).where(Notice.id.in_(erased)))
    return len(erased)


def build_account_message(config: dict, *, kind: str, language: str, to: str, payload: dict, message_id: str,
                          now: datetime | None = None) -> EmailMessage:
    """The mail: text and HTML in the account's language, with the one-time link and when it stops working."""
    expires = datetime.fromisoformat(payload["expires_at"])
    context = {"link": payload["link"], "public_name": public_name(), "lang": language,
               # after "until" ("do"): the weekday in the genitive
               "expires": dates.moment(expires, language, genitive=True)}
    text = _environment(language).get_template(f"{kind}.txt").render(context)
    html = _environment(language).get_template(f"{kind}.html").render(context)
    message = EmailMessage(policy=POLICY)
    message["From"] = config["MAIL_FROM"]
    message["To"] = Address(addr_spec=to)
    message["Subject"] = translation(language).gettext(SUBJECTS[kind]).format(name=public_name())
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    message["Content-Language"] = language  # last: setting the content drops the Content-* headers before it
    return message
