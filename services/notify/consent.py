"""The consent text a subscriber agrees to. Change it by adding a version, never by editing one."""

CONSENT_TEXTS = {
    "2026-11-23": {
        "pl": ("Zgadzam się na przesyłanie na podany adres e-mail powiadomień o wydarzeniach Ośrodków Społeczności "
               "Lokalnych w wybranych dzielnicach. Administratorem danych jest Miejski Ośrodek Pomocy Społecznej "
               "w Częstochowie. Adres jest używany wyłącznie do wysyłki powiadomień; w każdej wiadomości jest link "
               "do wypisania się, a na żądanie usuwamy wszystkie dane."),
        "en": ("I agree to receive notices of events of the Local Community Centres in the districts I choose at "
               "this e-mail address. The data controller is the Municipal Social Welfare Centre (MOPS) in "
               "Częstochowa. The address is used only to send these notices; every message has an unsubscribe "
               "link, and all data is erased on request."),
    },
}
CURRENT_VERSION = "2026-11-23"


def consent_text(language: str, version: str = CURRENT_VERSION) -> str:
    return CONSENT_TEXTS[version][language]


#: What a resident agrees to when registering for an event (as for subscriptions: a version is never edited).
REGISTRATION_CONSENT = {
    "2026-11-30": {
        "pl": ("Zgadzam się na przetwarzanie mojego imienia i nazwiska, adresu e-mail (lub telefonu) i liczby osób "
               "w celu zapisu na to wydarzenie, listy obecności i wiadomości o nim (potwierdzenie, lista rezerwowa, "
               "przypomnienie, odwołanie). Administratorem danych jest Miejski Ośrodek Pomocy Społecznej "
               "w Częstochowie. Dane usuwamy po upływie ustalonego czasu od wydarzenia, a na żądanie wcześniej."),
        "en": ("I agree to the processing of my name, e-mail address (or phone) and the number of people for "
               "registering for this event, its attendance list and messages about it (confirmation, waiting list, "
               "reminder, cancellation). The data controller is the Municipal Social Welfare Centre (MOPS) in "
               "Częstochowa. The data is erased a set time after the event, and earlier on request."),
    },
}
REGISTRATION_VERSION = "2026-11-30"


def registration_consent(language: str) -> str:
    return REGISTRATION_CONSENT[REGISTRATION_VERSION][language]
