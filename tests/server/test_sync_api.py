"""The sync API over real HTTP: bad input gets a clear problem answer with a stable code, and loses nothing."""

from __future__ import annotations

import datetime as dt
import re

import httpx

from core import clock
from server.calendar import keep_since
from server.db import connect
from server.terms import load_terms
from tests.factories import batch, record


def test_a_push_answers_a_receipt_per_record_in_order(shared_server):
    with shared_server.client("supervisor1") as c:
        bad = record()
        bad["answers"]["grade"] = "p9"
        good = record()
        r = c.post("/api/sync/push", json=batch(good, bad))
        assert r.status_code == 200
        receipts = r.json()["receipts"]
        assert [(x["id"], x["status"]) for x in receipts] == [(good["id"], "stored"), (bad["id"], "rejected")]
        assert receipts[1]["code"] == "invalid_answers"
        assert receipts[1]["problems"] == [{"field": "grade", "code": "choice", "detail": ""}]
        # Thai first: the reason the observer sees.
        assert receipts[1]["message"] == "คำตอบบางข้อไม่เป็นไปตามเงื่อนไขของแบบบันทึก"


def test_malformed_json_is_a_problem_answer(shared_server):
    with shared_server.client("supervisor1") as c:
        r = c.post(
            "/api/sync/push", content=b'{"device_id": "x', headers={"content-type": "application/json"}
        )
        assert r.status_code == 400
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "malformed_batch"


def test_wrong_types_in_the_batch_are_a_problem_answer(shared_server):
    with shared_server.client("supervisor1") as c:
        r = c.post("/api/sync/push", json={"device_id": 12, "records": "no"})
        assert (r.status_code, r.json()["code"]) == (400, "malformed_batch")
        assert "device_id" in r.json()["detail"]


def test_a_batch_too_large_is_refused_whole(shared_server):
    with shared_server.client("supervisor1") as c:
        records = [record() for _ in range(201)]
        r = c.post("/api/sync/push", json=batch(*records))
        assert (r.status_code, r.json()["code"]) == (413, "batch_too_large")
        ids = {x["id"] for x in records}
        pulled = c.get("/api/sync/pull").json()["records"]
        assert not ids & {x["id"] for x in pulled}


def test_no_session_is_401_and_no_csrf_header_is_403(shared_server):
    anonymous = httpx.post(f"{shared_server.url}/api/sync/push", json=batch(record()))
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    with shared_server.client("supervisor1") as c:
        del c.headers["x-csrftoken"]
        r = c.post("/api/sync/push", json=batch(record()))
        assert (r.status_code, r.json()["code"]) == (403, "csrf_failed")


def test_pull_is_scoped_and_follows_the_cursor(shared_server):
    with shared_server.client("supervisor2") as c:
        first = c.get("/api/sync/pull").json()
        assert {s["network_id"] for s in first["schools"]} == {"N03", "N04"}
        again = c.get("/api/sync/pull", params={"cursor": first["cursor"]}).json()
        assert again["schools"] == [] and again["records"] == []
        assert c.get("/api/sync/pull", params={"cursor": -1}).status_code == 400


def test_openapi_schema_documents_the_protocol(shared_server):
    schema = httpx.get(f"{shared_server.url}/schema/openapi.json").json()
    assert {"/api/sync/push", "/api/sync/pull"} <= set(schema["paths"])


def test_the_tablet_and_its_pull_keep_from_the_same_day(shared_server):
    """The day the tablet prunes from (the home page's `data-keep-since`, pwa/static/js/prune.js) is the day
    its pull sends records from: one changed the day before does not come, one changed that day does."""
    with shared_server.client("supervisor1") as c:
        since = re.search(r'data-keep-since="(\d{4}-\d\d-\d\d)"', c.get("/").text)
        assert since is not None
        db = connect(shared_server.db_path)
        assert since[1] == keep_since(clock.today(), load_terms(db))
        day_before = (dt.date.fromisoformat(since[1]) - dt.timedelta(days=1)).isoformat()
        pruned, kept = record(), record()
        assert c.post("/api/sync/push", json=batch(pruned, kept)).status_code == 200
        with db.atomic():
            for r, day in ((pruned, f"{day_before}T16:59:59+00:00"), (kept, f"{since[1]}T00:00:00+00:00")):
                db.execute("UPDATE records SET updated_at = ? WHERE id = ?", [day, r["id"]])
        db.close()
        got, cursor, at = set(), 0, "round=0&ref=0&before=0"
        while True:
            page = c.get(f"/api/sync/pull?cursor={cursor}&{at}").json()
            got |= {r["id"] for r in page["records"]}
            cursor, at = page["cursor"], f"round={page['round']}&ref={page['ref']}&before={page['before']}"
            if not page["more"]:
                break
        assert kept["id"] in got and pruned["id"] not in got
        # A pull in change order (no round) still sends both.
        assert {pruned["id"], kept["id"]} <= {r["id"] for r in c.get("/api/sync/pull").json()["records"]}
