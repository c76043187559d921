"""Plans that change, seen on the tablet: a fresh server's demo day shows my classrooms on Today; the secretary
changes a visit's classrooms and cancels another online; after a sync the tablet's Today shows the change."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import LiveServer
from tests.e2e.tablet import log_in_and_install, wait_until

pytestmark = pytest.mark.e2e

TODAY = dt.datetime.now(ZoneInfo("Asia/Bangkok")).date().isoformat()


def card(page: Any, session: str) -> Any:
    return page.locator(f".visit-card[data-session={session}]")


def test_the_demo_day_shows_my_classrooms_and_follows_a_changed_plan(
    tablet: Any, live_server: LiveServer
) -> None:
    page = tablet.new_page()
    log_in_and_install(page, live_server.url, "supervisor1")
    wait_until(page, "document.querySelectorAll('.visit-card').length === 2")
    for session in ("morning", "afternoon"):
        mine = card(page, session).locator("ul.tasks.mine > li")
        assert mine.count() == 2, session
        assert card(page, session).locator("a.task[data-form=observation][data-state=none]").count() >= 2
    hours = card(page, "morning").locator("ul.tasks.mine .task-lead").all_inner_texts()
    assert hours == ["09:00", "10:00"]

    with sqlite3.connect(live_server.db_path) as db:
        ids = dict(db.execute("SELECT username, id FROM users").fetchall())
        first, teacher, grade = db.execute(
            "SELECT visit_id, teacher_id, grade FROM visit_assignments WHERE visit_id = ? AND observer_id = ? "
            "ORDER BY position LIMIT 1",
            [f"v-{TODAY}-morning", ids["supervisor1"]],
        ).fetchone()
        school = db.execute("SELECT school_code FROM visits WHERE id = ?", [first]).fetchone()[0]

    # The secretary, online: supervisor1 now observes one classroom at 08:30 only; the afternoon is cancelled.
    with live_server.client("secretary1") as desk:
        form = {
            "network": "N01", "date": TODAY, "session": "morning", "school_code": school,
            "team": [str(ids["supervisor1"]), str(ids["team1"])],
            "a_observer": [str(ids["supervisor1"]), str(ids["team1"])],
            "a_teacher": [teacher, teacher.replace("-01", "-03")],
            "a_grade": [grade or "", ""], "a_room": ["2", ""], "a_hour": ["08:30", "10:00"],
            "_csrf_token": desk.headers["x-csrftoken"],
        }  # fmt: skip
        r = desk.post(f"/plans/{first}", data=form)
        assert r.status_code == 303, r.text[:2000]
        shown = desk.get(f"/plans/{first}").text
        assert "08:30" in shown
        r = desk.post(
            f"/plans/v-{TODAY}-afternoon/cancel",
            data={"sure": "on", "_csrf_token": desk.headers["x-csrftoken"]},
        )
        assert r.status_code == 303

    page.click("#sync-now")
    wait_until(page, "document.querySelectorAll('.visit-card').length === 1", 30)
    mine = card(page, "morning").locator("ul.tasks.mine > li")
    assert mine.count() == 1
    assert mine.locator(".task-lead").inner_text() == "08:30"
    assert card(page, "afternoon").count() == 0
