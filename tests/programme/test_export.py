"""The report's export: the workbook read back with openpyxl and its cells checked, the CSV, and the dashboard's
charts drawn on the server without JavaScript."""

import csv
import datetime
import io
import re

from openpyxl import load_workbook

from services.calendar.times import today
from tests.programme.factories import ADMIN, PROGRAMME, deliver, known_programme, page_of, person

HEADER_ROW = 7


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))


def test_the_workbook_has_the_indicators_by_gender_and_the_participants(programme_app):
    known = known_programme(programme_app)
    response = programme_app.test_client().get(f"{known['base']}/export.xlsx?as_of=2021-03-31", headers=ADMIN)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="czestochowa-silna-dzielnicami-2021-03-31.xlsx"')
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Wskaźniki", "Uczestnicy"]
    sheet = book["Wskaźniki"]
    assert sheet["A1"].value == "Częstochowa silna dzielnicami"
    assert sheet["A2"].value == "Okres: 2018-04-02 – 2021-03-31"
    assert sheet["A4"].value == "Stan na: 2021-03-31"
    assert sheet["A5"].value == f"Wygenerowano: {today().isoformat()}"
    assert [c.value for c in sheet[HEADER_ROW]] == ["Wskaźnik", "Kod", "Płeć", "Wartość", "Cel"]
    rows = {(code, gender): (value, target) for _, code, gender, value, target in _rows(sheet)}
    assert rows[("supported", "kobiety")] == (3, 163)
    assert rows[("supported", "mężczyźni")] == (2, 162)
    assert rows[("supported", "ogółem")] == (5, 325)
    assert rows[("age_band.25_54", "kobiety")] == (2, None)
    assert rows[("disability.refused", "kobiety")] == (2, None)
    assert rows[("status_at_exit.employed", "ogółem")] == (2, 40)
    assert rows[("district.rakow", "mężczyźni")] == (1, None)
    # One row per indicator × gender: three genders for every indicator.
    codes = [code for _, code, *_ in _rows(sheet)]
    assert all(codes.count(code) == 3 for code in codes)
    assert ("disability.no", "kobiety") not in rows  # a plain "no" is no indicator of its own

    people = book["Uczestnicy"]
    assert people["A1"].value == "Częstochowa silna dzielnicami"
    header = [c.value for c in people[HEADER_ROW]]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in _rows(people)}
    assert set(by_id) == set(known["ids"].values())
    p2 = by_id[known["ids"]["P2"]]
    assert (p2["Pierwsze wejście"], p2["Ostatnie wyjście"], p2["Status przy wyjściu"], p2["Liczba pobytów"]) == (
        datetime.datetime(2018, 5, 1), datetime.datetime(2019, 6, 30), "employed", 2)
    p3 = by_id[known["ids"]["P3"]]
    assert (p3["Ostatnie wyjście"], p3["Status przy wyjściu"], p3["Płeć"]) == (None, None, "mężczyźni")
    assert by_id[known["ids"]["W1"]]["Dołączenie na zajęciach"] == "tak"


def test_the_csv_for_polish_excel_names_the_programme_period_and_day_on_every_row(programme_app):
    known = known_programme(programme_app)
    response = programme_app.test_client().get(f"{known['base']}/export.csv?as_of=2021-03-31", headers=ADMIN)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    # For Excel set to Polish: a byte-order mark so that it reads UTF-8, and ";" between the fields (its list
    # separator, as the decimal separator is a comma).
    assert response.data.startswith("\ufeffprogram;okres_od;".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["program", "okres_od", "okres_do", "stan_na", "Wskaźnik", "Kod", "Płeć", "Wartość", "Cel"]
    assert rows[1] == ["Częstochowa silna dzielnicami", "2018-04-02", "2021-03-31", "2021-03-31",
                       "Osoby objęte wsparciem", "supported", "kobiety", "3", "163"]
    assert ["returned"] != [row[5] for row in rows[1:]]
    assert {row[0] for row in rows[1:]} == {"Częstochowa silna dzielnicami"}


def test_the_dashboard_draws_svg_charts_without_javascript(programme_app):
    known = known_programme(programme_app)
    page = page_of(programme_app, known, "")
    assert page.count("<svg") == 7
    assert "Osoby objęte wsparciem a cel" in page
    assert "Warsztaty w Rakowie" in page and "Piknik sąsiedzki" in page
    assert ">Raków<" in page and ">rakow<" not in page  # districts by their Polish names, not slugs
    assert f"/programmes/{known['id']}/export.xlsx" in page  # the page download, for a signed-in admin too


def test_the_dashboard_names_a_district_without_activities_from_the_partners_messages(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    body = person("female", "25_54", "unemployed", "trzech-wieszczow", "2018-07-01")
    enrolled = client.post(f"{known['base']}/participants/", json=body, headers=ADMIN)
    assert enrolled.status_code == 201, enrolled.json
    assert ">trzech-wieszczow<" in page_of(programme_app, known, "")  # no activity there has told its name yet
    snapshot = {"id": 19, "version": 1, "name": "Trzech Wieszczów", "slug": "trzech-wieszczow"}
    deliver(programme_app, "partners-replica", "district.created", snapshot)
    page = page_of(programme_app, known, "")
    assert ">Trzech Wieszczów<" in page and ">trzech-wieszczow<" not in page
    deliver(programme_app, "partners-replica", "district.updated", {**snapshot, "version": 2, "name": "Trzech W."})
    assert ">Trzech W.<" in page_of(programme_app, known, "")


def test_the_dashboard_speaks_polish_with_no_data_and_writes_shares_with_a_decimal_comma(programme_app):
    known = known_programme(programme_app)
    assert "1,8%" in page_of(programme_app, known, "") and "1.8%" not in page_of(programme_app, known, "")
    empty = programme_app.test_client().post("/api/v1/programmes/", headers=ADMIN, json={
        **PROGRAMME, "name": "Nowy program"})
    assert empty.status_code == 201, empty.json
    page = page_of(programme_app, {"id": empty.json["id"]}, "")
    assert "No data" not in page and page.count("Brak danych") == 3  # no participant, visit or month counted yet
    assert "0,0%" in page and "0.0%" not in page


def test_the_programme_pages_write_dates_as_poles_read_them_not_iso(programme_app):
    known = known_programme(programme_app)
    listed = programme_app.test_client().get("/programmes/", headers=ADMIN).get_data(as_text=True)
    dashboard = page_of(programme_app, known, "")
    for page in (listed, dashboard):
        assert "2 kwietnia 2018 – 31 marca 2021" in page and "2018-04-02" not in page and "2021-03-31" not in page
    assert re.search(r"stan na \d{1,2} [a-ząćęłńóśźż]+ \d{4}</p>", dashboard), dashboard

