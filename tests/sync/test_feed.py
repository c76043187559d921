"""Pull: reference data and records since a cursor, scoped to the user's networks, paged."""

from __future__ import annotations

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server import accounts
from sync.feed import PAGE_BYTES, pull
from tests.conftest import persona
from tests.factories import SCHOOL_N03, TEACHER_N03, observation_answers, record
from tests.sync.test_apply import push


def test_a_supervisor_pulls_only_their_networks(demo_db, forms):
    result = pull(demo_db, persona(demo_db, "supervisor1"), 0)
    assert not result.more
    assert {n.id for n in result.networks} == {"N01", "N02"}
    assert {s.network_id for s in result.schools} == {"N01", "N02"}
    assert len(result.schools) == 15 + 17
    assert {t.school_code[:4] for t in result.teachers} == {"4901", "4902"}
    assert {f.form_id for f in result.forms} >= {"observation"}
    assert all(v.network_id == "N01" for v in result.visits) and result.visits


def test_records_of_another_network_never_reach_a_tablet(demo_db, forms):
    push(demo_db, forms, "supervisor1", record())
    push(demo_db, forms, "supervisor2", record(observation_answers(school=SCHOOL_N03, teacher=TEACHER_N03)))
    mine = pull(demo_db, persona(demo_db, "supervisor1"), 0).records
    theirs = pull(demo_db, persona(demo_db, "supervisor2"), 0).records
    assert [r.network_id for r in mine] == ["N01"] and [r.network_id for r in theirs] == ["N03"]
    assert len(pull(demo_db, persona(demo_db, "admin"), 0).records) == 2


def test_a_cursor_returns_only_what_changed_since(demo_db, forms):
    sup = persona(demo_db, "supervisor1")
    first = pull(demo_db, sup, 0)
    assert pull(demo_db, sup, first.cursor).records == []
    r = record()
    push(demo_db, forms, "supervisor1", r)
    later = pull(demo_db, sup, first.cursor)
    assert [x.id for x in later.records] == [r["id"]] and later.schools == []


def test_pull_pages_through_a_large_history(demo_db, forms):
    sup = persona(demo_db, "supervisor1")
    everything = pull(demo_db, sup, 0)
    cursor, pages, schools = 0, 0, 0
    while True:
        page = pull(demo_db, sup, cursor, window=100)
        pages += 1
        schools += len(page.schools)
        cursor = page.cursor
        if not page.more:
            break
    assert pages > 5 and schools == len(everything.schools) and cursor == everything.cursor


def test_a_supervisor_pulls_the_users_of_their_networks_only(demo_db, forms):
    result = pull(demo_db, persona(demo_db, "supervisor1"), 0)
    names = {u.id: u.display_name for u in result.users}
    mine = {persona(demo_db, u).id for u in ("supervisor1", "team1", "secretary1", "deputy1")}
    # Not supervisor2 (N03, N04) nor deputy2 (N11–N19), not the admin or directors (no network).
    assert set(names) == mine
    assert names[persona(demo_db, "team1").id] == "ผอ.ประเสริฐ ทดลอง"
    assert {u.role for u in result.users} == {"supervisor", "team_member", "secretary", "deputy"}
    everyone = pull(demo_db, persona(demo_db, "director"), 0).users
    assert len(everyone) == 9


def test_a_later_pull_returns_a_user_again_after_a_change(demo_db, forms):
    sup = persona(demo_db, "supervisor1")
    first = pull(demo_db, sup, 0)
    assert pull(demo_db, sup, first.cursor).users == []
    team1 = persona(demo_db, "team1").id
    accounts.update_user(demo_db, team1, "ผอ.ประเสริฐ ใหม่", "team_member", ["N01"])
    later = pull(demo_db, sup, first.cursor)
    assert [(u.id, u.display_name) for u in later.users] == [(team1, "ผอ.ประเสริฐ ใหม่")]
    accounts.deactivate(demo_db, "team1")
    assert pull(demo_db, sup, later.cursor).users == []  # only active users are sent


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    notes=st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=12),
    bound=st.integers(min_value=12_000, max_value=40_000),
)
def test_a_pull_page_never_exceeds_its_byte_bound(demo_db, forms, notes, bound):
    """Records of any size (Thai notes up to ~9 KB of UTF-8): every page within the bound, and paging from
    the start still brings every record once, the cursor always moving on."""
    sup = persona(demo_db, "supervisor1")
    push(
        demo_db,
        forms,
        "supervisor1",
        *(record(observation_answers(strengths="ครูสอนดี" * (n // 8 + 1))) for n in notes),
    )
    held = {r[0] for r in demo_db.execute("SELECT id FROM records WHERE network_id IN ('N01', 'N02')")}
    cursor, seen = 0, set()
    while True:
        page = pull(demo_db, sup, cursor, max_bytes=bound)
        assert len(msgspec.json.encode(page)) <= bound
        assert page.cursor > cursor
        seen |= {r.id for r in page.records}
        cursor = page.cursor
        if not page.more:
            break
    assert seen == held


def test_an_http_pull_page_stays_within_the_default_bound(live_server):
    """The server's own bound (1 MB) over real HTTP, uncompressed, on a history of 5,000 change numbers of
    large records: more than one page, none over the bound."""
    long = "ครูใช้สื่อของจริงและให้นักเรียนอธิบายเหตุผลของคำตอบ" * 100  # ~4,800 characters
    answers = observation_answers(strengths=long[:5000], develop_text=long[:5000])
    with live_server.client("supervisor1") as client:
        body = {"device_id": "tablet-bound-1", "records": [record(answers) for _ in range(80)]}
        receipts = client.post("/api/sync/push", json=body).json()["receipts"]
        assert {r["status"] for r in receipts} == {"stored"}
        cursor, pages, ids = 0, 0, set()
        while True:
            r = client.get(f"/api/sync/pull?cursor={cursor}", headers={"accept-encoding": "identity"})
            assert r.status_code == 200 and "content-encoding" not in r.headers
            assert len(r.content) <= PAGE_BYTES
            page = r.json()
            pages, cursor = pages + 1, page["cursor"]
            ids |= {x["id"] for x in page["records"]}
            if not page["more"]:
                break
    assert pages >= 3 and len(ids) == 80
