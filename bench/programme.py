"""Programme benchmark: the MOPS dashboard and the report's export for a programme of 5,000 participants and 100,000
attendance rows, on PostgreSQL (the issue's goal: the dashboard in at most 300 ms, the export in at most 2 s).

The records are bulk-inserted (a realistic mix of genders, age bands, districts, stays and roll calls of weekly
activities); then each page is requested through the app's test client, which runs the whole request. Every figure
is computed from the records on each request: nothing is cached.
Run: `.venv/bin/python bench/programme.py [--participants 5000 --attendance 100000 --runs 5]`. Prints a table.
"""

import argparse
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.messaging.settings import BusSettings  # noqa: E402
from services.messaging.testing import PostgresDatabases  # noqa: E402
from services.programme import create_app  # noqa: E402
from services.programme.models import (  # noqa: E402
    AGE_BANDS,
    ENTRY_STATUSES,
    EXIT_STATUSES,
    Activity,
    Attendance,
    Participant,
    Programme,
    RollCall,
    Stay,
)
from services.programme.operations import SEED_PROGRAMME  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ADMIN = {"Authorization": "Bearer bench-admin-token"}
DISTRICTS = ["rakow", "ostatni-grosz", "zawodzie-dabie", "czestochowka-parkitka", "polnoc", "srodmiescie",
             "tysiaclecie", "wrzosowiak", "blaszany", "grabowka"]


def fill(database, participants: int, attendance: int) -> int:
    rng = random.Random(1)
    with database.session() as session:
        programme = Programme(**SEED_PROGRAMME, other_targets={})
        session.add(programme)
        session.flush()
        pid = programme.id
    with database.engine.begin() as connection:
        connection.execute(insert(Participant), [{
            "id": i + 1, "programme_id": pid, "pseudonym": f"{i + 1:010X}", "gender": rng.choice(("female", "male")),
            "age_band": rng.choice(AGE_BANDS), "status_at_entry": rng.choice(ENTRY_STATUSES),
            "disability": rng.choice(("yes", "no", "refused")), "migrant_or_minority": "no", "homeless": "no",
            "other_disadvantage": rng.choice(("no", "refused")), "district": rng.choice(DISTRICTS),
            "walk_in": rng.random() < 0.1, "created_at": datetime.now(UTC)} for i in range(participants)])
        stays = []
        for i in range(participants):
            entered = date(2018, 4, 2) + timedelta(days=rng.randrange(900))
            exited = entered + timedelta(days=rng.randrange(30, 200))
            stays.append({"participant_id": i + 1, "entered_on": entered, "exited_on": exited,
                          "status_at_exit": rng.choice(EXIT_STATUSES)})
            if rng.random() < 0.05:  # some come back
                stays.append({"participant_id": i + 1, "entered_on": exited + timedelta(days=10), "exited_on": None,
                              "status_at_exit": None})
        connection.execute(insert(Stay), stays)
        activities = [uuid.uuid4() for _ in range(40)]
        first = datetime(2018, 4, 3, 15, 0, tzinfo=UTC)
        connection.execute(insert(Activity), [{
            "id": a, "version": 1, "title": f"Zajęcia {n}", "organisation_id": n % 8, "organisation_name": f"Org {n}",
            "district_slug": DISTRICTS[n % len(DISTRICTS)], "district_name": DISTRICTS[n % len(DISTRICTS)],
            "starts_at": first, "ends_at": first + timedelta(hours=2), "all_day": False,
            "rrule": "FREQ=WEEKLY", "exdates": [], "status": "scheduled"} for n, a in enumerate(activities)])
        per_call = 20
        calls = attendance // per_call
        connection.execute(insert(RollCall), [{
            "id": c + 1, "programme_id": pid, "event_id": activities[c % len(activities)],
            "occurrence_start": first + timedelta(weeks=c // len(activities)), "anonymous_count": rng.randrange(4),
            "recorded_at": datetime.now(UTC)} for c in range(calls)])
        connection.execute(insert(Attendance), [{
            "roll_call_id": c + 1, "participant_id": p, "status": rng.choice(("present", "present", "excused",
                                                                              "absent"))}
            for c in range(calls) for p in rng.sample(range(1, participants + 1), per_call)])
    with database.engine.connect() as connection:
        # What autovacuum does after a bulk load: without statistics the planner guesses 27 roll calls, not 5,000.
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return pid


def timed(client, url: str, runs: int) -> tuple[float, float, int]:
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        response = client.get(url, headers=ADMIN)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    times = times[1:]  # the first warms the connection pool and the templates
    return statistics.median(times), max(times), len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--attendance", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    databases = PostgresDatabases(POSTGRES, label="bench")
    try:
        url = databases.new("programme")
        app = create_app({"DATABASE_URL": url, "ADMIN_TOKEN": "bench-admin-token", "LOG_LEVEL": "WARNING",
                          "BUS": BusSettings(bus_dir=Path("/tmp/osl-bench-programme-bus"))})
        app.extensions["osl"].upgrade_database()
        pid = fill(app.extensions["osl"].database, args.participants, args.attendance)
        client = app.test_client()
        print(f"{args.participants} participants, {args.attendance} attendance rows, PostgreSQL, "
              f"median and worst of {args.runs} runs")
        print("| page | median | worst | size | goal |")
        print("|---|---|---|---|---|")
        for name, path, goal in [("dashboard", f"/programmes/{pid}/", "≤ 300 ms"),
                                 ("export XLSX", f"/api/v1/programmes/{pid}/export.xlsx", "≤ 2 s"),
                                 ("export CSV", f"/api/v1/programmes/{pid}/export.csv", "≤ 2 s"),
                                 ("indicators JSON", f"/api/v1/programmes/{pid}/indicators", "—"),
                                 ("public statistics", f"/api/v1/programmes/{pid}/statistics", "—")]:
            median, worst, size = timed(client, path, args.runs)
            print(f"| {name} | {median:.0f} ms | {worst:.0f} ms | {size / 1024:.0f} KiB | {goal} |")
        app.extensions["osl"].database.dispose()
    finally:
        databases.drop_all()


if __name__ == "__main__":
    main()
