"""The field day on a tablet in Chromium: timers that survive a reopened or killed tab, and autosave that keeps
up when the tablet holds a year of records (nothing typed more than a second before a kill is lost)."""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bench.tablet import seed_tablet, year_of_records
from tests.e2e.tablet import (
    check,
    kill_renderers,
    local_record,
    log_in_and_install,
    open_form,
    record_id,
    tick,
    wait_until,
)

pytestmark = pytest.mark.e2e

BANGKOK = ZoneInfo("Asia/Bangkok")


def answer_snapshot(page: Any, activity: str, off: str) -> None:
    prompt = page.locator("[data-for=time_on_task] [data-snap-prompt]")
    prompt.wait_for(state="visible")
    tick(prompt.locator(f"[data-snap-activity][value='{activity}']"))
    tick(prompt.locator(f"[data-snap-off][value='{off}']"))
    prompt.locator("[data-snap-save]").click()


def snapshots_saved(page: Any, rid: str, n: int) -> list[dict[str, str]]:
    deadline = time.monotonic() + 20
    while True:
        entries = ((local_record(page, rid) or {}).get("answers") or {}).get("time_on_task") or []
        if len(entries) >= n or time.monotonic() > deadline:
            return list(entries)
        time.sleep(0.1)


def test_snapshot_timer_reopened_mid_hour_asks_for_the_next_one_on_time(tablet, live_server):
    tablet.clock.install(time=dt.datetime(2025, 6, 2, 9, 0, tzinfo=BANGKOK))
    page = tablet.new_page()
    log_in_and_install(page, live_server.url)
    open_form(page, live_server.url)
    rid = record_id(page)
    page.click("[data-for=time_on_task] [data-snap-start]")
    for activity, off in (("yes", "0-1"), ("yes", "2-5"), ("no", "6+")):
        page.clock.fast_forward("10:01")
        answer_snapshot(page, activity, off)
    assert [e["at"] for e in snapshots_saved(page, rid, 3)] == ["09:10", "09:20", "09:30"]

    # Reopened at 09:32: no prompt yet; the 4th snapshot is due at 09:40, and is stored at 09:40.
    page.clock.fast_forward("02:00")
    page.close()
    page = tablet.new_page()
    open_form(page, live_server.url, rid)
    widget = page.locator("[data-for=time_on_task]")
    assert widget.locator("[data-snap-prompt]").is_hidden()
    assert "09:40" in widget.locator("[data-snap-status]").inner_text()
    items = widget.locator("[data-snap-list] li")
    assert items.count() == 3
    assert items.first.inner_text().startswith("09:10")  # the list numbers its entries once
    page.clock.fast_forward("08:01")
    assert "4/6 · 09:40" in widget.locator("[data-snap-prompt-title]").inner_text()
    answer_snapshot(page, "yes", "0-1")
    assert [e["at"] for e in snapshots_saved(page, rid, 4)] == ["09:10", "09:20", "09:30", "09:40"]


def test_reading_grid_killed_at_30_seconds_resumes(tablet, live_server, browser):
    tablet.clock.install()
    page = tablet.new_page()
    log_in_and_install(page, live_server.url)
    open_form(page, live_server.url, form="literacy/1")
    rid = record_id(page)
    check(page, "class_grade", "p2")
    grid_key = "pupils.0.word_grid"
    grid = page.locator(f'[data-for="{grid_key}"]')
    grid.locator("[data-grid-start]").click()
    grid.locator("[data-word='2']").click()
    grid.locator("[data-word='7']").click()
    page.clock.run_for(30_000)
    deadline = time.monotonic() + 20
    while len(((local_record(page, rid) or {}).get("timers") or {}).get(grid_key, {}).get("wrong", [])) < 2:
        assert time.monotonic() < deadline, local_record(page, rid)
        time.sleep(0.1)

    kill_renderers(browser)
    page.close()
    page = tablet.new_page()
    open_form(page, live_server.url, rid, form="literacy/1")
    grid = page.locator(f'[data-for="{grid_key}"]')
    # Still running from where it was: about 30 seconds left, the taps kept, the words tappable.
    left = int(grid.locator("[data-grid-timer]").inner_text())
    assert 0 < left <= 30
    assert grid.locator("[data-grid-finish]").is_visible()
    assert grid.locator("[data-word='2']").get_attribute("aria-pressed") == "true"
    assert grid.locator("[data-word='7']").get_attribute("aria-pressed") == "true"
    grid.locator("[data-word='9']").click()
    # At 60 seconds it ends as any grid does: tap the last word read.
    page.clock.run_for(31_000)
    grid.locator("[data-grid-status]").filter(has_text="แตะคำสุดท้าย").wait_for()
    grid.locator("[data-word='19']").click()
    wait_until(page, f"document.querySelector('input[name=\"{grid_key}\"]').value !== ''")
    deadline = time.monotonic() + 20
    while True:
        saved = local_record(page, rid) or {}
        answer = ((saved.get("answers") or {}).get("pupils") or [{}])[0].get("word_grid")
        if answer or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert answer == {"wrong": [2, 7, 9], "attempted": 20, "seconds": 60, "stopped_early": False}
    assert grid_key not in (saved.get("timers") or {})


