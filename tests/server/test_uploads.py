"""Uploads are read in bounded memory and time (issue 12): spreadsheets that claim millions of cells, zips
that unpack to gigabytes, CSV lines of a million commas — and sync keeps answering meanwhile."""

from __future__ import annotations

import io
import re
import threading
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import openpyxl
import pytest

from server import spreadsheets
from server.bounded import TooSlow, check_time, in_worker
from server.imports import read_table
from server.notice import Refused
from server.workers import Workers
from tests.factories import batch, record

MB = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def schools_xlsx(rows: int = 1, *, dimension: str | None = None, last_row: int | None = None) -> bytes:
    """A schools file; `dimension` rewrites what the sheet claims, `last_row` puts one cell that far down."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "name", "network", "district", "grades"])
    for i in range(rows):
        sheet.append([f"4998{i:04d}", f"โรงเรียนบ้านทดสอบ {i}", "N03", "ดงหลวง", "ป.1"])
    if last_row:
        sheet.cell(row=last_row, column=1, value="x")
    plain = io.BytesIO()
    book.save(plain)
    if dimension is None:
        return plain.getvalue()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>'.encode(), data
                )
                assert dimension.encode() in data
            z.writestr(info.filename, data)
    return out.getvalue()


def peak_mb(fn: Any) -> tuple[Any, float]:
    tracemalloc.start()
    try:
        result = fn()
    except Refused as exc:
        result = exc
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    return result, peak


def test_a_sheet_that_claims_a_million_columns_is_read_in_a_few_megabytes():
    hostile = schools_xlsx(dimension="A1:XFD8000", last_row=8000)
    assert len(hostile) < 8 * 1024
    (headers, rows, _), peak = peak_mb(lambda: read_table("s.xlsx", hostile))
    assert headers[:3] == ["code", "name", "network"] and len(headers) <= spreadsheets.MAX_COLUMNS
    assert [r[0] for r in rows] == ["49980000", "x"]
    assert peak < 30, f"{peak:.0f} MB"


def test_a_sheet_that_claims_every_row_is_refused_at_the_row_cap():
    hostile = schools_xlsx(dimension="A1:XFD1048576", last_row=1_048_576)
    refused, peak = peak_mb(lambda: read_table("s.xlsx", hostile))
    assert isinstance(refused, Refused) and "100000" in str(refused.reasons[0].params)
    assert peak < 30, f"{peak:.0f} MB"


def test_a_zip_that_unpacks_to_more_than_the_cap_is_refused_before_it_is_opened():
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(schools_xlsx())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
        z.writestr("xl/padding.bin", b"\0" * (spreadsheets.MAX_UNPACKED_BYTES + 1))
    assert len(out.getvalue()) < MB
    refused, peak = peak_mb(lambda: read_table("s.xlsx", out.getvalue()))
    assert isinstance(refused, Refused) and refused.reasons[0].msgid.startswith("The workbook unpacks")
    assert peak < 30, f"{peak:.0f} MB"


@pytest.mark.parametrize(
    ("csv_text", "why"),
    [
        ("code,name,network\n" + "1," * (4 * MB) + "\n", "A line is longer"),
        ("code,name,network\n" + "4901,ก,N01\n" * 700_000, "The file has more than"),
        ('code,name,network\n"' + "x" * 200_000 + '",ก,N01\n', "A line is longer"),
    ],
    ids=["8MB-one-line", "8MB-many-rows", "one-huge-field"],
)
def test_an_8mb_csv_is_refused_at_the_first_limit_it_breaks(csv_text, why):
    data = csv_text.encode()
    assert len(data) >= 200_000
    refused, peak = peak_mb(lambda: read_table("s.csv", data))
    assert isinstance(refused, Refused) and refused.reasons[0].msgid.startswith(why)
    assert peak < len(data) / MB * 6 + 30, f"{peak:.0f} MB"  # the text itself, decoded, and little more


def run_in_a_fresh_loop(fn: Any) -> Any:
    """`anyio.run` in a thread of its own: the suite's browser keeps an event loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, fn).result()


def checks_forever(_conn: Any) -> None:
    while True:
        check_time()


def sleeps(_conn: Any, seconds: float) -> None:
    time.sleep(seconds)


@pytest.fixture
def one_worker(tmp_path: Path) -> Iterator[Workers]:
    workers = Workers(tmp_path / "w.db", 1)
    try:
        yield workers
    finally:
        workers.close()


