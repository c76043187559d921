"""Every kind of PDF the server makes, with the tricky Thai words in the records and fields it prints: what
pdftotext copies out of each document is exactly the text that went in (docs/adr/0007-thai-text-layer.md),
the signature blocks name who signs with their position, and a memo's heading never breaks a word."""

from __future__ import annotations

import html
import re
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pythainlp.tokenize import word_tokenize

from tests import report_data as rd
from tests.forms.xlsforms import xlsform
from tests.server.reports_client import push
from tests.server.test_thai_text_layer import CORPUS

PERIOD = "2568-1"
DAY = "2025-06-10"
TEXT = " ".join(CORPUS)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HALF = len(CORPUS) // 2
#: A memo's subject as long as a heading gets, with no space to break at: it breaks between words only.
SUBJECT = "".join(CORPUS[:30])


def pdf_lines(body: bytes, path: Path) -> list[str]:
    path.write_bytes(body)  # kept: pdftoppm -r 60 shows the pages
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def assert_round_trip(lines: list[str], words: list[str]) -> None:
    """Each word comes back exactly, in order (a line may end between two words, never inside one)."""
    text = " ".join(" ".join(lines).split())
    joined = "".join(text.split())  # a line of a paragraph may end inside a compound (เมือง|น้ำทิพย์)
    missing = [w for w in words if w not in joined]
    assert not missing, missing
    assert "".join(words) in joined


