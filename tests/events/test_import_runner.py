"""The import process: due sources pulled in parallel, each within its budget, so a hostile source (a slow drip, an
endless body) never holds up the others; claimed sources are not pulled twice; the loop stops on request."""

import threading
import time

from services.events.imports.runner import Importer, claim_due, run_once
from services.events.models import ImportSource
from tests.events.feedserver import endless_body, fixture, slow_drip


def health(importing, source_id) -> ImportSource:
    with importing.app.extensions["osl"].database.session() as session:
        return session.get(ImportSource, source_id)


def test_a_hostile_source_does_not_delay_the_others(importing):
    importing.app.config.update(IMPORT_WORKERS=3, IMPORT_FETCH_SECONDS=2, IMPORT_READ_SECONDS=1)
    drip = importing.register("/drip.ics")
    importing.server.routes["/drip.ics"] = slow_drip(0.1, 100_000)
    endless = importing.register("/endless.ics")
    importing.server.routes["/endless.ics"] = endless_body()
    good = importing.register("/google.ics", fixture("google.ics"))
    run_once(importing.app)
    drip, endless, good = (health(importing, s["id"]) for s in (drip, endless, good))
    assert good.status == "ok" and good.new_count == 3
    assert drip.status == "failed" and "time budget" in drip.last_error
    assert endless.status == "failed" and "larger than" in endless.last_error
    assert good.last_fetch_at < drip.last_fetch_at  # it did not wait for the drip to be cut off


def test_a_claimed_source_is_not_claimed_again_until_it_is_due(importing):
    source = importing.register("/google.ics", fixture("google.ics"))
    assert claim_due(importing.app, 10) == [source["id"]]
    assert claim_due(importing.app, 10) == []


def test_the_process_pulls_due_sources_and_stops_on_request(importing):
    importing.app.config.update(IMPORT_POLL_SECONDS=0.05)
    source = importing.register("/gancio.ics", fixture("gancio.ics"))
    importer = Importer(importing.app)
    thread = threading.Thread(target=importer.run)
    thread.start()
    try:
        for _ in range(400):
            if health(importing, source["id"]).status != "new":
                break
            time.sleep(0.05)
    finally:
        importer.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    pulled = health(importing, source["id"])
    assert pulled.status == "ok" and pulled.new_count == 1 and pulled.refresh_seconds == 3600
