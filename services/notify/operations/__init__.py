"""notify's writes, one module per job: subscribers (subscribe, confirm, preferences, unsubscribe, erase,
export), addresses (GDPR by address: everything held about one exported or erased in one operation), notices
(queueing a notice or digest, stopping and resending, the sender's claims and outcomes), registrations (register,
cancel, promote, settings) and registration_upkeep (an event's changes, reminders, expiry, retention, export and
erase). Callers use ``operations.<name>``; every name lives in exactly one of the modules below."""

from services.notify.operations.addresses import NothingHeld, erase_address, export_address  # noqa: F401
from services.notify.operations.notices import (  # noqa: F401
    CLAIMED,
    claim_due,
    failed,
    queue_confirmation,
    queue_digest,
    queue_notice,
    record_outcome,
    release_claims,
    renew_claims,
    resend,
    resend_failed,
    retry_later,
    sent,
    stop_notices,
)
from services.notify.operations.registration_mails import waiting_position  # noqa: F401
from services.notify.operations.registration_settings import (  # noqa: F401
    DEFAULT_MAX_PEOPLE,
    capacity_of,
    most_people,
    registration_open,
    registration_settings,
    set_registration_settings,
)
from services.notify.operations.registration_upkeep import (  # noqa: F401
    anonymise_registrations,
    erase_registrations,
    expire_unconfirmed,
    export_registrations,
    follow_event,
    queue_reg_reminders,
    registrations_of,
)
from services.notify.operations.registrations import (  # noqa: F401
    Registered,
    TooManyPeople,
    cancel_registration,
    confirm_registration,
    find_occurrence,
    promote,
    publish_counts,
    register_for,
    register_within_limits,
    withdraw,
)
from services.notify.operations.subscribers import (  # noqa: F401
    PREFERENCES,
    UnknownDistricts,
    check_districts,
    confirm,
    erase,
    erase_mail_files,
    export,
    find_by_email,
    find_by_key,
    iso_or_none,
    normalise_choices,
    normalise_email,
    notice_export,
    subscribe,
    subscribe_within_limits,
    unsubscribe,
    update_preferences,
)
