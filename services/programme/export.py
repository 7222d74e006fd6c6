"""The report's export: one row per indicator × gender (XLSX and CSV), and a sheet of the participants by
pseudonymous id with their entry and exit data; dated, with the programme's name and period."""

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from slugify import slugify

from services.calendar.times import today
from services.programme.labels import GENDER_LABELS, SUPPORTED, dimension_label
from services.programme.models import FLAGS, Programme
from services.programme.queries import TOTAL, indicators, people

INDICATOR_HEADER = ["Wskaźnik", "Kod", "Płeć", "Wartość", "Cel"]
PARTICIPANT_HEADER = ["Identyfikator", "Płeć", "Wiek przy wejściu", "Dzielnica", "Status przy wejściu",
                      "Pierwsze wejście", "Ostatnie wyjście", "Status przy wyjściu", "Liczba pobytów",
                      "Dołączenie na zajęciach", *FLAGS]


def indicator_rows(found: dict) -> list[list]:
    """``[name, code, gender, value, target]`` for every indicator × gender (women, men, total)."""
    rows = []
    for gender in GENDER_LABELS:
        rows.append([SUPPORTED, "supported", GENDER_LABELS[gender], found["supported"][gender],
                     found["targets"][gender]])
    for dimension, values in found["dimensions"].items():
        for value, counts in values.items():
            name = dimension_label(dimension, value)
            if name is None:
                continue
            code = f"{dimension}.{value}"
            for gender in GENDER_LABELS:
                target = found["other_targets"].get(code) if gender == TOTAL else None
                rows.append([f"{SUPPORTED} {name}", code, GENDER_LABELS[gender], counts[gender], target])
    return rows


def title_lines(programme: Programme, as_of: date) -> list[list]:
    return [[programme.name], [f"Okres: {programme.starts_on.isoformat()} – {programme.ends_on.isoformat()}"],
            [f"Finansowanie: {programme.funding}"], [f"Stan na: {as_of.isoformat()}"],
            [f"Wygenerowano: {today().isoformat()}"]]


def participant_rows(session, programme: Programme) -> list[list]:
    """One row per participant, with the first entry and the last exit the indicators count."""
    return [[p.pseudonym, GENDER_LABELS[p.gender], p.age_band, p.district, p.status_at_entry, p.first_entry,
             p.last_exit, p.status_at_exit if p.last_exit else None, p.stays, "tak" if p.walk_in else "nie",
             *(getattr(p, flag) for flag in FLAGS)] for p in people(session, programme.id)]


def workbook_bytes(session, programme: Programme, as_of: date) -> bytes:
    # Write-only: rows are streamed out as they are added, several times faster for thousands of participants.
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Wskaźniki")
    sheet.column_dimensions["A"].width = 70
    _table(sheet, title_lines(programme, as_of), INDICATOR_HEADER,
           indicator_rows(indicators(session, programme, as_of)))
    people = book.create_sheet("Uczestnicy")
    for column in ("F", "G"):
        people.column_dimensions[column].width = 14
    _table(people, title_lines(programme, as_of), PARTICIPANT_HEADER, participant_rows(session, programme))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _table(sheet, titles, header, rows) -> None:
    sheet.append([_cell(sheet, titles[0][0], font=Font(bold=True, size=14))])
    for line in titles[1:]:
        sheet.append(line)
    sheet.append([])
    sheet.append([_cell(sheet, name, font=Font(bold=True)) for name in header])
    for row in rows:
        sheet.append([_cell(sheet, value, number_format="yyyy-mm-dd") if isinstance(value, date) else value
                      for value in row])


def csv_bytes(session, programme: Programme, as_of: date) -> bytes:
    """One row per indicator × gender; each names the programme, its period and the day counted to. For Excel set
    to Polish, which opens a CSV file with its list separator, ";" (the comma is its decimal separator)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["program", "okres_od", "okres_do", "stan_na", *INDICATOR_HEADER])
    head = [programme.name, programme.starts_on.isoformat(), programme.ends_on.isoformat(), as_of.isoformat()]
    for row in indicator_rows(indicators(session, programme, as_of)):
        writer.writerow([*head, *("" if value is None else value for value in row)])
    # A byte-order mark, so that spreadsheet programs read the Polish letters as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode()


def export_name(programme: Programme, as_of: date, extension: str) -> str:
    return f"{slugify(programme.name)}-{as_of.isoformat()}.{extension}"
