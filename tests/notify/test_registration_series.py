"""A series registered as a whole, once its first date has passed: it stays open while a date has not ended, is for
the remaining dates, and names the next date that has not ended (API, the residents' form, staff's page, mails,
reminders); it is refused naming ``occurrence`` only when its last date is over. A per-date registration for a past
date stays refused. On SQLite and PostgreSQL."""

import json
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from services.notify.models import Notice, OutboxMessage, Registration, RegistrationSlot
from services.notify.operations.registrations import cancel_registration
from services.notify.scheduler import tick
from services.ui.dates import when
from tests.notify.conftest import folder_mails
from tests.notify.registrations import (
    ADMIN,
    EVENT_ID,
    ORGANISATION_KEY,
    bearer,
    counts_messages,
    give_keys,
    in_days,
    link,
    publish_event,
    registrations,
    resident,
    send_all,
    slots,
    utc_key,
)
from tests.notify.test_registration_staff_pages import PAGE, by_phone, signed_in

FORM = f"/registrations/events/{EVENT_ID}"
TWO_HOURS = timedelta(hours=2)


def whole_series(app, **changes) -> None:
    """A weekly series of four dates (``changes`` say when), registered for as a whole."""
    give_keys(app)
    publish_event(app, **{"rrule": "FREQ=WEEKLY;COUNT=4", **changes})
    put = app.test_client().put(f"/api/v1/registrations/events/{EVENT_ID}/settings", json={"whole_series": True},
                                headers=bearer(ORGANISATION_KEY))
    assert put.status_code == 200, put.json


def notices(app, kind: str) -> list[Notice]:
    with app.extensions["osl"].database.session() as session:
        return list(session.scalars(select(Notice).where(Notice.kind == kind).order_by(Notice.id)))


def changed_messages(app) -> list[dict]:
    with app.extensions["osl"].database.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.type == "registration.changed")
                               .order_by(OutboxMessage.seq))
        return [json.loads(row.body)["data"] for row in rows]


def from_words(start: datetime) -> str:
    """What the Polish form says of a whole series starting at ``start`` (a two-hour date): after "od", the weekday
    in the genitive ("od wtorku, …")."""
    return f"Wszystkie terminy cyklu, od {when(start, start + TWO_HOURS, False, 'pl', genitive=True)}"


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_after_its_first_date_a_whole_series_registers_from_the_next_date(notify, mail_dir):
    whole_series(notify, days=-2, capacity=5)
    answer = notify.test_client().post("/api/v1/registrations/", json=resident(1))
    assert answer.status_code == 201, answer.json
    following = in_days(5)
    [slot] = slots(notify)
    # Keyed "" as every whole-series slot; it starts at the next date and lasts until the series' last day.
    assert (slot.occurrence, slot.starts_at) == ("", following)
    assert slot.ends_at > in_days(-2 + 21)
    [registered] = notices(notify, "registered")
    assert registered.payload["occurrence"]["starts_at"] == following.isoformat()
    # The series' places when it was set whole (the event page says them from the start), then with the person.
    assert [(c["occurrence"], c["confirmed"]) for c in counts_messages(notify)] == [("", 0), ("", 1)]
    # programme hears of it with the first date it covers (as the rule gives it, in UTC): its roll calls before
    # that date do not list it.
    assert [(c["occurrence"], c["status"], c.get("series_from")) for c in changed_messages(notify)] == [
        ("", "confirmed", utc_key(following))]
    send_all(notify)
    mail = folder_mails(mail_dir)[-1]
    # The mail says the place is for every date left, not for one date.
    series = ("Wszystkie terminy cyklu, od "
              f"{when(following, following + TWO_HOURS, False, 'pl', with_year=True, genitive=True)}")
    assert f"Kiedy: {series}" in mail.get_body(("plain",)).get_content()
    assert series in mail.get_body(("html",)).get_content()
    # Staff's API registers by phone the same way.
    by_staff = notify.test_client().post(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN, json={
        "name": "Stanisława Wójcik", "contact": "phone", "phone": "34 360 00 01", "people": 1, "consent": True})
    assert by_staff.status_code == 201, by_staff.json
    assert [r.slot_id for r in registrations(notify)] == [slot.id] * 2


