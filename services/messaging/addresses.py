"""E-mail addresses as every service keeps and compares them: without the spaces around them, in lower case. Two
addresses that differ only in case are one person's (an account, a subscriber, a registration, a member contact),
for sign-in, rate limits, sending one notice and GDPR export and erase alike."""


def normalise_email(email: str) -> str:
    """The address as it is stored and compared."""
    return email.strip().lower()


def same_address(one: str | None, other: str | None) -> bool:
    """Whether two addresses, as given, are one (neither missing)."""
    return bool(one) and bool(other) and normalise_email(one) == normalise_email(other)
