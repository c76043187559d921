"""The area office's clock: its date follows the configured zone, not the machine's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from core import clock


def zone_on_another_date() -> tuple[str, int]:
    """A zone whose date differs from UTC's right now, and by how many days (UTC+14 late, UTC-11 early)."""
    return ("Pacific/Kiritimati", 1) if dt.datetime.now(dt.UTC).hour >= 10 else ("Pacific/Pago_Pago", -1)


@pytest.fixture
def restore_zone() -> Iterator[None]:
    yield
    clock.use_zone(clock.DEFAULT_ZONE)


def test_today_is_the_date_in_the_configured_zone(restore_zone):
    zone, days = zone_on_another_date()
    clock.use_zone(zone)
    utc = dt.datetime.now(dt.UTC).date()
    assert clock.today() in (
        utc + dt.timedelta(days=days),
        dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days),
    )
    assert clock.now().utcoffset() == dt.timedelta(hours=14 if days == 1 else -11)


def test_without_a_setting_the_clock_is_thailands(restore_zone):
    assert clock.now().utcoffset() == dt.timedelta(hours=7)


def test_an_unknown_zone_is_refused(restore_zone):
    with pytest.raises(Exception, match="Mars/Olympus"):
        clock.use_zone("Mars/Olympus")
