"""The Polish catalogue speaks to residents formally ("Pani/Pan") and without gendered slashes; staff pages keep
their own register, listed here by message."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).parents[2] / "services/ui/translations/pl/LC_MESSAGES/messages.po"
INFORMAL = re.compile(r"\b(Twój|Twoja|Twoje|Twojej|Twojego|Twoim|chcesz|Chcesz|możesz|Ci|Ciebie|Tobie|klikniesz)\b")
#: "zapisana/zapisany", "była Pani/był Pan", "nie mogła Pani/nie mógł Pan", "dołączył(a)", "odszedł/odeszła".
GENDERED = re.compile(r"\w+(a|y)/\w+(y|a)\b|\w\(a\)|\w+ła Pani/|\w+ł/\w+ła\b")
#: Staff's own pages, which speak to staff informally throughout.
STAFF = {"you may plan them", "No such event of yours.", "Your organisation coordinates no partnership.",
         "Your account may not open this page."}


def translations(path: Path = CATALOGUE) -> dict[str, str]:
    with path.open("rb") as file:
        catalogue = read_po(file, locale="pl")
    said = {}
    for message in catalogue:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        said[key] = " ".join(strings)
    return said


def test_residents_are_addressed_formally():
    informal = {key: text for key, text in translations().items() if key not in STAFF and INFORMAL.search(text)}
    assert informal == {}


def test_no_polish_message_has_gendered_slashes():
    assert {key: text for key, text in translations().items() if GENDERED.search(text)} == {}
