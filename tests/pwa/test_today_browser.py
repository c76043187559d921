"""pwa/static/js/today.js in real Chromium: the day's plan and the prefill of new records, from IndexedDB rows."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ME, TEAM = 3, 5
A, B = "49010001", "49010002"


def visit(
    vid: str, school: str, session: str, date: str = "2025-06-10", team: list[int] | None = None
) -> dict:
    return {
        "id": vid, "date": date, "session": session, "school_code": school, "network_id": "N01",
        "team": team or [ME, TEAM],
        "assignments": [
            {"observer_id": TEAM, "teacher_id": f"{school}-02", "grade": "p2", "room": None, "hour": "10:00"},
            {"observer_id": ME, "teacher_id": f"{school}-01", "grade": "p1", "room": "1", "hour": "09:00"},
        ],
    }  # fmt: skip


def record(rid: str, form_id: str, state: str, visit_id: str | None, updated: str, **answers: Any) -> dict:
    return {"id": rid, "form_id": form_id, "form_version": 1, "state": state, "visit_id": visit_id,
            "answers": answers, "updated_at": updated}  # fmt: skip


ACTIONS = [
    {"action": "มุมอ่าน", "owner": "ครู ก", "due_date": "2025-02-01"},
    {"action": "บัตรคำ", "owner": "ผอ."},
]
DATA = {
    "date": "2025-06-10",
    "me": ME,
    "visits": [
        visit("pm", B, "afternoon"), visit("am", A, "morning"),
        visit("other-team", "49010003", "morning", team=[9]), visit("tomorrow", A, "morning", date="2025-06-11"),
    ],
    "records": [
        record("o1", "observation", "synced", "am", "2025-06-10T02:00:00Z", teacher=f"{A}-01"),
        record("o2", "observation", "draft", "am", "2025-06-10T01:00:00Z", teacher=f"{A}-01"),
        record("o3", "observation", "synced", "am", "2025-06-10T03:00:00Z", teacher=f"{A}-02"),
        record("r-old", "reflection", "synced", None, "2024-11-01T00:00:00Z", school=A, visit_date="2024-11-01",
               actions=[{"action": "เก่า"}]),
        record("r-last", "reflection", "synced", None, "2025-01-15T00:00:00Z", school=A, visit_date="2025-01-15",
               actions=ACTIONS),
        record("r-draft", "reflection", "draft", None, "2025-03-01T00:00:00Z", school=A, visit_date="2025-03-01",
               actions=[{"action": "ร่าง"}]),
        record("r-now", "reflection", "pending", "am", "2025-06-10T04:00:00Z", school=A, visit_date="2025-06-10",
               previous_actions=[{"previous_action": "บัตรคำ", "previous_status": "not_done"}]),
    ],
    "forms": [{"form_id": "observation", "version": 1, "title": ""}, {"form_id": "reflection", "version": 1, "title": ""},
              {"form_id": "reflection", "version": 2, "title": ""}],
    "teachers": [{"id": f"{A}-01", "name": "ครูหนึ่ง"}],
    "schools": [{"code": A, "name": "โรงเรียนเอ"}, {"code": B, "name": "โรงเรียนบี"}],
    "users": [{"id": ME, "display_name": "ศน.ฉัน", "role": "supervisor"},
              {"id": TEAM, "display_name": "ผอ.ทีม", "role": "team_member"}],
}  # fmt: skip


def run(static_page: Any, script: str, data: Any) -> Any:
    return json.loads(
        static_page.evaluate(
            "async ([script, data]) => JSON.stringify(await (new Function('m', 'data', script))("
            "await import('/pwa/static/js/today.js'), data))",
            [script, data],
        )
    )


def test_the_day_plan(static_page: Any) -> None:
    plans = run(static_page, "return m.dayPlan(data);", DATA)
    assert [p["visit"]["id"] for p in plans] == ["am", "pm"]  # mine only, morning first; not tomorrow's
    am = plans[0]
    assert am["school"] == "โรงเรียนเอ"
    [mine] = am["mine"]
    assert mine["teacher"] == "ครูหนึ่ง" and mine["task"]["state"] == "draft"  # work on this tablet first
    assert mine["task"]["href"] == "/forms/observation/1?record=o2"
    [other] = am["others"]
    assert other["teacher"] == f"{A}-02" and other["task"]["state"] == "synced"
    assert other["observer"] == "ผอ.ทีม"  # the team's classroom names its observer
    assert mine["observer"] == "ศน.ฉัน"
    assert am["reflection"]["state"] == "pending" and am["policy"]["state"] == "none"
    assert am["policy"]["href"] == "/forms/policy/1?visit=am"
    previous = am["previous"]
    assert previous["date"] == "2025-01-15"  # the latest finalized one before the visit, not a draft
    assert [(a["action"], a["status"]) for a in previous["actions"]] == [
        ("มุมอ่าน", None),
        ("บัตรคำ", "not_done"),
    ]
    pm = plans[1]
    assert pm["previous"] is None and pm["mine"][0]["task"]["state"] == "none"
    assert pm["mine"][0]["task"]["href"] == f"/forms/observation/1?visit=pm&teacher={B}-01&grade=p1&room=1"
    assert pm["reflection"]["href"] == "/forms/reflection/2?visit=pm"  # the newest version


def test_a_day_with_none_of_my_visits_shows_the_networks_visits(static_page: Any) -> None:
    data = {**DATA, "me": 42}
    plans = run(static_page, "return m.dayPlan(data);", data)
    assert [p["visit"]["id"] for p in plans] == ["am", "other-team", "pm"]
    assert all(p["mine"] == [] for p in plans)
    unnamed = run(static_page, "return m.dayPlan(data);", {k: v for k, v in data.items() if k != "users"})
    assert unnamed[0]["others"][0]["observer"] == ""  # a tablet that has not pulled users yet


def test_prefill_of_new_records(static_page: Any) -> None:
    script = """
      const [am] = data.visits.filter((v) => v.id === 'am');
      const all = () => true;
      const v1 = (name) => !name.startsWith('previous_');
      const params = new URLSearchParams({visit: 'am', teacher: '49010001-01', grade: 'p1', room: '1'});
      return {
        observation: m.prefill('observation', am, params, data.records, all),
        reflection: m.prefill('reflection', am, new URLSearchParams(), data.records, all),
        reflection_v1: m.prefill('reflection', am, new URLSearchParams(), data.records, v1),
      };"""
    out = run(static_page, script, DATA)
    assert out["observation"] == {
        "visit_date": "2025-06-10", "session": "morning", "teacher": f"{A}-01", "grade": "p1", "room": "1",
    }  # fmt: skip
    reflection = out["reflection"]
    assert reflection["linked_observations"] == ["o1", "o2", "o3"]
    assert reflection["teachers"] == [{"teacher": f"{A}-02"}, {"teacher": f"{A}-01"}]
    assert reflection["previous_meeting_date"] == "2025-01-15"
    assert reflection["previous_actions"] == [
        {"previous_action": "มุมอ่าน", "previous_owner": "ครู ก", "previous_due": "2025-02-01"},
        {"previous_action": "บัตรคำ", "previous_owner": "ผอ."},
    ]
    assert "previous_actions" not in out["reflection_v1"] and "teachers" in out["reflection_v1"]
