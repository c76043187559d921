"""Reports never hold up sync: themes, XLSX and PDF run in worker processes (server/workers.py), so a push
is answered while they are still being computed. Not timed: the report workers are frozen (SIGSTOP) with
the three reports in flight, and the push must still be answered — then they are let go and finish."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.conftest import LiveServer
from tests.factories import record

REPORTS = (
    "/reports/network/N01/themes",
    "/reports/network/N01/export.xlsx",
    "/reports/network/N01/print?format=pdf",
)


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_a_push_is_answered_while_reports_are_being_computed(live_server: LiveServer):
    with (
        live_server.client("secretary1") as secretary,
        live_server.client("supervisor1") as tablet,
        ThreadPoolExecutor(len(REPORTS)) as pool,
    ):
        assert secretary.get(REPORTS[0]).status_code == 200  # starts the report workers
        assert live_server.proc is not None
        workers = children(live_server.proc.pid)
        assert workers, "no report worker processes"
        for pid in workers:
            os.kill(pid, signal.SIGSTOP)
        try:
            reports = [pool.submit(secretary.get, url) for url in REPORTS]
            r = tablet.post(
                "/api/sync/push", json={"device_id": "tablet-while-reports", "records": [record()]}
            )
            assert r.status_code == 200 and r.json()["receipts"][0]["status"] == "stored"
            assert not any(f.done() for f in reports), "a report finished while its worker was stopped"
        finally:
            for pid in workers:
                os.kill(pid, signal.SIGCONT)
        answers = [f.result(timeout=120) for f in reports]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[1].content[:2] == b"PK" and answers[2].content[:5] == b"%PDF-"