def test_a_date_going_on_is_where_a_whole_series_registration_starts(notify):
    """The next date that has not ended: one going on now counts, in the form as in the registration."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    whole_series(notify, starts_at=start.isoformat(), ends_at=(start + TWO_HOURS).isoformat())
    client = notify.test_client()
    page = client.get(FORM)
    assert from_words(start) in page.text
    assert client.post("/api/v1/registrations/", json=resident(1)).status_code == 201
    [slot] = slots(notify)
    assert slot.starts_at == start


def test_the_residents_form_registers_a_whole_series_after_its_first_date(notify, mail_dir):
    whole_series(notify, days=-2, capacity=5)
    client = notify.test_client()
    page = client.get(FORM)
    assert from_words(in_days(5)) in page.text and from_words(in_days(-2)) not in page.text
    form = {"csrf_token": csrf_of(page.text), "name": "Helena", "email": "helena@example.org", "people": "1",
            "consent": "true"}
    answer = client.post(FORM, data=form)
    assert answer.status_code == 303, answer.text
    assert "Ma Pani/Pan miejsce" in client.get(answer.headers["Location"]).text
    assert [(r.occurrence, r.status) for r in registrations(notify)] == [("", "confirmed")]
    assert [s.starts_at for s in slots(notify)] == [in_days(5)]


def test_the_form_shows_twelve_dates_and_says_later_ones_come_later(notify):
    """A daily series of 20 dates: the form offers the next 12 and says the later ones can be chosen later, instead of
    leaving them out unsaid."""
    publish_event(notify, rrule="FREQ=DAILY;COUNT=20", days=1, capacity=5)
    page = notify.test_client().get(FORM).text
    assert page.count('type="radio" name="occurrence"') == 12
    assert "Kolejne terminy będzie można wybrać później." in page
    publish_event(notify, "event.updated", rrule="FREQ=DAILY;COUNT=12", days=1, capacity=5, version=2, sequence=1)
    page = notify.test_client().get(FORM).text
    assert page.count('type="radio" name="occurrence"') == 12 and "Kolejne terminy" not in page


def test_staff_register_someone_for_a_whole_series_after_its_first_date(notify):
    whole_series(notify, days=-2, capacity=5)
    client = signed_in(notify)
    page = client.get(PAGE)
    assert page.status_code == 200 and from_words(in_days(5)) in page.text
    answer = by_phone(client)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    [registration] = registrations(notify)
    assert (registration.occurrence, registration.phone, registration.by_staff) == ("", "34 360 00 01", True)


def test_once_its_last_date_is_over_a_whole_series_is_refused_naming_the_date(notify):
    whole_series(notify, days=-22)  # the dates were 22, 15, 8 and 1 days ago
    client = notify.test_client()
    refused = client.post("/api/v1/registrations/", json=resident(1))
    assert refused.status_code == 422 and "occurrence" in refused.json["errors"]["json"], refused.json
    by_staff = client.post(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN, json={
        "name": "Stanisława Wójcik", "contact": "none", "people": 1, "consent": True})
    assert by_staff.status_code == 422 and "occurrence" in by_staff.json["errors"]["json"], by_staff.json
    assert "Nie ma już terminów, na które można się zapisać." in client.get(FORM).text
    # A form loaded before the last date ended (no form is shown now: its token from another notify page) is
    # refused at the date, where the error summary leads (staff's page: test_registration_staff_pages.py).
    form = {"csrf_token": csrf_of(client.get("/subscribe").text), "name": "Helena", "email": "helena@example.org",
            "people": "1", "consent": "true"}
    refused = client.post(FORM, data=form)
    assert refused.status_code == 422, refused.text
    assert 'href="#occurrence"' in refused.text and 'id="occurrence"' in refused.text
    assert 'id="occurrence-error"' in refused.text and "Na ten termin nie przyjmujemy już zapisów." in refused.text
    assert registrations(notify) == [] and slots(notify) == []


def test_a_per_date_registration_for_a_past_date_is_still_refused(notify):
    first = in_days(-2)
    publish_event(notify, rrule="FREQ=WEEKLY;COUNT=4", days=-2)
    client = notify.test_client()
    past = client.post("/api/v1/registrations/", json=resident(1, occurrence=first.replace(tzinfo=None).isoformat()))
    assert past.status_code == 422 and "occurrence" in past.json["errors"]["json"], past.json
    following = (first + timedelta(days=7)).replace(tzinfo=None).isoformat()
    assert client.post("/api/v1/registrations/", json=resident(1, occurrence=following)).status_code == 201
    assert [s.occurrence for s in slots(notify)] == [utc_key(first + timedelta(days=7))]
    # A registration for one date covers that date alone: no first date of a series.
    assert [(c["occurrence"], c.get("series_from")) for c in changed_messages(notify)] == [
        (utc_key(first + timedelta(days=7)), "")]


def test_a_whole_series_registration_keeps_the_first_date_it_covers_in_every_message(notify):
    """Made before the series starts, it covers every date from the first; the message of each status change later
    (a cancellation, a place come free) names the same first date of the registration it is about."""
    whole_series(notify, days=3, capacity=1)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    client.post("/api/v1/registrations/", json=resident(2))
    first, second = registrations(notify)
    with notify.extensions["osl"].database.session() as session:
        cancel_registration(session, session.get(Registration, first.id))
    assert [(c["ref"], c["status"], c.get("series_from")) for c in changed_messages(notify)] == [
        (first.ref, "confirmed", utc_key(in_days(3))), (second.ref, "waiting", utc_key(in_days(3))),
        (first.ref, "cancelled", utc_key(in_days(3))), (second.ref, "confirmed", utc_key(in_days(3)))]


def test_a_whole_series_slot_made_before_the_first_date_names_the_next_date_later(notify, mail_dir):
    """The slot keeps the start it was made with; a mail queued later (a place come free) names the date the
    registration now starts at, and the reminder the day before each remaining date still goes."""
    whole_series(notify, days=-2, capacity=1)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    client.post("/api/v1/registrations/", json=resident(2))
    database = notify.extensions["osl"].database
    with database.session() as session:  # as if made when the first date was still ahead
        session.execute(update(RegistrationSlot).values(starts_at=in_days(-2)))
    send_all(notify)
    for mail in folder_mails(mail_dir):
        client.get(link(mail, "confirm"))
    client.post(link(folder_mails(mail_dir)[0], "cancel"))
    [promoted] = notices(notify, "promoted")
    assert promoted.payload["occurrence"]["starts_at"] == in_days(5).isoformat()
    tick(database, notify.config, in_days(4, hour=18))
    [reminder] = notices(notify, "reg_reminder")
    assert reminder.payload["occurrence"]["starts_at"] == in_days(5).isoformat()
    sent = len(folder_mails(mail_dir))
    send_all(notify)
    # The reminder is for tomorrow's date alone; the mail of the place come free, for every date from it.
    texts = [mail.get_body(("plain",)).get_content() for mail in folder_mails(mail_dir)]
    date = when(in_days(5), in_days(5) + TWO_HOURS, False, "pl", with_year=True)
    assert [text for text in texts[sent:] if f"Kiedy: {date}" in text]
    since = when(in_days(5), in_days(5) + TWO_HOURS, False, "pl", with_year=True, genitive=True)
    assert [text for text in texts
            if f"Kiedy: Wszystkie terminy cyklu, od {since}" in text and "Zwolniło się miejsce" in text]
