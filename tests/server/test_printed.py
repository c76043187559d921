"""A report's PDF is laid out once per version of its data: asked for again unchanged, it comes from the
server's store of printed PDFs (server/reports/pdf.py `Printed`) — even with the report workers frozen
(SIGSTOP), so nothing lays it out again; once a record changes the report, the PDF is made afresh — a
secretary never prints yesterday's figures."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor

from server.office import whole_names
from server.reports.pdf import Printed
from tests import report_data as rd
from tests.conftest import LiveServer
from tests.factories import batch, record
from tests.server.reports_client import pdf_text, push
from tests.server.test_reports_off_sync import children

URL = "/reports/network/N01/travel?period=2568-1&format=pdf"


def test_the_store_keeps_the_last_asked_for_within_its_size():
    printed = Printed(max_bytes=10)
    a, b, c = (Printed.key(html) for html in ("<p>a</p>", "<p>b</p>", "<p>c</p>"))
    assert a != b and Printed.key("<p>a</p>") == a
    printed.put(a, b"1234")
    printed.put(b, b"5678")
    assert printed.get(a) == b"1234"  # a is now the most recently asked for
    printed.put(c, b"90ab")  # 12 bytes: the least recently asked for (b) goes
    assert printed.get(b) is None and printed.get(a) == b"1234" and printed.get(c) == b"90ab"
    printed.put(b, b"x" * 11)  # larger than the whole store: not kept, nothing dropped for it
    assert printed.get(b) is None and printed.get(a) == b"1234"


def test_each_part_of_a_name_is_kept_whole_and_escaped():
    out = str(whole_names(["ศน.วิภาวรรณ สาธิต", "ครู <ก>  ใจดี"]))
    assert out == (
        '<span class="w">ศน.วิภาวรรณ</span> <span class="w">สาธิต</span>, '
        '<span class="w">ครู</span> <span class="w">&lt;ก&gt;</span> <span class="w">ใจดี</span>'
    )


def test_a_pdf_asked_for_again_while_it_is_made_is_laid_out_once():
    """A second tap on Share PDF, or two secretaries printing the same report, while the PDF is being laid out:
    they wait for that one. A request that gives up does not stop it for the others; a PDF that failed is
    tried again at the next ask. (`render` stands for the report workers here: it counts its calls and holds
    each until the test lets it finish.)"""

    async def scenario() -> dict[str, object]:
        printed = Printed()
        laid_out: list[str] = []
        finish = asyncio.Event()

        async def render(html: str) -> bytes:
            laid_out.append(html)
            await finish.wait()
            if html == "<p>broken</p>":
                raise RuntimeError("the worker died")
            return b"%PDF " + html.encode()

        asks = [asyncio.ensure_future(printed.made(h, render)) for h in ("<p>a</p>", "<p>a</p>", "<p>b</p>")]
        gave_up = asyncio.ensure_future(printed.made("<p>a</p>", render))
        broken = [asyncio.ensure_future(printed.made("<p>broken</p>", render)) for _ in range(2)]
        await asyncio.sleep(0)
        gave_up.cancel()
        await asyncio.sleep(0)
        finish.set()
        pdfs = await asyncio.gather(*asks)
        errors = await asyncio.gather(*broken, return_exceptions=True)
        kept = await printed.made("<p>a</p>", render)  # from the store: not laid out again
        before = list(laid_out)
        retried = await asyncio.gather(printed.made("<p>broken</p>", render), return_exceptions=True)
        return {
            "laid_out": before,
            "pdfs": pdfs,
            "errors": errors,
            "kept": kept,
            "retried": retried,
            "laid_out_again": laid_out[len(before) :],
            "gave_up": gave_up.cancelled(),
        }

    with ThreadPoolExecutor(1) as pool:  # a thread of its own: the suite's browser runs a loop in this one
        out = pool.submit(asyncio.run, scenario()).result()
    assert out["laid_out"] == ["<p>a</p>", "<p>b</p>", "<p>broken</p>"]
    assert out["pdfs"] == [b"%PDF <p>a</p>", b"%PDF <p>a</p>", b"%PDF <p>b</p>"]
    assert out["gave_up"] and out["kept"] == b"%PDF <p>a</p>"
    assert [type(e) for e in out["errors"]] == [RuntimeError, RuntimeError]  # both were told, none hung
    assert out["laid_out_again"] == ["<p>broken</p>"] and isinstance(out["retried"][0], RuntimeError)


def test_an_unchanged_report_is_the_same_pdf_and_a_new_record_makes_a_new_one(
    live_server: LiveServer, tmp_path
):
    db = sqlite3.connect(live_server.db_path)
    (school, name), (other, other_name) = db.execute(
        "SELECT code, name FROM schools WHERE network_id = 'N01' ORDER BY code LIMIT 2"
    ).fetchall()
    teachers = {
        code: db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [code]).fetchone()[0]
        for code in (school, other)
    }
    db.close()
    with live_server.client("supervisor1") as tablet, live_server.client("secretary1") as secretary:

        def observe(code: str, day: str) -> None:
            push(tablet, "observation", rd.observation(code, teachers[code], day, [3] * 9), "tablet-printed")

        observe(school, "2025-07-15")
        first = secretary.get(URL)
        assert first.status_code == 200
        assert live_server.proc is not None
        workers = children(live_server.proc.pid)
        assert workers, "no report worker processes"
        for pid in workers:  # nothing can lay a PDF out now: the repeat must come from the store
            os.kill(pid, signal.SIGSTOP)
        try:
            again = secretary.get(URL, timeout=30)
        finally:
            for pid in workers:
                os.kill(pid, signal.SIGCONT)
        assert again.status_code == 200 and again.content == first.content
        text = pdf_text(first.content, tmp_path).replace(" ", "")  # names wrap in the narrow columns
        assert name in text and other_name not in text

        observe(other, "2025-07-16")
        after = secretary.get(URL)
        assert after.status_code == 200 and after.content != first.content
        text = pdf_text(after.content, tmp_path).replace(" ", "")
        assert name in text and other_name in text


def test_a_long_travel_report_prints_its_total_once_after_the_last_visit(live_server: LiveServer, tmp_path):
    """A term's travel report runs to several pages: the total distance is printed once, at the table's end,
    not at the foot of every page (where a repeated table footer reads as a page's subtotal). The narrow
    "who" column never breaks a name inside one of its parts."""
    school, teacher = rd.school_and_teacher(live_server.db_path)
    days = [dt.date(2025, 6, 2) + dt.timedelta(days=i) for i in range(40)]
    visits = [
        record(rd.observation(school, teacher, d.isoformat(), [3] * 9, session=s), form_version=1)
        for d in days
        for s in ("morning", "afternoon")
    ]
    with live_server.client("supervisor1") as tablet, live_server.client("secretary1") as secretary:
        assert tablet.post("/api/sync/push", json=batch(*visits, device_id="tablet-long")).status_code == 200
        r = secretary.get(URL)
    assert r.status_code == 200
    path = tmp_path / "travel.pdf"
    path.write_bytes(r.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(info.split("Pages:")[1].split()[0])
    pages = [
        "".join(subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True,
                               text=True, check=True).stdout.split())
        for n in range(1, count + 1)
    ]  # fmt: skip
    assert len(pages) >= 4, len(pages)  # the visits' table spans several pages
    totals = [i for i, p in enumerate(pages) if "ระยะทางรวม" in p]
    last_visit = max(i for i, p in enumerate(pages) if "ภาคบ่าย" in p)
    assert totals == [last_visit], (totals, last_visit, len(pages))
    db = sqlite3.connect(live_server.db_path)
    (who,) = db.execute("SELECT display_name FROM users WHERE username = 'supervisor1'").fetchone()
    db.close()
    lines = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    first = who.split()[0]  # e.g. ศน.วิภาวรรณ: a title and a first name Pango's dictionary does not know
    assert sum(line.count(first) for line in lines.splitlines()) == len(visits), (first, len(visits))
