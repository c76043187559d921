"""Small client modules in Chromium: backoff never storms and is capped; dates show in Buddhist Era; new
record ids are time-ordered UUIDs."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_backoff_grows_exponentially_with_jitter_and_a_cap(static_page: Any) -> None:
    delays = static_page.evaluate(
        """async () => {
            const { backoffDelay } = await import('/pwa/static/js/backoff.js');
            const at = (attempt, r) => backoffDelay(attempt, { random: () => r });
            return {
                low: [1, 2, 3, 4, 5].map((a) => at(a, 0)),
                high: [1, 2, 3, 4, 5].map((a) => at(a, 0.999999)),
                capped: [at(20, 0), at(20, 0.999999)],
            };
        }"""
    )
    # Each attempt's window doubles: [base/2, base) then [base, 2 base) … with base 2 s.
    assert delays["low"] == [1000, 2000, 4000, 8000, 16000]
    assert all(abs(h - 2 * lo) < 1 for h, lo in zip(delays["high"], delays["low"], strict=True))
    assert delays["capped"][0] == 150_000 and delays["capped"][1] < 300_000


def test_dates_are_shown_in_buddhist_era(static_page: Any) -> None:
    shown = static_page.evaluate(
        """async () => {
            const { beDate } = await import('/pwa/static/js/thaidate.js');
            return [beDate('2025-01-31'), beDate('2026-11-20', 'medium'), beDate(null)];
        }"""
    )
    assert shown == ["31 มกราคม 2568", "20 พ.ย. 2569", ""]


def test_a_new_record_id_is_a_uuid7_that_sorts_by_when_it_was_made(static_page: Any) -> None:
    made = static_page.evaluate(
        """async () => {
            const { recordId } = await import('/pwa/static/js/ids.js');
            const start = Date.UTC(2026, 11, 1, 1, 30);
            return [0, 1, 1, 60000, 86400000].map((later) => recordId(start + later));
        }"""
    )
    ids = [uuid.UUID(x) for x in made]
    assert [str(u) for u in ids] == made  # the canonical lower-case form the server stores
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in ids)
    assert [u.int >> 80 for u in ids] == [1796088600000 + d for d in (0, 1, 1, 60000, 86400000)]
    assert made[0] < made[1] and made[2] < made[3] < made[4]  # as text too, as SQLite orders them
    assert len(set(made)) == len(made)  # the same millisecond still makes two ids


def test_a_hand_over_too_big_for_one_code_is_a_sequence_read_in_any_order(static_page: Any) -> None:
    """The summaries cut into codes and read back in any order, each part once; a code that is not ours
    is told apart; a first-version code (one summary) still reads."""
    out = static_page.evaluate(
        """async () => {
            const { Collector, encodeCodes, readCode } = await import('/pwa/static/js/handover-codes.js');
            const summary = (i) => ({ id: `obs-${i}`, school: '49010001', date: '2025-06-17', session: 'morning',
              teacher: `ครูน้ำทิพย์ ${i}`, start: '08:30', end: '09:30', strengths: 'ผู้ไปนิเทศ อำเภอ ฝั่ง '.repeat(20) });
            const summaries = [summary(1), summary(2), summary(3)];
            const codes = encodeCodes(summaries, 'ab12cd');
            const c = new Collector();
            const order = [2, 0, 2, 1, 0].filter((i) => i < codes.length - 1).concat([codes.length - 1]);
            const seen = [];
            let whole = null;
            for (const i of [...order, ...codes.keys()]) {
              const r = c.add(codes[i]);
              seen.push(r === null ? c.progress.got : r === 'foreign' ? 'foreign' : 'whole');
              if (r && r !== 'foreign') { whole = r; break; }
            }
            const text = new TextEncoder().encode('https://example.com/');
            const v1 = new TextEncoder().encode(JSON.stringify({ v: 1, ...summary(9) }));
            return { count: codes.length, seen, whole, sizes: codes.map((x) => x.length),
                     foreign: new Collector().add(text), wrong: readCode(new TextEncoder().encode('NTH1:zz:3/2:x')).kind,
                     v1: new Collector().add(v1)[0].id, summaries };
        }"""
    )
    assert out["count"] >= 3 and max(out["sizes"]) <= 520  # a version 18 code at most
    assert out["whole"] == out["summaries"]  # Thai text byte for byte, cut anywhere in a character
    assert out["seen"][-1] == "whole" and out["seen"].count("whole") == 1
    counts = [s for s in out["seen"] if isinstance(s, int)]
    assert counts == sorted(counts) and len(counts) > len(set(counts))  # a part read twice counted once
    assert out["foreign"] == "foreign" and out["wrong"] == "foreign"
    assert out["v1"] == "obs-9"
