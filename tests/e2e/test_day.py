"""A supervision day, end to end (issue #4): the network secretary imports schools and teachers from an XLSX
file and plans today online (a school in the morning, one in the afternoon, classrooms divided between
supervisor1 and team1); last semester's reflection meeting at the morning school agreed actions. The
supervisor's tablet pulls, goes offline, and works the day from the Today screen: each assigned classroom's
observation opens prefilled, the reflection meeting opens with the visit's observations linked, the observed
teachers listed and last visit's actions to close. Back online it syncs; the server holds every record once,
valid and linked to its visit; the visit page shows the team's records together; coverage shows both schools
visited.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from forms.loader import builtin_forms
from forms.validate import validate
from server import demo
from server.db import connect
from server.migrations import apply as migrate
from server.reference import upsert
from sync.stored import unpack
from tests.conftest import LiveServer
from tests.e2e.day import (
    AFTERNOON,
    EARLIER_ACTIONS,
    LAST_SEMESTER,
    MORNING,
    SCHOOLS,
    TEACHERS,
    TODAY,
    card,
    earlier_reflection,
    go_home,
    import_file,
    observe,
    plan_visit,
    push,
    reflect,
    screenshots,
    team_observation,
    user_ids,
)
from tests.e2e.tablet import (
    local_record,
    log_in,
    log_in_and_install,
    wait_until,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path: Path) -> Any:
    """A server with networks and the personas but no schools: the secretary imports them."""
    path = tmp_path / "nithet.db"
    db = connect(path)
    with db.atomic():
        migrate(db)
        upsert(
            db,
            "networks",
            [{"id": f"N{n:02d}", "name": name} for n, (name, _) in enumerate(demo.NETWORKS, 1)],
            "id",
        )
        demo.create_users(db)
    db.close()
    live = LiveServer(path).start()
    try:
        yield live
    finally:
        live.stop()


def test_a_supervision_day(server: LiveServer, browser: Any, tablet: Any, tmp_path: Path) -> None:
    url, ids = server.url, user_ids(server)
    shots = Path(os.environ.get("NITHET_SHOTS") or tmp_path / "shots")

    # -- the secretary, online: import schools and teachers, plan today --------------------------------------
    office = browser.new_context(viewport={"width": 1280, "height": 800}, locale="th-TH", bypass_csp=True)
    desk = office.new_page()
    log_in(desk, url, "secretary1")
    import_file(desk, url, "schools", SCHOOLS)
    import_file(desk, url, "teachers", TEACHERS)
    visit_am = plan_visit(desk, url, MORNING, "morning", ids)
    visit_pm = plan_visit(desk, url, AFTERNOON, "afternoon", ids)
    desk.goto(f"{url}/plans")
    for name in ("โรงเรียนบ้านหนองทดลอง", "โรงเรียนบ้านโคกสาธิต"):
        assert "วางแผนแล้ว" in desk.locator("#coverage-h ~ table tr", has_text=name).inner_text()
    earlier_id = push(server, "team1", "reflection", 2, earlier_reflection(), None)

    # -- the supervisor's tablet: pull, then the whole day offline -------------------------------------------
    page = tablet.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in_and_install(page, url, "supervisor1")
    go_home(page, url)
    tablet.set_offline(True)
    page.reload()
    wait_until(page, "document.querySelectorAll('.visit-card').length === 2")
    sessions = page.eval_on_selector_all(".visit-card", "cards => cards.map(c => c.dataset.session)")
    assert sessions == ["morning", "afternoon"]
    am = card(page, "โรงเรียนบ้านหนองทดลอง")
    mine = am.locator("ul.mine a.task[data-form=observation]")
    assert mine.count() == 1 and am.locator("details.team a.task").count() == 1  # mine; the team's in a fold
    assert "09:00" in mine.first.inner_text() and "นางสาวมาลัย ทดสอบ" in mine.first.inner_text()
    assert "ป.1 · ห้อง 1" in mine.first.inner_text() and "ยังไม่เริ่ม" in mine.first.inner_text()
    assert "ผู้สังเกต: ผอ.ประเสริฐ ทดลอง" in (
        am.locator("details.team a.task").first.text_content() or ""
    )  # pulled users
    earlier = am.locator("[data-earlier-action]")
    assert earlier.count() == 2 and "ยังไม่ปิด" in earlier.first.inner_text()
    assert "ไม่มีข้อตกลงครั้งก่อน" in card(page, "โรงเรียนบ้านโคกสาธิต").inner_text()
    assert str(TODAY.year + 543) in page.inner_text("#today-date")  # the Buddhist Era year
    screenshots(page, "today-before", shots)

    obs_am = observe(page, url, "โรงเรียนบ้านหนองทดลอง", f"{MORNING}-01",
                     {"school": MORNING, "session": "morning", "grade": "p1", "room": "1", "hour": "09:00"})  # fmt: skip
    assert local_record(page, obs_am)["visit_id"] == visit_am  # type: ignore[index]
    reflection = reflect(page, url, "โรงเรียนบ้านหนองทดลอง", obs_am, shots)
    obs_pm = observe(page, url, "โรงเรียนบ้านโคกสาธิต", f"{AFTERNOON}-01",
                     {"school": AFTERNOON, "session": "afternoon", "grade": "p4", "room": "2", "hour": "13:00"})  # fmt: skip

    go_home(page, url)
    am = card(page, "โรงเรียนบ้านหนองทดลอง")
    assert am.locator("a.task[data-form=observation]").first.get_attribute("data-state") == "pending"
    assert am.locator("a.task[data-form=reflection]").get_attribute("data-state") == "pending"
    statuses = am.locator("[data-action-status]").evaluate_all("els => els.map(e => e.dataset.actionStatus)")
    assert statuses == ["done", "not_done"]
    wait_until(page, "document.getElementById('unsynced-count').textContent === '3'")
    screenshots(page, "today-done", shots)

    # Meanwhile team1's tablet synced the other classroom of the morning visit.
    team_obs = push(server, "team1", "observation", 1, team_observation(f"{MORNING}-02", "p2"), visit_am)

    # -- back on Wi-Fi: it all syncs, once ----------------------------------------------------------------
    tablet.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(page, "document.getElementById('unsynced-count').textContent === '0'", 60)
    wait_until(
        page, "document.querySelector('.visit-card a.task[data-form=reflection]').dataset.state === 'synced'"
    )

    forms = {(f.id, f.version): f for f in builtin_forms()}
    with sqlite3.connect(server.db_path) as db:
        rows = db.execute(
            "SELECT id, form_id, form_version, visit_id, author_id, answers, texts FROM records WHERE id IN (?, ?, ?)",
            [obs_am, reflection, obs_pm],
        ).fetchall()
        revisions = db.execute(
            "SELECT record_id, count(*) FROM revisions WHERE record_id IN (?, ?, ?) GROUP BY record_id",
            [obs_am, reflection, obs_pm],
        ).fetchall()
        total = db.execute("SELECT count(*) FROM records").fetchone()[0]
    assert total == 5  # last semester's reflection, team1's observation, and the tablet's three
    assert sorted(n for _, n in revisions) == [1, 1, 1]
    stored = {r[0]: (r[1], r[2], r[3], r[4], unpack(r[5], r[6])) for r in rows}
    for form_id, version, _visit, author, answers in stored.values():
        assert validate(forms[(form_id, version)], answers) == [] and author == ids["supervisor1"]
    assert (
        stored[obs_am][2] == visit_am and stored[reflection][2] == visit_am and stored[obs_pm][2] == visit_pm
    )
    assert {k: stored[obs_pm][4][k] for k in ("school", "teacher", "grade", "room", "session", "visit_date")} == {
        "school": AFTERNOON, "teacher": f"{AFTERNOON}-01", "grade": "p4", "room": "2", "session": "afternoon",
        "visit_date": TODAY.isoformat(),
    }  # fmt: skip
    closing = stored[reflection][4]
    assert closing["linked_observations"] == [obs_am]
    assert [(a["previous_action"], a["previous_status"]) for a in closing["previous_actions"]] == [
        (EARLIER_ACTIONS[0]["action"], "done"),
        (EARLIER_ACTIONS[1]["action"], "not_done"),
    ]
    assert closing["previous_meeting_date"] == LAST_SEMESTER.isoformat() and earlier_id not in stored

    # -- the secretary again: one team visit, and both schools visited --------------------------------------
    desk.goto(f"{url}/plans/{visit_am}")
    desk.screenshot(path=shots / "visit-page-1280.png", full_page=True)
    by_observer = desk.eval_on_selector_all(
        "tbody[data-observer]",
        "bodies => bodies.map(b => [b.dataset.observer, [...b.querySelectorAll('tr')].map(r => r.dataset.form)])",
    )
    assert sorted(by_observer) == [
        ["ผอ.ประเสริฐ ทดลอง", ["observation"]],
        ["ศน.วิภาวรรณ สาธิต", ["observation", "reflection"]],
    ]
    assert team_obs in desk.inner_html("tbody[data-observer='ผอ.ประเสริฐ ทดลอง']")
    desk.goto(f"{url}/plans")
    for name in ("โรงเรียนบ้านหนองทดลอง", "โรงเรียนบ้านโคกสาธิต"):
        assert "นิเทศแล้ว" in desk.locator("#coverage-h ~ table tr", has_text=name).inner_text()
    office.close()
    assert errors == []
