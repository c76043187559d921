"""Small client modules in Chromium: backoff never storms and is capped; dates show in Buddhist Era."""

from __future__ import annotations

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