TYPED = "ครูทักทายนักเรียนด้วยรอยยิ้มและเรียกชื่อนักเรียนทุกคน นักเรียนกล้าถามคำถามและตอบคำถามด้วยความมั่นใจ"


def test_typing_is_kept_up_to_a_second_before_a_kill_with_2000_records(tablet, live_server, browser):
    page = tablet.new_page()
    log_in_and_install(page, live_server.url)
    seed_tablet(page, year_of_records(live_server.db_path, 2000))
    assert (
        page.evaluate(
            "async () => (await import('/static/js/store.js')).countByState(['synced']).then((n) => n.synced)"
        )
        >= 2000
    )
    open_form(page, live_server.url)
    rid = record_id(page)
    box = page.locator("textarea[name=strengths]")
    box.scroll_into_view_if_needed()
    box.focus()
    typed_at: list[float] = []
    for ch in TYPED:
        page.keyboard.type(ch)
        typed_at.append(time.monotonic())
        time.sleep(0.1)
    killed_at = time.monotonic()
    kill_renderers(browser)
    page.close()

    page = tablet.new_page()
    open_form(page, live_server.url, rid)
    kept = ((local_record(page, rid) or {}).get("answers") or {}).get("strengths", "")
    must_keep = sum(1 for at in typed_at if at < killed_at - 1.0)
    assert TYPED.startswith(kept)
    assert len(kept) >= must_keep, (len(kept), must_keep, len(TYPED))
    assert page.input_value("textarea[name=strengths]") == kept


def test_pruning_removes_only_old_synced_records_nothing_unsynced(tablet, live_server):
    page = tablet.new_page()
    log_in_and_install(page, live_server.url)
    cutoff = "2025-05-16"  # the previous semester's first day
    rng = random.Random(16)
    base = year_of_records(live_server.db_path, 1)[0]

    def rec(rid: str, state: str, updated: str, **extra: Any) -> dict[str, Any]:
        return {**base, "id": rid, "state": state, "updated_at": f"{updated}T03:00:00.000Z", **extra}

    school = base["answers"]["school"]
    named = [
        rec("old-synced", "synced", "2024-06-01"),
        rec("old-linked", "synced", "2024-06-01"),
        rec("draft-linking", "draft", "2024-06-02", form_id="reflection",
            answers={"school": school, "linked_observations": ["old-linked"]}),
        rec("old-reflection", "synced", "2024-06-01", form_id="reflection",
            answers={"school": school, "visit_date": "2024-05-30"}),
        rec("older-reflection", "synced", "2024-03-01", form_id="reflection",
            answers={"school": school, "visit_date": "2024-02-28"}),
        rec("new-synced", "synced", "2025-07-01"),
    ]  # fmt: skip
    states = ["synced", "synced", "synced", "draft", "pending", "rejected", "conflict"]
    randoms = [
        rec(
            f"r-{n}",
            rng.choice(states),
            f"{rng.choice(['2023', '2024', '2025', '2026'])}-0{rng.randint(1, 9)}-1{n % 10}",
        )
        for n in range(300)
    ]
    seed_tablet(page, named + randoms)
    removed = page.evaluate(
        "async (cutoff) => (await import('/static/js/prune.js')).pruneTablet(cutoff, { force: true })", cutoff
    )
    left = set(
        page.evaluate(
            "async () => (await import('/static/js/store.js')).allRecords().then((rs) => rs.map((r) => r.id))"
        )
    )
    gone = {r["id"] for r in named + randoms} - left
    assert removed == len(gone) > 0
    assert {"old-synced", "older-reflection"} <= gone
    assert {"old-linked", "draft-linking", "old-reflection", "new-synced"} <= left
    for r in named + randoms:
        if r["id"] in gone:  # only synced records changed before the cutoff ever leave
            assert r["state"] == "synced" and r["updated_at"] < cutoff, r["id"]
        elif r["state"] == "synced" and r["updated_at"] < cutoff:
            assert r["id"] in {"old-linked", "old-reflection"}, r["id"]


def test_a_date_is_picked_or_typed_in_buddhist_era(tablet, live_server):
    page = tablet.new_page()
    log_in_and_install(page, live_server.url)
    open_form(page, live_server.url)
    rid = record_id(page)
    picker = page.locator('[data-field="visit_date"] [data-widget=be_date]')
    picker.locator("[data-be-part=day]").select_option("2")
    picker.locator("[data-be-part=month]").select_option(label="มิถุนายน")
    picker.locator("[data-be-part=year]").select_option("2568")
    assert page.input_value("#f-visit_date") == "02/06/2568"
    assert page.locator("output[data-be-for=visit_date]").inner_text() == "2 มิถุนายน 2568"

    def stored() -> Any:
        time.sleep(0.5)
        return ((local_record(page, rid) or {}).get("answers") or {}).get("visit_date")

    assert stored() == "2025-06-02"
    page.fill("#f-visit_date", "30 พ.ย. 2569")  # typed, with the month's short name
    assert stored() == "2026-11-30"
    assert picker.locator("[data-be-part=month]").input_value() == "11"
    page.fill("#f-visit_date", "31/02/2569")  # no such day: kept as typed, and flagged at finalize
    assert stored() == "31/02/2569"
    page.click("#finalize")
    assert page.locator('[id="err-visit_date"]').is_visible()
    assert page.input_value("#f-visit_date") == "31/02/2569"
