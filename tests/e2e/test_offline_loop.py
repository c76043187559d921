"""The whole offline loop in real Chromium at a tablet viewport, in Thai: log in; go offline; reload; fill an
observation; the tab is killed mid-form and reopened; finalize; back online it syncs exactly once; a replay
changes nothing; an edit makes a new revision; two devices editing the same revision make a visible conflict."""

from __future__ import annotations

import sqlite3

import pytest

from sync.stored import unpack
from tests.e2e.tablet import (
    fill,
    kill_renderers,
    local_record,
    log_in,
    open_form,
    record_id,
    wait_ready,
    wait_record,
    wait_until,
)
from tests.factories import observation_answers

pytestmark = pytest.mark.e2e


def server_rows(server, rid):  # type: ignore[no-untyped-def]
    with sqlite3.connect(server.db_path) as db:
        records = [
            (rev, unpack(answers, texts), conflicts)
            for rev, answers, texts, conflicts in db.execute(
                "SELECT rev, answers, texts, conflicts FROM records WHERE id = ?", [rid]
            )
        ]
        revisions = db.execute("SELECT rev, state FROM revisions WHERE record_id = ?", [rid]).fetchall()
    return records, dict(revisions)


def test_offline_observation_syncs_exactly_once(live_server, tablet, browser):
    page = tablet.new_page()
    log_in(page, live_server.url, "supervisor1")
    wait_ready(page)

    # No signal in the classroom: the app and the form still open after a reload.
    tablet.set_offline(True)
    page.reload()
    assert page.locator("h1#today-h").is_visible()
    # The pill shows '–' until the page has counted this account's records by index (after load).
    wait_until(page, "document.getElementById('unsynced-count').textContent === '0'")
    open_form(page, live_server.url)
    assert page.title().startswith("แบบบันทึกการสังเกตชั้นเรียน")
    rid = record_id(page)

    answers = observation_answers(scores=[5, 4, 4, 3, 2, 4, 4, 3, 4])
    first_half = {
        k: answers[k]
        for k in ("school", "visit_date", "session", "teacher", "grade", "learning_area", "topic")
    }
    fill(page, first_half)
    wait_until(page, "document.getElementById('save-state').textContent.includes('✓')")

    # The tab is killed (renderer crash, no unload handlers), then reopened: every answer is back.
    kill_renderers(browser)
    page.close()
    page = tablet.new_page()
    open_form(page, live_server.url, rid)
    assert page.input_value("select[name=school]") == answers["school"]
    assert page.input_value("select[name=teacher]") == answers["teacher"]
    assert page.input_value("input[name=topic]") == answers["topic"]
    assert page.is_checked("input[name=session][value=morning]")
    assert page.locator("output[data-be-for=visit_date]").inner_text() == "20 พฤศจิกายน 2569"

    # Finalize refuses while the evidence rule is broken, naming the field.
    rest = {k: v for k, v in answers.items() if k not in first_half and not k.endswith("_evidence")}
    fill(page, rest)
    page.click("#finalize")
    assert page.locator("#err-positive_climate_evidence").is_visible()
    assert local_record(page, rid)["state"] == "draft"
    fill(page, {k: v for k, v in answers.items() if k.endswith("_evidence")})
    assert page.locator("#f-mean_score").inner_text() == str(answers["mean_score"])
    page.click("#finalize")
    wait_record(page, rid, "pending")
    wait_until(page, "document.getElementById('unsynced-count').textContent === '1'")
    assert server_rows(live_server, rid)[0] == []

    # Back on Wi-Fi: it syncs by itself, exactly once, with the same answers.
    tablet.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_record(page, rid, "synced")
    local = local_record(page, rid)
    records, revisions = server_rows(live_server, rid)
    assert len(records) == 1 and records[0][1] == local["answers"] == answers
    assert revisions == {local["rev"]: "current"}
    wait_until(page, "document.getElementById('unsynced-count').textContent === '0'")

    # Replaying the very same push changes nothing.
    replay = page.evaluate(
        """async (id) => {
            const store = await import('/static/js/store.js');
            const r = await store.getRecord(id);
            r.state = 'pending';
            await store.putRecord(r);
            const sync = await import('/static/js/sync.js');
            return sync.push();
        }""",
        rid,
    )
    assert replay == {"stored": 0, "duplicate": 1, "conflict": 0, "rejected": 0}
    assert server_rows(live_server, rid) == (records, revisions)

    # An edit after sync makes a new revision on the server.
    open_form(page, live_server.url, rid)
    page.click("#edit-record")
    page.fill("input[name=topic]", "การอ่านออกเสียง")
    page.click("#finalize")
    page.click("#sync-now")
    wait_record(page, rid, "synced")
    records, revisions = server_rows(live_server, rid)
    assert records[0][1]["topic"] == "การอ่านออกเสียง"
    assert sorted(revisions.values()) == ["current", "superseded"]

    # A second tablet (a team member) pulls the record; both edit the same revision.
    other = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="th-TH", timezone_id="Asia/Bangkok", bypass_csp=True
    )
    try:
        page_b = other.new_page()
        log_in(page_b, live_server.url, "team1")
        wait_ready(page_b)
        open_form(page_b, live_server.url, rid)
        assert page_b.input_value("input[name=topic]") == "การอ่านออกเสียง"
        page_b.click("#edit-record")
        page_b.fill("input[name=topic]", "ฉบับของทีม")

        open_form(page, live_server.url, rid)
        page.click("#edit-record")
        page.fill("input[name=topic]", "ฉบับของศึกษานิเทศก์")
        page.click("#finalize")
        page.click("#sync-now")
        wait_record(page, rid, "synced")

        page_b.click("#finalize")
        page_b.click("#sync-now")
        wait_record(page_b, rid, "conflict")
        # Both versions are kept on the server and shown on the tablet.
        records, revisions = server_rows(live_server, rid)
        assert records[0][2] == 1 and "conflict" in revisions.values()
        assert page_b.locator("#conflict").is_visible()
        diff = page_b.locator("#conflict-diff").inner_text()
        assert "ฉบับของทีม" in diff and "ฉบับของศึกษานิเทศก์" in diff

        # The team member keeps their version: the conflict is settled on the server.
        page_b.click("#keep-mine")
        page_b.click("#sync-now")
        wait_record(page_b, rid, "synced")
        records, _ = server_rows(live_server, rid)
        assert records[0][2] == 0 and records[0][1]["topic"] == "ฉบับของทีม"
    finally:
        other.close()
