"""Report figures against values computed here, independently, from the same generated records:
two semesters, an empty school, a suppressed school (n<3), another network that must not leak in."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from typing import Any

import pytest

from server.reports import derived, scores
from tests import report_data as rd
from tests.conftest import persona
from tests.factories import ELEMENTS

S1 = ("2025-05-16", "2025-10-31")  # 2568-1
S2 = ("2025-11-01", "2026-03-31")  # 2568-2


def teachers(db, school: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [r[0] for r in db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [school])]


#: Literacy v2 in semester 2: (school, date, class, pupils as (code, grade, words right of 25,
#: (dictation right of 5, sentence level 0–3), numeracy right of 10)). Below 50% = cannot.
LITERACY_V2 = [
    ("b", "2025-12-03", "p1", [("C01", "p1", 0, (0, "0"), 2),     # cannot read, write, calculate
                               ("C02", "p1", 20, (5, "3"), 10),
                               ("C03", "p1", 10, (2, "1"), 4),    # 40%, 37.5%, 40%: cannot all three
                               ("C04", "p1", 13, (2, "2"), 5),    # 52%, 50%, 50%: can all three
                               ("C05", "p1", 12, (4, "2"), 9)]),  # 48%: cannot read
    ("c", "2025-12-04", "p3", [("D01", "p3", 25, (1, "1"), 8),    # 25%: cannot write
                               ("D02", "p3", 5, (5, "3"), 2),     # 20%, 20%: cannot read, calculate
                               ("D03", "p2", 25, (5, "3"), 10),
                               ("D04", "p2", 25, (5, "3"), 10),
                               ("D05", "p3", 25, (5, "3"), 10)]),
]  # fmt: skip
#: What a secretary counts by hand from LITERACY_V2: grade → (classified, read, write, calculate).
CANNOT_S2 = {"p1": (5, 3, 2, 2), "p2": (2, 0, 0, 0), "p3": (3, 1, 1, 1)}


@pytest.fixture
def network(demo_db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """N01 with: school A 6 observations in semester 1 and 4 in semester 2, school B 2 (suppressed),
    school C none; reflection, policy and literacy records; one N03 observation elsewhere."""
    rng = random.Random(7)
    sup = persona(demo_db, "supervisor1")
    codes = [r[0] for r in demo_db.execute("SELECT code FROM schools WHERE network_id = 'N01' ORDER BY code")]
    a, b, c = codes[:3]
    made: dict[str, list[dict[str, Any]]] = {"s1": [], "s2": []}
    days = ["2025-06-10", "2025-06-10", "2025-07-01", "2025-07-01", "2025-08-05", "2025-08-05"]
    sessions = ["morning", "morning", "afternoon", "afternoon", "morning", "morning"]
    for i, (day, session) in enumerate(zip(days, sessions, strict=True)):
        snaps = [("yes", "0-1"), ("no", "2-5"), ("yes", "0-1")] if i % 2 == 0 else None
        ans = rd.observation(a, teachers(demo_db, a)[i % 3], day, rd.random_scores(rng), session=session,
                             grade=("p1", "p3")[i % 2], area=("thai", "math", "science")[i % 3],
                             start="09:00" if session == "morning" else "13:00",
                             end="10:00" if session == "morning" else "13:50", snapshots=snaps)  # fmt: skip
        rd.store(demo_db, sup, "observation", ans)
        made["s1"].append(ans)
    for i in range(2):
        ans = rd.observation(b, teachers(demo_db, b)[i], "2025-09-01", rd.random_scores(rng))
        rd.store(demo_db, sup, "observation", ans)
        made["s1"].append(ans)
    for i in range(4):
        ans = rd.observation(a, teachers(demo_db, a)[i % 2], "2025-12-02", rd.random_scores(rng))
        rd.store(demo_db, sup, "observation", ans)
        made["s2"].append(ans)
    rd.store(
        demo_db,
        sup,
        "reflection",
        rd.reflection(a, teachers(demo_db, a)[0], "2025-06-10", actions=3, support=2, closing=CLOSING_A),
    )
    rd.store(
        demo_db,
        sup,
        "reflection",
        rd.reflection(b, teachers(demo_db, b)[0], "2025-09-01", session="afternoon", closing=CLOSING_B),
    )
    statuses = [
        {"p01": "done", "p02": "in_progress", "p03": "not_done", "p04": "done", "p05": "not_applicable", "p06": "done"},
        {"p01": "done", "p02": "done", "p03": "not_done", "p04": "in_progress", "p05": "done", "p06": "done"},
        {"p01": "in_progress", "p02": "done", "p03": "done", "p04": "done", "p05": "done", "p06": "not_done"},
    ]  # fmt: skip
    # School A twice: only its latest record counts. Then B and C (C: a policy visit, no observation).
    rd.store(demo_db, sup, "policy", rd.policy(a, "2025-06-10", statuses[2]))
    rd.store(demo_db, sup, "policy", rd.policy(a, "2025-08-05", statuses[0], session="afternoon"))
    rd.store(demo_db, sup, "policy", rd.policy(b, "2025-09-01", statuses[1]))
    rd.store(demo_db, sup, "policy", rd.policy(c, "2025-09-02", statuses[2]))
    p1 = [
        rd.pupil_v1(f"A{i:02d}", "p1", 25, w, 30, pw, 60)
        for i, (w, pw) in enumerate([(0, 2), (3, 5), (25, 30), (10, 0), (5, 1)])
    ]
    p1[2]["word_grid"]["stopped_early"] = False  # all wrong but read to the end
    p3 = [rd.pupil_v1(f"B{i:02d}", "p3", 20, 2, 33, 1, 60) for i in range(2)]
    p3 += [rd.pupil_v1(f"B{i:02d}", "p3", 20, 2, 33, 1, 60) for i in range(2, 5)]
    for p in p3[:2]:
        p["pupil_grade"] = "p2"  # two p2 pupils in a p3 class: a suppressed grade
    # Version 1 records (before the grade bands) and version 2 records side by side: reports read both.
    rd.store(demo_db, sup, "literacy", rd.literacy(a, "2025-07-01", "p1", p1, session="afternoon"), version=1)
    rd.store(demo_db, sup, "literacy", rd.literacy(a, "2025-07-01", "p3", p3, session="afternoon"), version=1)
    school_of = {"a": a, "b": b, "c": c}
    for school, date, grade, pupils in LITERACY_V2:
        answers = rd.literacy(school_of[school], date, grade, [rd.pupil(*p) for p in pupils])
        rd.store(demo_db, sup, "literacy", answers)
    rd.store(demo_db, sup, "literacy", rd.literacy(a, "2025-12-02", "p1", p1), version=1)
    other = persona(demo_db, "supervisor2")
    n03 = demo_db.execute("SELECT code FROM schools WHERE network_id = 'N03' LIMIT 1").fetchone()[0]
    rd.store(
        demo_db, other, "observation", rd.observation(n03, teachers(demo_db, n03)[0], "2025-06-10", [5] * 9)
    )
    return {"db": demo_db, "a": a, "b": b, "c": c, "made": made, "p1": p1, "p3": p3, "statuses": statuses}


def test_element_means_and_distributions_match_an_independent_count(network):
    from server.reports import network_summary

    made = network["made"]["s1"]
    s = network_summary(network["db"], "N01", *S1)
    assert s["count"] == len(made) == 8
    for name in ELEMENTS:
        values = [r[name] for r in made]
        e = s["practice"]["elements"][name]
        assert e["n"] == len(values)
        assert e["mean"] == pytest.approx(round(statistics.fmean(values), 2))
        assert e["dist"] == [values.count(v) for v in range(1, 6)]
    means = [sum(r[n] for n in ELEMENTS) / 9 for r in made]
    assert s["practice"]["mean"] == pytest.approx(round(statistics.fmean(means), 2))
    # The five interpretive ranges of observation v2's [bands]: 4.5, 3.5, 2.5, 1.5, below.
    bands = [sum(1 for m in means if m >= 4.5), sum(1 for m in means if 3.5 <= m < 4.5),
             sum(1 for m in means if 2.5 <= m < 3.5), sum(1 for m in means if 1.5 <= m < 2.5),
             sum(1 for m in means if m < 1.5)]  # fmt: skip
    assert s["practice"]["bands"] == bands


def test_small_and_empty_schools_are_suppressed_or_empty(network):
    from server.reports import network_summary

    s = network_summary(network["db"], "N01", *S1)
    by_code = {row["code"]: row for row in s["schools"]}
    a, b, c = by_code[network["a"]], by_code[network["b"]], by_code[network["c"]]
    assert a["practice"]["shown"] and a["practice"]["n"] == 6
    assert b["practice"]["n"] == 2 and not b["practice"]["shown"]
    assert all(e["mean"] is None and e["dist"] is None for e in b["practice"]["elements"].values())
    assert b["practice"]["mean"] is None
    assert c["practice"] is None and c["observations"] == 0 and c["visited"]  # a policy visit, no class
    untouched = [r for r in s["schools"] if r["code"] not in (network["a"], network["b"], network["c"])]
    assert all(not r["visited"] and r["practice"] is None for r in untouched)


def test_coverage_counts_visits_sessions_teachers_hours(network):
    from server.reports import network_summary

    made = network["made"]["s1"]
    s = network_summary(network["db"], "N01", *S1)
    cov = s["coverage"]
    assert cov["observations"] == len(made)
    assert cov["teachers"] == len({(r["school"], r["teacher"]) for r in made})
    minutes = sum(
        (int(r["end_time"][:2]) * 60 + int(r["end_time"][3:]))
        - (int(r["start_time"][:2]) * 60 + int(r["start_time"][3:]))
        for r in made
    )
    assert cov["hours"] == round(minutes / 60, 1)
    visits = {(r["school"], r["visit_date"], r["session"]) for r in made}
    visits |= {
        (network["a"], "2025-06-10", "morning"),
        (network["b"], "2025-09-01", "afternoon"),
    }  # reflections
    visits |= {(network["a"], "2025-06-10", "afternoon"), (network["a"], "2025-08-05", "afternoon"),
               (network["b"], "2025-09-01", "afternoon"), (network["c"], "2025-09-02", "afternoon"),
               (network["a"], "2025-07-01", "afternoon")}  # policy and literacy  # fmt: skip
    assert cov["visits"] == len(visits)
    assert cov["morning"] == sum(1 for v in visits if v[2] == "morning")
    assert cov["afternoon"] == sum(1 for v in visits if v[2] == "afternoon")
    assert cov["schools_visited"] == 3
    assert cov["by_grade"] == {g: sum(1 for r in made if r["grade"] == g) for g in {r["grade"] for r in made}}
    assert cov["by_learning_area"] == {
        x: sum(1 for r in made if r["learning_area"] == x) for x in {r["learning_area"] for r in made}
    }
    planned = (
        network["db"]
        .execute(
            "SELECT count(DISTINCT school_code) FROM visits WHERE network_id = 'N01' AND date BETWEEN ? AND ?",
            S1,
        )
        .fetchone()[0]
    )
    assert cov["schools_planned"] == planned


def test_time_on_learning_from_snapshots(network):
    from server.reports import network_summary

    with_snaps = [r for r in network["made"]["s1"] if r.get("time_on_task")]
    s = network_summary(network["db"], "N01", *S1)
    tot = s["practice"]["time_on_task"]
    assert tot["n"] == len(with_snaps) == 3
    share = [
        100 * sum(e["activity"] == "yes" for e in r["time_on_task"]) / len(r["time_on_task"])
        for r in with_snaps
    ]
    high = [
        100 * sum(e["off_task"] == "0-1" for e in r["time_on_task"]) / len(r["time_on_task"])
        for r in with_snaps
    ]
    assert tot["activity"] == pytest.approx(round(statistics.fmean(share), 1))
    assert tot["on_task"] == pytest.approx(round(statistics.fmean(high), 1))


def test_two_semesters_are_kept_apart_and_trend_has_both(network):
    from server.reports import network_summary
    from server.reports.summary import trend

    s2 = network_summary(network["db"], "N01", *S2)
    made = network["made"]["s2"]
    assert s2["count"] == len(made) == 4
    assert s2["practice"]["elements"]["feedback"]["mean"] == pytest.approx(
        round(statistics.fmean(r["feedback"] for r in made), 2)
    )
    points = trend(network["db"], "N01", [S1, S2, ("2026-05-16", "2026-10-31")])
    expected = [
        statistics.fmean(sum(r[n] for n in ELEMENTS) / 9 for r in network["made"][k]) for k in ("s1", "s2")
    ]
    assert [p["n"] for p in points] == [8, 4, 0]
    assert points[0]["mean"] == pytest.approx(round(expected[0], 2))
    assert points[1]["mean"] == pytest.approx(round(expected[1], 2))
    assert points[2]["mean"] is None


#: How the two meetings close the previous visit's actions.
CLOSING_A = ("done", "in_progress", "done")
CLOSING_B = ("not_done", "done")


def test_reflection_policy_and_literacy_figures(network):
    from server.reports import network_summary

    s = network_summary(network["db"], "N01", *S1)
    r = s["reflection"]
    assert (r["meetings"], r["actions"], r["support_requests"], r["teachers"]) == (2, 5, 3, 2)
    closed = CLOSING_A + CLOSING_B
    assert r["closed"] == len(closed)
    assert r["done_pct"] == pytest.approx(round(100 * closed.count("done") / len(closed), 1), abs=0.05)
    pol = s["policy"]
    assert pol["schools"] == 3 and pol["records"] == 4
    latest = [network["statuses"][0], network["statuses"][1], network["statuses"][2]]  # A (latest), B, C
    for item in pol["items"]:
        for status in ("done", "in_progress", "not_done", "not_applicable"):
            count = sum(1 for st in latest if st[item["code"]] == status)
            assert item["counts"][status] == count
            assert item["pct"][status] == round(count * 100 / 3, 1)
    lit = {g["grade"]: g for g in s["literacy"]["grades"]}
    assert set(lit) == {"p1", "p2", "p3"}
    assert not lit["p2"]["shown"] and lit["p2"]["n"] == 2
    p1 = network["p1"]
    cwpm = [(p["passage_grid"]["attempted"] - len(p["passage_grid"]["wrong"])) * 60 / 60 for p in p1]
    assert lit["p1"]["median_cwpm"] == round(statistics.median(cwpm), 1)
    zero = sum(1 for p in p1 if p["word_grid"]["attempted"] == len(p["word_grid"]["wrong"]))
    assert lit["p1"]["zero_pct"] == round(zero * 100 / 5, 1)
    words = [100 * (p["word_grid"]["attempted"] - len(p["word_grid"]["wrong"])) / 25 for p in p1]
    bands = [sum(1 for w in words if w >= 80), sum(1 for w in words if 60 <= w < 80),
             sum(1 for w in words if 40 <= w < 60), sum(1 for w in words if w < 40)]  # fmt: skip
    assert lit["p1"]["bands"] == bands


def test_aar_answers_are_summarised_per_school_and_network(network):
    from server.reports import network_summary

    aar = network_summary(network["db"], "N01", *S1)["reflection"]["aar"]
    a, b = network["a"], network["b"]
    assert set(aar["schools"]) == {a, b}  # one meeting at each, one teacher each
    assert (aar["teachers"], aar["complete"]) == (2, 2)
    assert [name for name, _label in aar["questions"]] == [
        "aar_intended",
        "aar_happened",
        "aar_why",
        "aar_next",
    ]
    assert aar["schools"][a]["answers"]["aar_next"] == ["เพิ่มการตรวจสอบความเข้าใจ"]


def test_cannot_read_write_calculate_by_grade(network):
    """Semester 2: a version 1 class of ป.1 beside version 2 classes; only version 2 pupils are classified,
    every pupil is counted in n; percentages from 3 classified pupils on."""
    from server.reports import network_summary

    s = network_summary(network["db"], "N01", *S2)
    lit = {g["grade"]: g for g in s["literacy"]["grades"]}
    assert (lit["p1"]["n"], lit["p2"]["n"], lit["p3"]["n"]) == (10, 2, 3)
    for grade, (classified, *cannot) in CANNOT_S2.items():
        row = lit[grade]
        counts = [row["counts"][n] for n in ("cannot_read", "cannot_write", "cannot_calculate")]
        assert (row["classified"], counts) == (classified, cannot)
        want = {n: round(c * 100 / classified, 1) for n, c in zip(row["counts"], cannot, strict=True)}
        assert row["pct"] == (want if classified >= 3 else {})
    b, c = network["b"], network["c"]
    by_school = s["literacy"]["schools"]
    assert set(by_school) == {network["a"], b, c}
    assert [(g["grade"], g["counts"]["cannot_read"]) for g in by_school[c]] == [("p2", 0), ("p3", 1)]
    assert s["literacy"]["classification"]["cannot_read"].th == "อ่านไม่ออก"


def test_other_networks_do_not_leak_in(network):
    from server.reports import network_summary

    s = network_summary(network["db"], "N01", *S1)
    assert all(row["code"].startswith("4901") for row in s["schools"])
    n03 = network_summary(network["db"], "N03", *S1)
    assert n03["count"] == 1 and not n03["practice"]["shown"]


def test_scores_table_follows_the_write_path_and_equals_the_backfill(network):
    db = network["db"]
    count = db.execute("SELECT count(*) FROM records WHERE form_id = 'observation'").fetchone()[0]
    before = db.execute(f"SELECT * FROM {scores.TABLE} ORDER BY record_id").fetchall()
    assert len(before) == count
    with db.atomic():
        scores.backfill(db)
    assert db.execute(f"SELECT * FROM {scores.TABLE} ORDER BY record_id").fetchall() == before


def test_an_edit_replaces_the_scores_row(demo_db):
    import msgspec

    from sync.apply import apply_batch
    from sync.wire import PushBatch

    sup = persona(demo_db, "supervisor1")
    school = "49010001"
    teacher = teachers(demo_db, school)[0]
    first = rd.observation(school, teacher, "2025-06-10", [3] * 9)
    rid = rd.store(demo_db, sup, "observation", first)
    rev = demo_db.execute("SELECT rev FROM records WHERE id = ?", [rid]).fetchone()[0]
    edited = rd.observation(school, teacher, "2025-06-11", [4] * 9)
    raw = msgspec.json.encode({"id": rid, "rev": "r-edit-000001", "base_rev": rev, "form_id": "observation",
                               "form_version": 1, "answers": edited, "device_time": "2025-06-11T10:00:00+07:00"})  # fmt: skip
    with demo_db.atomic():
        apply_batch(demo_db, sup, PushBatch(device_id="tablet-a", records=[msgspec.Raw(raw)]),
                    lambda f, v: rd.FORMS[f], now=dt.datetime.now(dt.UTC).isoformat(), max_record_bytes=1 << 20,
                    derived=derived.write)  # fmt: skip
    rows = demo_db.execute(
        f"SELECT visit_date, feedback FROM {scores.TABLE} WHERE record_id = ?", [rid]
    ).fetchall()
    assert rows == [("2025-06-11", 4)]