@pytest.fixture(scope="module")
def papers(shared_server) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A school and its network named with the corpus, a visit with the corpus in its texts, a network
    report with the corpus in its memo, and own reports whose body is the corpus."""
    db = sqlite3.connect(shared_server.db_path)
    school = db.execute("SELECT code FROM schools WHERE network_id = 'N01' ORDER BY code").fetchone()[0]
    teachers = [
        r[0] for r in db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [school])
    ]
    with db:
        db.execute("UPDATE schools SET name = ? WHERE code = ?", [" ".join(CORPUS[:HALF]), school])
        db.execute("UPDATE networks SET name = ? WHERE id = 'N01'", [" ".join(CORPUS[HALF:])])
    db.close()
    with shared_server.client("supervisor1") as c:
        push(c, "observation", rd.observation(school, teachers[0], DAY, [4] * 9, strengths=TEXT, develop=TEXT),
             "tablet-corpus-0001")  # fmt: skip
        push(c, "reflection", rd.reflection(school, teachers[0], DAY), "tablet-corpus-0001")
        for kind in ("weekly", "half"):
            key = DAY if kind == "weekly" else "fy2568-2"
            r = c.post(f"/reports/mine/{kind}?period={key}", data={"body": TEXT}, follow_redirects=True)
            assert r.status_code == 200
            assert c.post(f"/reports/mine/{kind}/send?period={key}").status_code == 303
    memo = {"agency": "เครือข่ายส่งเสริมประสิทธิภาพการจัดการศึกษาฝั่งน้ำ", "number": "ศธ ๐๔๐๗๘/๑๒", "date": "2025-11-05", "subject": SUBJECT,
            "to": "ผู้อำนวยการกลุ่มนิเทศ", "body": TEXT, "signer": "นางฝั่งน้ำ ปั้นฤๅษี", "position": "เลขานุการเครือข่าย"}  # fmt: skip
    with shared_server.client("secretary1") as c:
        assert c.post(f"/submissions/network/N01?period={PERIOD}", data=memo).status_code == 303
    with shared_server.client("admin") as admin:
        form = xlsform([["type", "name", "label"], ["text", "first", " ".join(CORPUS[:HALF])],
                        ["text", "second", " ".join(CORPUS[HALF:])]])  # fmt: skip
        r = admin.post("/admin/forms/check", files={"definition": ("Corpus Check.xlsx", form, XLSX)},
                       headers={"hx-request": "true"})  # fmt: skip
        found = re.search(r'name="definition" value="([^"]*)"', r.text)
        assert found, r.text
        assert (
            admin.post("/admin/forms/publish", data={"definition": html.unescape(found[1])}).status_code
            == 200
        )
    return {"school": school, "memo": memo}


def _submission(server: Any, kind: str) -> str:
    with sqlite3.connect(server.db_path) as db:
        (sid,) = db.execute("SELECT id FROM submissions WHERE kind = ?", [kind]).fetchone()
    return f"/submissions/{sid}/print?format=pdf"


#: Each kind of document: who prints it and its address.
DOCUMENTS: dict[str, tuple[str, Callable[[Any, dict[str, Any]], str]]] = {
    "network-summary": ("secretary1", lambda s, p: f"/reports/network/N01/print?period={PERIOD}&format=pdf"),
    "notebook-entry": ("secretary1", lambda s, p: f"/reports/network/N01/notebook/{p['school']}/{DAY}/morning?format=pdf"),
    "travel-report": ("secretary1", lambda s, p: f"/reports/network/N01/travel?period={PERIOD}&format=pdf"),
    "area-report": ("director", lambda s, p: f"/reports/area/print?period={PERIOD}&format=pdf"),
    "blank-form": ("admin", lambda s, p: "/forms/corpus_check/1/print?format=pdf"),
    "network-report-memo": ("secretary1", lambda s, p: _submission(s, "network_report")),
    "duty-log-memo": ("supervisor1", lambda s, p: _submission(s, "duty_log")),
    "six-month-memo": ("supervisor1", lambda s, p: _submission(s, "half_year")),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_the_tricky_words_come_back_from_every_document(kind, shared_server, login, papers, tmp_path):
    user, address = DOCUMENTS[kind]
    r = login(user).get(address(shared_server, papers))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text[:300]
    lines = pdf_lines(r.content, tmp_path / f"{kind}.pdf")
    # The halves: the school's and the network's names; the area report names networks only.
    for half in (CORPUS[HALF:],) if kind == "area-report" else (CORPUS[:HALF], CORPUS[HALF:]):
        assert_round_trip(lines, half)
    assert any(line.startswith("ลงชื่อ") for line in lines)  # a signature block
    assert any(line.startswith("ตำแหน่ง") for line in lines)
    subject = {"duty-log-memo": "บันทึกการปฏิบัติราชการประจำวัน", "six-month-memo": "รายงานผลการปฏิบัติงานรอบ ๖ เดือน"}
    if kind in subject:  # a supervisor's own report: its memo in Thai, signed with their position
        assert f"เรื่อง {subject[kind]}" in lines and "ตำแหน่ง ศึกษานิเทศก์" in lines


def test_a_memo_heading_breaks_between_words_only(shared_server, login, papers, tmp_path):
    """The subject of a memo, long and without a space, wraps in its heading block at word boundaries."""
    body = login("secretary1").get(_submission(shared_server, "network_report")).content
    lines = pdf_lines(body, tmp_path / "memo.pdf")
    first = next(i for i, line in enumerate(lines) if line.startswith("เรื่อง"))
    last = next(i for i, line in enumerate(lines) if line.startswith("เรียน"))
    parts = ["".join(line.split()) for line in lines[first:last]]
    parts[0] = parts[0].removeprefix("เรื่อง")
    assert "".join(parts) == SUBJECT and len(parts) >= 2
    words = word_tokenize(SUBJECT, engine="newmm")
    bounds = {sum(len(w) for w in words[:i]) for i in range(len(words) + 1)}
    breaks = [sum(len(p) for p in parts[:i]) for i in range(1, len(parts))]
    assert all(b in bounds for b in breaks), [(SUBJECT[b - 6 : b], SUBJECT[b : b + 6]) for b in breaks]


SIGNERS = {"preparer": "(เลขาฯ กาญจนา สมมุติ)", "director": "(ผอ.กลุ่มนิเทศฯ สุนทร สาธิต)",
           "deputy": "(รอง ผอ.สพป. มานพ สาธิต)"}  # fmt: skip


@pytest.mark.parametrize("kind", ["network-summary", "travel-report", "network-report-memo"])
def test_signature_blocks_name_the_signers_from_the_accounts(kind, shared_server, login, papers, tmp_path):
    """The one who prepared the document, the unit director and the deputy director responsible for the
    network: each name in brackets with the position under it."""
    user, address = DOCUMENTS[kind]
    lines = pdf_lines(login(user).get(address(shared_server, papers)).content, tmp_path / f"{kind}.pdf")
    text = "\n".join(lines)
    preparer = "(นางฝั่งน้ำ ปั้นฤๅษี)" if kind == "network-report-memo" else SIGNERS["preparer"]
    for name in (preparer, SIGNERS["director"], SIGNERS["deputy"]):
        assert name in lines, (name, text[-600:])
        assert lines[lines.index(name) + 1].startswith("ตำแหน่ง "), text[-600:]
    flat = "".join(text.split())  # a long position wraps between words
    assert "ตำแหน่งผู้อำนวยการกลุ่มนิเทศ" in flat and "ตำแหน่งรองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา" in flat


def test_a_signer_the_accounts_cannot_name_is_left_blank(login, papers, tmp_path):
    """The area report printed by the unit director: they sign as the one who prepared it; the blank form
    has a signature block with blank lines for the observer's name."""
    area = pdf_lines(
        login("director").get(DOCUMENTS["area-report"][1](None, papers)).content, tmp_path / "a.pdf"
    )
    assert area.count(SIGNERS["director"]) == 1
    form = pdf_lines(login("admin").get("/forms/corpus_check/1/print?format=pdf").content, tmp_path / "f.pdf")
    assert "(........................................)" in form
