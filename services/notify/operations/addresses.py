"""GDPR by e-mail address: everything notify holds about one address, exported or erased in one operation, so every
caller (the admin API, a page, a CLI) covers all of it: the subscriber with their notices and subscribe requests,
the address's registrations, the partnership members' contact addresses with their meeting notices, the copies of
organisations whose contact address it is (a small NGO's is often a person's own) with their notices, a staff
member's account mails not yet sent (their payload holds the address until sent), and the mails written to it (the
embedded mail folder). Member contacts and organisations' copies come from partners, which owns them: an erased one
is held again only when partners sends a newer list or snapshot with the address."""

import logging

from services.notify import account_mail, meetings
from services.notify.operations.registration_upkeep import erase_registrations, export_registrations
from services.notify.operations.subscribers import erase, erase_mail_files, export, find_by_email, normalise_email

log = logging.getLogger(__name__)


class NothingHeld(LookupError):
    """Nothing is held about the address: the API answers 404."""

    def __init__(self):
        super().__init__("No subscriber, registration, member or organisation contact, or unsent account mail with "
                         "this address.")


def export_address(session, email: str, secret: str) -> dict:
    """Everything held about ``email`` (any case): the subscriber's data, if one, with ``registrations``,
    ``member_contacts``, ``organisation_contacts`` and ``account_mails``. Raises NothingHeld."""
    subscriber = find_by_email(session, email)
    held = {"registrations": export_registrations(session, email),
            "member_contacts": meetings.export_contacts(session, email),
            "organisation_contacts": meetings.export_organisation_contacts(session, email),
            "account_mails": account_mail.export_unsent(session, email)}
    if subscriber is None and not any(held.values()):
        raise NothingHeld()
    exported = export(session, subscriber, secret) if subscriber is not None else {"email": normalise_email(email)}
    return {**exported, **held}


def erase_address(session, email: str, secret: str, mail_dir=None) -> dict:
    """Erase every trace of ``email`` (any case), in the caller's transaction, and the mails written to it in
    ``mail_dir``. Returns how many of each kind went. Raises NothingHeld (and erases nothing).

    The mail files go once the rows are flushed, before the caller commits: should the commit fail, the address is
    still held and the erase is asked again; its mails are gone either way, as the person asked."""
    subscriber = find_by_email(session, email)
    erased = {"subscriber": 0, "registrations": erase_registrations(session, email),
              "member_contacts": meetings.erase_contacts(session, email),
              "organisation_contacts": meetings.erase_organisation_contacts(session, email),
              "account_mails": account_mail.erase_unsent(session, email)}
    if subscriber is None and not any(erased.values()):
        raise NothingHeld()
    if subscriber is not None:
        erase(session, subscriber, secret)
        erased["subscriber"] = 1
    session.flush()
    erased["mail_files"] = erase_mail_files(mail_dir, email)
    log.info("an address erased: %s", ", ".join(f"{count} {kind}" for kind, count in erased.items()))
    return erased

