"""Polish names of the indicators, genders and values, for the report's export and the dashboard."""

GENDER_LABELS = {"female": "kobiety", "male": "mężczyźni", "total": "ogółem"}

DIMENSION_LABELS = {
    "age_band": {"under_25": "w wieku poniżej 25 lat", "25_54": "w wieku 25–54 lata",
                 "over_54": "w wieku powyżej 54 lat"},
    "status_at_entry": {"unemployed": "bezrobotne przy wejściu", "long_term_unemployed":
                        "długotrwale bezrobotne przy wejściu", "inactive": "bierne zawodowo przy wejściu",
                        "employed": "pracujące przy wejściu",
                        "refused": "status na rynku pracy przy wejściu: odmowa podania informacji"},
    "status_at_exit": {"job_seeking": "poszukujące pracy po opuszczeniu programu",
                       "in_education": "kształcące się lub szkolące po opuszczeniu programu",
                       "qualified": "które uzyskały kwalifikacje po opuszczeniu programu",
                       "employed": "pracujące po opuszczeniu programu",
                       "unemployed": "bezrobotne po opuszczeniu programu",
                       "inactive": "bierne zawodowo po opuszczeniu programu",
                       "refused": "status po opuszczeniu programu: odmowa podania informacji"},
    "disability": {"yes": "z niepełnosprawnościami",
                   "refused": "niepełnosprawność: odmowa podania informacji"},
    "migrant_or_minority": {"yes": "migranci, osoby obcego pochodzenia, mniejszości",
                            "refused": "pochodzenie: odmowa podania informacji"},
    "homeless": {"yes": "bezdomne lub wykluczone z dostępu do mieszkań",
                 "refused": "sytuacja mieszkaniowa: odmowa podania informacji"},
    "other_disadvantage": {"yes": "w innej niekorzystnej sytuacji społecznej",
                           "refused": "inna niekorzystna sytuacja: odmowa podania informacji"},
}

SUPPORTED = "Osoby objęte wsparciem"


def dimension_label(dimension: str, value: str) -> str | None:
    """The indicator's name, or None for a value the report does not list (a plain "no")."""
    if dimension == "district":
        return f"z dzielnicy {value}"
    return DIMENSION_LABELS[dimension].get(value)
