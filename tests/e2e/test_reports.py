"""The secretary's compilation in real Chromium (Thai locale): records from two team members' tablets
are synced (pushed over the HTTP sync API for set-up); then, in the browser, secretary1 opens the
network summary, picks the semester and a school, prints the notebook copy of a visit, and downloads
the XLSX."""

from __future__ import annotations

import io
import sqlite3
import subprocess

import pytest
from openpyxl import load_workbook

from tests import report_data as rd
from tests.e2e.tablet import log_in
from tests.factories import batch, record

pytestmark = pytest.mark.e2e


def push(server, username, device, *records):  # type: ignore[no-untyped-def]
    with server.client(username) as c:
        for form_id, answers in records:
            rd.assert_valid(form_id, answers)
            r = c.post("/api/sync/push", json=batch(record(answers, form_id=form_id), device_id=device))
            assert r.status_code == 200 and r.json()["receipts"][0]["status"] == "stored", (
                r.status_code,
                r.text,
            )


def test_secretary_compiles_prints_and_exports(live_server, tablet, tmp_path):
    db = sqlite3.connect(live_server.db_path)
    (a, a_name), (b, _b_name) = db.execute(
        "SELECT code, name FROM schools WHERE network_id = 'N01' ORDER BY code LIMIT 2"
    ).fetchall()
    ta = [r[0] for r in db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [a])]
    tb = [r[0] for r in db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [b])]
    teacher_name = db.execute("SELECT name FROM teachers WHERE id = ?", [ta[0]]).fetchone()[0]
    db.close()
    push(live_server, "supervisor1", "tablet-sup1-e2e",
         *[("observation", rd.observation(a, ta[i % len(ta)], "2025-06-10", [4, 4, 3, 4, 3, 4, 5, 4, 4])) for i in range(3)],
         ("reflection", rd.reflection(a, ta[0], "2025-06-10")))  # fmt: skip
    push(live_server, "team1", "tablet-team1-e2e",
         *[("observation", rd.observation(b, tb[i % len(tb)], "2025-06-11", [3] * 9, session="afternoon",
                                          start="13:00", end="14:00")) for i in range(3)])  # fmt: skip

    page = tablet.new_page()
    log_in(page, live_server.url, "secretary1")
    page.goto(f"{live_server.url}/reports")
    page.get_by_role("link", name="แก้วมุกดาหาร (N01)").click()
    page.wait_for_selector("#report-body")
    page.wait_for_load_state("load")  # htmx binds the filters once the page has loaded

    # The semester of the visits, then one school: htmx swaps the report body and pushes the URL.
    page.select_option("#period-filter", "2568-1")
    page.wait_for_function("document.querySelector('#h-practice small').textContent.includes('จำนวน 6')")
    assert "๑" not in page.locator("#school-coverage").inner_text()  # tables use Arabic digits
    page.select_option("#school-filter", a)
    page.wait_for_selector(f"#report-body h2:has-text('{a_name}')")
    assert "จำนวน 3" in page.locator("#report-body").inner_text()
    assert f"school={a}" in page.url

    # The notebook copy of the morning visit: print view, then its PDF.
    page.goto(f"{live_server.url}/reports/network/N01/visits?period=2568-1")
    with page.expect_navigation():
        page.locator("tr", has_text=a_name).locator("a.notebook-link").click()
    body = page.locator("main.sheet").inner_text()
    assert a_name in body and teacher_name in body and "๑๐ มิถุนายน ๒๕๖๘" in body
    assert page.locator("[data-print]").is_visible()
    # Share PDF: busy while the PDF is made (seconds for a long report); a second tap meanwhile asks for
    # nothing more.
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "format=pdf" in r.url else None)
    page.evaluate("""() => {
        window.busy = [];
        const link = document.querySelector('a[data-share-pdf]');
        new MutationObserver(() => window.busy.push(link.getAttribute('aria-busy')))
            .observe(link, { attributes: true, attributeFilter: ['aria-busy'] });
    }""")
    share = page.get_by_role("link", name="แชร์ PDF")
    with page.expect_download() as shared:
        share.click()
        share.click(force=True)  # a user's second tap (Playwright would wait: the link is aria-disabled)
    assert shared.value.suggested_filename.endswith(".pdf")
    page.wait_for_function("window.busy.length === 2")
    assert page.evaluate("window.busy") == ["true", None] and len(asked) == 1, asked
    pdf = page.request.get(page.url + "?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "notebook.pdf"
    path.write_bytes(pdf.body())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "๑๐ มิถุนายน ๒๕๖๘" in text

    # The XLSX of the filtered school, as a real download.
    page.goto(f"{live_server.url}/reports/network/N01?period=2568-1&school={a}")
    with page.expect_download() as info:
        page.click("#export-xlsx")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    book = load_workbook(io.BytesIO(saved.read_bytes()))
    sheet = book["แบบบันทึกการสังเกตชั้นเรียน"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3 and {r[2] for r in rows} == {a_name}
    assert any(name.startswith("แบบบันทึกการประชุมสะท้อนผล") for name in book.sheetnames)
