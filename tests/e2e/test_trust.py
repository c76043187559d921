"""A record is never lost on the tablet: to an expired session, to an app update, to a form version the
server does not know; and unsent records can be exported to a file. Real Chromium, Thai locale."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from forms.loader import builtin_forms
from tests.conftest import LiveServer
from tests.e2e.tablet import local_record, log_in, log_in_and_install, wait_record, wait_until
from tests.factories import record

pytestmark = pytest.mark.e2e


def put_local(page: Any, rec: dict[str, Any], state: str) -> None:
    """Store a record in the tablet's IndexedDB exactly as the form does when it saves or finalizes."""
    now = dt.datetime.now(dt.UTC).isoformat()
    row = {**rec, "state": state, "origin": "tablet", "created_at": now, "updated_at": now, "timers": {}}
    page.evaluate(
        """async (row) => {
            const store = await import('/static/js/store.js');
            await store.putRecord(row);
            window.dispatchEvent(new CustomEvent('nithet:records-changed'));
        }""",
        row,
    )


def wait_through_reloads(page: Any, expression: str, timeout: float = 60.0) -> None:
    """Like wait_until, while the page reloads itself (an evaluation can land on a closing document)."""
    import time

    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate(expression):
                return
        except Error:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {expression}")


def server_count(server: LiveServer, rid: str) -> tuple[int, int]:
    with sqlite3.connect(server.db_path) as db:
        records = db.execute("SELECT count(*) FROM records WHERE id = ?", [rid]).fetchone()[0]
        revisions = db.execute("SELECT count(*) FROM revisions WHERE record_id = ?", [rid]).fetchone()[0]
    return records, revisions


def test_an_expired_session_keeps_the_records_and_they_sync_after_logging_in(live_server, tablet):
    page = tablet.new_page()
    log_in_and_install(page, live_server.url, "supervisor1")

    # In the classroom, offline: the records are made and finalized on the tablet.
    tablet.set_offline(True)
    page.reload()
    rec = record()
    put_local(page, rec, "pending")

    # Meanwhile the session ends on the server (expired, or ended by a password change).
    with sqlite3.connect(live_server.db_path) as db:
        db.execute("DELETE FROM sessions")

    # Back online: the sync is refused with 401 and the tablet says "log in to sync"; nothing is lost.
    tablet.set_offline(False)
    page.click("#sync-now")
    # (The banner may still say "offline" from before: wait for the sync's own answer.)
    wait_until(page, "document.getElementById('status-banner').textContent.includes('เข้าสู่ระบบ')")
    assert not page.locator("#status-banner").is_hidden()
    assert local_record(page, rec["id"])["state"] == "pending"
    assert server_count(live_server, rec["id"]) == (0, 0)

    # The app keeps working from the cached shell, even reloaded with no session.
    page.reload()
    wait_until(page, "document.getElementById('unsynced-count').textContent === '1'")
    assert page.locator("h1#today-h").is_visible()
    assert page.url == f"{live_server.url}/"

    # Log in again from the banner's link: the pending record syncs, exactly once.
    wait_until(page, "!!document.querySelector('#status-banner a')")
    page.click("#status-banner a")
    page.wait_for_url("**/login?next=*")
    page.fill("#username", "supervisor1")
    page.fill("#password", "nithet2568")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    wait_record(page, rec["id"], "synced", timeout=30)
    assert server_count(live_server, rec["id"]) == (1, 1)


def test_an_app_update_never_loses_a_draft(tmp_path: Path, tablet):
    server = LiveServer(tmp_path / "nithet.db", env={"NITHET_BUILD_SALT": "one"}).start()
    try:
        page = tablet.new_page()
        log_in_and_install(page, server.url, "team1")
        old_build = page.evaluate("document.body.dataset.build")
        draft = record(rev=None)
        draft["answers"] = {"topic": "ร่างที่ยังไม่เสร็จ", "school": draft["answers"]["school"]}
        put_local(page, draft, "draft")

        # A new version of the app is deployed (same database, new build).
        server.kill()
        server.env["NITHET_BUILD_SALT"] = "two"
        server.start()
        page.reload()
        wait_until(page, "!document.getElementById('update-banner').hidden", 60)
        # The old code still runs until the user accepts; the draft is there.
        assert page.evaluate("document.body.dataset.build") == old_build
        assert local_record(page, draft["id"])["answers"]["topic"] == "ร่างที่ยังไม่เสร็จ"

        page.click("#update-apply")
        wait_through_reloads(
            page, f"document.body?.dataset.build && document.body.dataset.build !== '{old_build}'"
        )
        wait_through_reloads(page, "navigator.serviceWorker.controller !== null")
        page.wait_for_load_state()
        kept = local_record(page, draft["id"])
        assert kept["state"] == "draft" and kept["answers"]["topic"] == "ร่างที่ยังไม่เสร็จ"
        # Only the new version's cache is left.
        caches = page.evaluate("caches.keys()")
        assert caches == [f"nithet-{page.evaluate('document.body.dataset.build')}"]
    finally:
        server.stop()


def test_a_record_of_a_form_version_the_server_does_not_know_stays_rejected_and_editable(live_server, tablet):
    page = tablet.new_page()
    log_in_and_install(page, live_server.url, "supervisor1")
    rec = record(form_version=7)  # e.g. a version lost when the server was restored from an old backup
    put_local(page, rec, "pending")
    page.click("#sync-now")
    kept = wait_record(page, rec["id"], "rejected")
    assert kept["receipt"]["code"] == "unknown_form"
    assert kept["answers"] == rec["answers"]
    assert server_count(live_server, rec["id"]) == (0, 0)
    wait_until(page, f"!!document.querySelector('[data-record-id=\"{rec['id']}\"][data-state=rejected]')")

    # Opened from the home list, it opens in the newest known version of its form, editable (not
    # read-only), with all its answers.
    page.click(f'[data-record-id="{rec["id"]}"] a')
    page.wait_for_selector("body[data-form-ready=true]")
    newest = max(f.version for f in builtin_forms() if f.id == "observation")
    assert page.url.startswith(f"{live_server.url}/forms/observation/{newest}?record=")
    assert page.input_value("input[name=topic]") == rec["answers"]["topic"]
    assert page.locator("input[name=topic]").is_editable()
    assert page.locator("#record-state").get_attribute("data-state") == "rejected"

    # Finalized again on this (known) version, it follows that version and syncs: nothing stays stuck.
    page.click("#finalize")
    page.click("#sync-now")
    stored = wait_record(page, rec["id"], "synced")
    assert stored["form_version"] == newest
    assert server_count(live_server, rec["id"]) == (1, 1)


def test_unsent_records_can_be_exported_to_a_file(live_server, tablet):
    page = tablet.new_page()
    log_in(page, live_server.url, "team1")
    wait_until(page, "document.getElementById('last-sync').textContent.trim() !== '–'", 60)
    tablet.set_offline(True)
    pending, draft, synced = record(), record(), record()
    put_local(page, pending, "pending")
    put_local(page, draft, "draft")
    put_local(page, synced, "synced")
    with page.expect_download() as download_info:
        page.click("#export-unsent")
    download = download_info.value
    assert download.suggested_filename.startswith("nithet-unsent-") and download.suggested_filename.endswith(
        ".json"
    )
    exported = json.loads(Path(download.path()).read_text())
    assert {r["id"] for r in exported["records"]} == {pending["id"], draft["id"]}
    assert next(r for r in exported["records"] if r["id"] == pending["id"])["answers"] == pending["answers"]