def test_work_past_its_time_limit_stops_at_its_next_check(one_worker):
    with pytest.raises(TooSlow) as stopped:
        run_in_a_fresh_loop(lambda: in_worker(one_worker, checks_forever, seconds=0.2))
    assert stopped.value.seconds == 0.2  # raised in the worker, rebuilt here whole
    # The worker is free again: the next work runs to its end.
    assert run_in_a_fresh_loop(lambda: in_worker(one_worker, sleeps, 0.05, seconds=5)) is None
    check_time()  # outside a worker there is no limit


def test_work_that_never_checks_is_answered_when_its_limit_is_over(one_worker):
    with pytest.raises(TooSlow):
        run_in_a_fresh_loop(lambda: in_worker(one_worker, sleeps, 3, seconds=0.2))


def test_the_hostile_sheet_over_http_is_checked_like_any_other(shared_server):
    with shared_server.client("admin") as admin:
        r = admin.post(
            "/admin/imports",
            data={"kind": "schools"},
            files={"file": ("s.xlsx", schools_xlsx(dimension="A1:XFD8000", last_row=8000), XLSX)},
            headers={"hx-request": "true"},
        )
    assert r.status_code == 200 and "49980000" in r.text


def test_a_push_is_answered_while_a_large_spreadsheet_is_checked(shared_server):
    """Not a benchmark: the push must not wait for the upload (it would, were the check on the event loop)."""
    large = schools_xlsx(rows=20_000)
    uploaded: dict[str, Any] = {}

    def upload(admin: Any) -> None:
        files = {"file": ("s.xlsx", large, XLSX)}
        uploaded["response"] = admin.post(
            "/admin/imports", data={"kind": "schools"}, files=files, timeout=120
        )
        uploaded["done"] = time.monotonic()

    with shared_server.client("supervisor1") as c, shared_server.client("admin") as admin:
        # Both signed in beforehand: the upload starts at once, the push goes straight through.
        c.get("/api/me")
        thread = threading.Thread(target=upload, args=(admin,))
        thread.start()
        time.sleep(1.0)  # the upload (~0.45 MB on the loopback) has arrived and is being checked
        start = time.monotonic()
        r = c.post("/api/sync/push", json=batch(record()))
        answered = time.monotonic()
        still_checking = thread.is_alive()
        thread.join(120)
    assert r.status_code == 200 and r.json()["receipts"][0]["status"] == "stored"
    assert still_checking, "the upload finished before the push: the test proved nothing"
    # Were the check on the event loop, the push would be answered only once the check is over, with the
    # upload's own answer. Not a timing budget (bench/ measures speed): the push is answered while the
    # upload is still being checked, in a report worker, clearly before its answer (a push behind the
    # check would trail the upload's answer).
    lead = uploaded["done"] - answered
    assert lead > 0.25, (
        f"the push ({answered - start:.2f} s) was answered only {lead:.2f} s before the upload"
    )
    assert uploaded["response"].status_code == 200


def test_a_large_check_lists_its_errors_first_and_at_most_500_rows(shared_server):
    """Every row is checked and counted; the page lists the rows worth a look — errors first, even one on
    the last line — up to 500, and says so."""
    book = openpyxl.Workbook()
    book.active.append(["code", "name", "network", "district", "grades"])
    for i in range(599):
        book.active.append([f"4997{i:04d}", f"โรงเรียนบ้านรายการ {i}", "N03", "ดงหลวง", "ป.1"])
    book.active.append(["49979999", "โรงเรียนบ้านเครือข่ายผิด", "N99", "ดงหลวง", "ป.1"])  # line 601
    body = io.BytesIO()
    book.save(body)
    with shared_server.client("admin") as admin:
        r = admin.post(
            "/admin/imports", data={"kind": "schools"}, files={"file": ("s.xlsx", body.getvalue(), XLSX)}
        )
    assert r.status_code == 200
    report = r.text[r.text.index('id="import-check"') :]
    assert "แสดง 500 จาก 600 แถว" in report
    lines = [int(n) for n in re.findall(r"<tr>\s*<td>(\d+)</td>", report)]
    assert lines == [601, *range(2, 501)]  # the error first, then the first 499 new rows in line order
    assert "ไฟล์มีข้อผิดพลาด จึงยังไม่ได้นำเข้าข้อมูลใด ๆ" in report
