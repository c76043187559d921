"""The server's "today" follows NITHET_TZ, whatever the zone of the machine it runs on."""

from __future__ import annotations

import datetime as dt
import re

from tests.conftest import LiveServer
from tests.core.test_clock import zone_on_another_date


def test_the_server_dates_a_memo_in_the_configured_zone(tmp_path):
    zone, days = zone_on_another_date()
    server = LiveServer(tmp_path / "nithet.db", env={"NITHET_TZ": zone, "TZ": "UTC"}).start()
    try:
        with server.client("secretary1") as secretary:
            before = dt.datetime.now(dt.UTC).date()
            page = secretary.get("/submissions/network/N01/new")
            after = dt.datetime.now(dt.UTC).date()
    finally:
        server.stop()
    assert page.status_code == 200
    found = re.search(r'id="m-date" name="date" type="date" value="([0-9-]+)"', page.text)
    assert found, page.text[:2000]
    shown = dt.date.fromisoformat(found.group(1))
    assert shown in {before + dt.timedelta(days=days), after + dt.timedelta(days=days)}
    assert shown not in {before, after}
