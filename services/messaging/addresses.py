"""E-mail addresses as every service keeps and compares them: without the spaces around them, in lower case. Two
addresses that differ only in case are one person's (an account, a subscriber, a registration, a member contact),
for sign-in, rate limits, sending one notice and GDPR export and erase alike.

Phone numbers are kept as they were typed ("34 360 00 01") and compared by their digits, Poland's country code
(+48, 0048) left out: "+48 600-100-200" and "600 100 200" are one number."""

#: Poland's country code, and how many digits a Polish number has after it.
POLAND, POLISH_DIGITS = "48", 9


def normalise_email(email: str) -> str:
    """The address as it is stored and compared."""
    return email.strip().lower()


def same_address(one: str | None, other: str | None) -> bool:
    """Whether two addresses, as given, are one (neither missing)."""
    return bool(one) and bool(other) and normalise_email(one) == normalise_email(other)


def normalise_phone(phone: str) -> str:
    """The number as it is compared: its digits, without an international prefix (00) or Poland's code."""
    digits = "".join(char for char in phone if char.isdigit()).removeprefix("00")
    if len(digits) == len(POLAND) + POLISH_DIGITS and digits.startswith(POLAND):
        return digits[len(POLAND):]
    return digits


def same_phone(one: str | None, other: str | None) -> bool:
    """Whether two phone numbers, as typed, are one (neither missing)."""
    return bool(one) and bool(other) and normalise_phone(one) == normalise_phone(other)
