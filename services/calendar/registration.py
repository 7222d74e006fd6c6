"""Whether residents register for an event through OSL (notify's form), a rule the events and notify services must
answer alike: the events service links to the form and shows places left; notify takes the registrations.

An event takes registrations here when it is public and scheduled, asks for registration (``required``) or has a
``capacity``, and gives no outside sign-up link (``url``: registration happens there instead).
"""


def takes_registrations(visibility: str, status: str, registration: dict | None) -> bool:
    registration = registration or {}
    return (visibility == "public" and status == "scheduled" and not registration.get("url")
            and bool(registration.get("required") or registration.get("capacity")))


def places_words(capacity: int | None, confirmed: int, waiting: int, language: str = "pl") -> str:
    """What a page or feed says of the places: "zostało 12 z 20 miejsc" ("zostały 2 z 20 miejsc"), or "lista
    rezerwowa" when none is left or someone already waits. Counts only, never a name."""
    if capacity is None:
        return {"pl": "są wolne miejsca", "en": "places available"}[language]
    left = max(capacity - confirmed, 0)
    if language == "en":
        noun = "place" if capacity == 1 else "places"
        return f"no places left (of {capacity}): waiting list" if left == 0 or waiting else \
            f"{left} of {capacity} {noun} left"
    noun = "miejsca" if capacity == 1 else "miejsc"  # "z 1 miejsca", "z 20 miejsc"
    if left == 0 or waiting:
        return f"brak miejsc (z {capacity}): lista rezerwowa"
    verb = "zostały" if left % 10 in (2, 3, 4) and left % 100 not in (12, 13, 14) else "zostało"
    return f"{verb} {left} z {capacity} {noun}"
