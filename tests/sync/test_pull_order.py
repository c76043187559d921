"""An ordered pull (sync/feed.py `Round`): reference data and plans first, then the records newest first;
the cursor never loses a change and never brings one twice, whatever pushes happen between the pages."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.sequences import next_seq
from sync.feed import Round, pull
from tests import report_data as rd
from tests.conftest import persona
from tests.factories import observation_answers, record
from tests.sync.test_apply import push

KEEP_SINCE = "2026-01-01"
LONG_AGO = "2024-06-03T03:00:00+00:00"
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("push"), st.integers(1, 4), st.integers(0, 2000)),
        st.tuples(st.just("old"), st.integers(1, 4), st.integers(0, 2000)),
        st.tuples(st.just("edit"), st.integers(0, 50), st.integers(0, 2000)),
        st.tuples(st.just("school"), st.integers(0, 5), st.integers(0, 0)),
        st.tuples(st.just("pull"), st.integers(1, 3), st.integers(0, 0)),
    ),
    max_size=14,
)


class Tablet:
    def __init__(self, db: Any, actor: Any, window: int, bound: int, keep_since: str = ""):
        self.db, self.actor, self.window, self.bound, self.keep_since = db, actor, window, bound, keep_since
        self.cursor, self.round = 0, Round(0, 0, 0)
        self.records: dict[str, str] = {}
        self.schools: dict[str, str] = {}
        self.delivered: list[tuple[str, str]] = []

    def page(self) -> bool:
        page = pull(self.db, self.actor, self.cursor, window=self.window, max_bytes=self.bound,
                    ordered=self.round, keep_since=self.keep_since)  # fmt: skip
        assert len(msgspec.json.encode(page)) <= self.bound
        if page.phase == "reference":
            assert not page.records
        else:  # history: records only, newest first
            assert not (page.schools or page.teachers or page.visits or page.networks or page.users)
            seqs = [self._seq(r.id) for r in page.records]
            assert seqs == sorted(seqs, reverse=True)
        self.schools |= {s.code: s.name for s in page.schools}
        for r in page.records:
            self.delivered.append((r.id, r.rev))
            self.records[r.id] = r.rev
        self.cursor = page.cursor
        self.round = Round(page.round, page.ref, page.before)
        return page.more

    def _seq(self, rid: str) -> int:
        return int(self.db.execute("SELECT seq FROM records WHERE id = ?", [rid]).fetchone()[0])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ops=OPS,
    window=st.integers(2, 400),
    bound=st.integers(30_000, 80_000),
    keep_since=st.sampled_from(["", KEEP_SINCE]),
)
def test_an_ordered_pull_loses_nothing_and_brings_nothing_twice(
    demo_db, forms, ops, window, bound, keep_since
):
    """Whatever the pushes between pages: every record the tablet keeps arrives at its newest revision, none
    twice; with `keep_since`, none last changed before it ("old": pushed long ago, as far as the server's
    dates go)."""
    tablet = Tablet(demo_db, persona(demo_db, "supervisor1"), window, bound, keep_since)
    pushed: list[dict[str, Any]] = []
    for op, n, size in ops:
        if op in ("push", "old"):
            new = [record(observation_answers(strengths="ครูสอนดี" * (size // 8 + 1))) for _ in range(n)]
            push(demo_db, forms, "supervisor1", *new)
            if op == "old":
                with demo_db.atomic():
                    for r in new:
                        demo_db.execute("UPDATE records SET updated_at = ? WHERE id = ?", [LONG_AGO, r["id"]])
            pushed += new
        elif op == "edit" and pushed:
            old = pushed[n % len(pushed)]
            edited = record(observation_answers(topic=f"ครั้งที่ {size}"), rid=old["id"], base_rev=old["rev"])
            if push(demo_db, forms, "supervisor1", edited)[0].status == "stored":
                pushed[n % len(pushed)] = edited
        elif op == "school":
            with demo_db.atomic():
                code = f"4901000{n + 1}"
                demo_db.execute(
                    "UPDATE schools SET name = name || 'ฯ', seq = ? WHERE code = ?", [next_seq(demo_db), code]
                )
        elif op == "pull":
            for _ in range(n):
                if not tablet.page():
                    break
    while tablet.page():
        pass
    assert len(tablet.delivered) == len(set(tablet.delivered))  # no change twice
    held = dict(
        demo_db.execute(
            "SELECT id, rev FROM records WHERE network_id IN ('N01', 'N02') AND updated_at >= ?", [keep_since]
        ).fetchall()
    )
    assert tablet.records == held  # none lost, each at its newest revision, none the tablet would prune
    schools = dict(
        demo_db.execute("SELECT code, name FROM schools WHERE network_id IN ('N01', 'N02')").fetchall()
    )
    assert tablet.schools == schools


def test_reference_and_plans_come_before_any_record(demo_db, forms):
    push(demo_db, forms, "supervisor1", *(record() for _ in range(5)))
    supervisor = persona(demo_db, "supervisor1")
    first = pull(demo_db, supervisor, 0, ordered=Round(0, 0, 0))
    assert first.phase == "reference" and first.schools and first.visits and not first.records
    tablet = Tablet(demo_db, supervisor, 5000, 1_000_000)
    while tablet.page():
        pass
    assert len(tablet.records) == 5 and tablet.cursor == first.top


def _store_then(db: Any, form_id: str, answers: dict[str, Any], updated_at: str) -> str:
    """A record stored through the write path, as if it had been pushed on `updated_at`."""
    rid = rd.store(db, persona(db, "supervisor1"), form_id, answers)
    with db.atomic():
        db.execute("UPDATE records SET updated_at = ? WHERE id = ?", [updated_at, rid])
    return rid


def test_a_first_pull_leaves_out_what_the_tablet_would_prune(demo_db, forms):
    """pwa/static/js/prune.js keeps synced records changed since the previous term's first day, and each
    school's newest reflection meeting: a fresh tablet is sent those and nothing older."""
    school, other = (
        r[0] for r in demo_db.execute("SELECT code FROM schools WHERE network_id = 'N01' LIMIT 2")
    )
    teacher, elsewhere = (
        demo_db.execute("SELECT id FROM teachers WHERE school_code = ?", [code]).fetchone()[0]
        for code in (school, other)
    )
    old = "2025-03-01T03:00:00+00:00"
    obs = rd.observation(school, teacher, "2025-02-27", [3] * 9)
    ancient = {
        "observation": _store_then(demo_db, "observation", obs, old),
        "older reflection": _store_then(
            demo_db, "reflection", rd.reflection(school, teacher, "2025-01-10"), old
        ),
        "older reflection, same school": _store_then(
            demo_db, "reflection", rd.reflection(school, teacher, "2025-01-20"), old
        ),
    }
    newest_reflection = _store_then(demo_db, "reflection", rd.reflection(school, teacher, "2025-02-27"), old)
    recent = _store_then(
        demo_db,
        "observation",
        rd.observation(other, elsewhere, "2026-06-01", [4] * 9),
        "2026-06-02T03:00:00+00:00",
    )
    on_the_day = _store_then(demo_db, "observation", obs, "2026-05-16T00:00:00+00:00")
    supervisor = persona(demo_db, "supervisor1")

    tablet = Tablet(demo_db, supervisor, 5000, 1_000_000, keep_since="2026-05-16")
    while tablet.page():
        pass

    assert set(tablet.records) == {recent, on_the_day, newest_reflection}
    assert tablet.cursor == demo_db.execute("SELECT value FROM counters WHERE name = 'seq'").fetchone()[0]
    # Without the rule (a pull in change order, as a third-party client asks) every record comes.
    everything = pull(demo_db, supervisor, 0)
    assert {r.id for r in everything.records} == {recent, on_the_day, newest_reflection, *ancient.values()}

    # An old record changed later has a new change number: the next pull brings it.
    edited = rd.observation(school, teacher, "2025-02-27", [2] * 9)
    rid = ancient["observation"]
    rev = demo_db.execute("SELECT rev FROM records WHERE id = ?", [rid]).fetchone()[0]
    again = record(edited, rid=rid, base_rev=rev, form_version=rd.FORMS["observation"].version)
    assert push(demo_db, forms, "supervisor1", again)[0].status == "stored"
    while tablet.page():
        pass
    assert rid in tablet.records
