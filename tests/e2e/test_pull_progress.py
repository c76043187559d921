"""A first pull of a large history comes page by page (each at most ~1 MB), the tablet keeps its cursor after
every page, and the sync button shows the phase and how far it is: schools and visit plans first
("กำลังรับข้อมูลโรงเรียนและแผนการนิเทศ… 100%"), then the records ("กำลังรับข้อมูล… 40%")."""

from __future__ import annotations

import re

import pytest

from tests.e2e.tablet import log_in, wait_ready, wait_until
from tests.factories import observation_answers, record

pytestmark = pytest.mark.e2e


def test_the_sync_button_shows_a_pull_page_by_page(live_server, tablet, tmp_path):
    long = "ครูใช้สื่อของจริงและให้นักเรียนอธิบายเหตุผลของคำตอบ" * 100
    answers = observation_answers(strengths=long[:5000], develop_text=long[:5000])
    records = [record(answers) for _ in range(80)]  # ~2.4 MB of JSON: three pages or more
    with live_server.client("team1") as other_tablet:
        r = other_tablet.post("/api/sync/push", json={"device_id": "another-tablet", "records": records})
        assert {x["status"] for x in r.json()["receipts"]} == {"stored"}

    page = tablet.new_page()
    log_in(page, live_server.url, "supervisor1")
    wait_ready(page)
    # Pull everything again from the start, watching the button while it does.
    page.evaluate(
        """async () => {
            const store = await import('/static/js/store.js');
            await store.setMeta('cursor', 0);
            await store.setMeta('round', null);
            window.buttonTexts = [];
            const button = document.getElementById('sync-now');
            new MutationObserver(() => window.buttonTexts.push(button.textContent))
                .observe(button, { childList: true, characterData: true, subtree: true });
        }"""
    )
    page.click("#sync-now")
    wait_until(
        page, "document.getElementById('status-banner').textContent.includes('ซิงก์บันทึกครบทั้งหมดแล้ว')", 60
    )
    texts = page.evaluate("window.buttonTexts")
    phases = [t.rsplit(" ", 1)[0] for t in texts if t.endswith("%")]
    first_record_page = phases.index("กำลังรับข้อมูล…")
    assert phases[:first_record_page] and set(phases[:first_record_page]) == {
        "กำลังรับข้อมูลโรงเรียนและแผนการนิเทศ…"
    }, texts  # the reference data and plans came first
    shares = [int(m.group(1)) for t in texts if (m := re.fullmatch(r"กำลังรับข้อมูล… (\d+)%", t))]
    assert len(shares) >= 3, texts  # one per page
    assert "กำลังรับข้อมูลโรงเรียนและแผนการนิเทศ…" not in phases[first_record_page:]
    assert shares == sorted(shares) and shares[-1] == 100
    cursor = page.evaluate("async () => (await import('/static/js/store.js')).getMeta('cursor')")
    held = page.evaluate(
        "async (ids) => { const s = await import('/static/js/store.js');"
        " return (await Promise.all(ids.map((id) => s.getRecord(id)))).filter(Boolean).length; }",
        [r["id"] for r in records],
    )
    assert cursor > 0 and held == 80
