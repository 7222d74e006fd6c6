"""The installation's public name and Polish alphabetical order: one setting and one rule for every service.

``OSL_PUBLIC_NAME`` names the installation in every feed (its name and PRODID), page and e-mail, so another city runs
the same code under its own name; ``OSL_CITY`` names its city, which a map search adds to an address that leaves it
out. Both are read when asked, not at import, so a process started with a new value (or a test that sets it) sees it.
"""

import os
import unicodedata

DEFAULT_PUBLIC_NAME = "OSL Częstochowa"
DEFAULT_CITY = "Częstochowa"

#: The Polish alphabet (with q, v, x for foreign words): each accented letter right after its base letter.
POLISH_ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
_RANK = {letter: rank for rank, letter in enumerate(POLISH_ALPHABET)}
_DIGIT_RANK = -20  # digits before letters, as ICU orders them
_SPACE_RANK = -30  # a space or hyphen before any letter, so "Stare Miasto" precedes "Starówka"


def public_name() -> str:
    """The installation's public name: ``OSL_PUBLIC_NAME``, or "OSL Częstochowa"."""
    return (os.environ.get("OSL_PUBLIC_NAME") or "").strip() or DEFAULT_PUBLIC_NAME


def city() -> str:
    """The installation's city: ``OSL_CITY``, or "Częstochowa"."""
    return (os.environ.get("OSL_CITY") or "").strip() or DEFAULT_CITY


def feed_name(subject: str | None = None) -> str:
    """A calendar's name as calendar apps show it: "OSL Częstochowa: Raków", or "…: wydarzenia" for all events."""
    return f"{public_name()}: {subject or 'wydarzenia'}"


def _rank(char: str) -> tuple[int, int]:
    if char in _RANK:
        return _RANK[char], 0
    if char in "0123456789":
        return _DIGIT_RANK + int(char), 0
    if not char.isalnum():
        return _SPACE_RANK, ord(char)
    # A foreign letter (é, ü) sorts with its base letter, after it, as ICU's Polish rules do.
    base = unicodedata.normalize("NFKD", char)[0]
    return (_RANK[base], ord(char)) if base in _RANK else (len(_RANK), ord(char))


def polish_key(text: str) -> tuple:
    """Sort key for Polish alphabetical order: Stradom, Śródmieście, Trzech Wieszczów; Lisiniec, Łódzka.

    Case is ignored first and only breaks ties. Sorting is done in Python after the query, so the order is the same
    on SQLite and PostgreSQL.
    """
    return tuple(_rank(char) for char in text.casefold()), text


def polish_sorted(rows, attribute: str | None = "name") -> list:
    """``rows`` sorted by ``attribute`` (or themselves: strings) in Polish order; also the ``polish_sort`` filter."""
    return sorted(rows, key=lambda row: polish_key(getattr(row, attribute) if attribute else row))


#: Letters NFKD does not take apart: ł is a letter of its own to Unicode.
_UNSPLIT = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss"})


def folded(text: str) -> str:
    """``text`` as searched: lower case, Polish letters as their base letters (ą→a, ć→c, ę→e, ł→l, ń→n, ó→o, ś→s,
    ź→z, ż→z; other accents alike), so "cwiczenia" finds "Ćwiczenia" as residents type on phones without them. The
    stored search text and the words searched are folded by this one rule, so SQLite and PostgreSQL compare the
    same plain letters."""
    split = unicodedata.normalize("NFKD", text.casefold().translate(_UNSPLIT))
    return "".join(char for char in split if not unicodedata.combining(char))
