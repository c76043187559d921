"""The Thai text layer of the PDFs: what pdftotext copies out of a page is the text that was printed
(SARA AM, tone marks over SARA AM, stacked marks, marks on tall consonants), in every style the print
views use. The fonts that make it so are built from the pinned Sarabun by scripts/print_fonts.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from server.reports import pdf

ROOT = Path(__file__).resolve().parents[2]

#: Words that came out wrong before (docs/adr/0007-thai-text-layer.md) and their relatives.
CORPUS = [
    "อำเภอ",
    "ผู้ไปนิเทศ",
    "น้ำ",
    "ทำ",
    "กำลัง",
    "คำชะอี",
    "ที่",
    "นี่",
    "ผู้อำนวยการ",
    "ปี่",
    "ป่า",
    "ฝั่ง",
    "ญี่ปุ่น",
    "ฐาน",
    "ฎีกา",
    "ศึกษานิเทศก์",
    "ไม้",
    "ทั้ง",
    "สำนักงาน",
    "จำนวน",
    "ตั้งใจ",
    "ชั้นเรียน",
    "ก้าวหน้า",
    "ค่ำ",
    "ต่ำ",
    "ซ้ำ",
    "กล้ำ",
    "ป่ำ",
    "ฟ้ำ",
    "ปั้น",
    "ฝั่น",
    "ฟื้น",
    "ปี๊บ",
    "ฤๅษี",
    "ญาติ",
    "ฐานะ",
    "ปฏิบัติ",
    "สัมฤทธิ์",
    "กัลยาณมิตร",
    "โรงเรียนบ้านน้ำคำ",
    "ข้าราชการ",
    "ผู้บริหาร",
    "ประชุมสะท้อนผล",
    "เมืองน้ำทิพย์",
    "ห้วยน้ำใหญ่",
    "กลุ่มนิเทศ",
    "ประเมินผล",
]

#: The print styles: body text, headings, table cells, bold, small print.
STYLES = ("p", "h1", "h2", "h3", "td", "th", "strong", "small")


def extract(html: str, tmp_path: Path) -> list[str]:
    page = (
        '<html lang="th"><head><link rel="stylesheet" href="/static/css/fonts-print.css">'
        '<link rel="stylesheet" href="/static/css/print.css">'
        "<style>@page { @bottom-right { content: none } }</style></head>"  # only the words, no page numbers
        f'<body class="print-page"><main class="sheet">{html}</main></body></html>'
    )
    path = tmp_path / "corpus.pdf"
    path.write_bytes(pdf.render(page))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return out.split()


def block(style: str, word: str) -> str:
    if style in ("td", "th"):
        return f"<table><tr><{style}>{word}</{style}></tr></table>"
    if style in ("strong", "small"):
        return f"<p><{style}>{word}</{style}></p>"
    return f"<{style}>{word}</{style}>"


def test_every_tricky_word_round_trips_in_every_print_style(tmp_path: Path) -> None:
    html = "".join(block(style, word) for style in STYLES for word in CORPUS)
    words = extract(html, tmp_path)
    assert words == [word for _style in STYLES for word in CORPUS]


CONSONANTS = "กขคงจชซญฐฎณดตถทนบปผฝพฟภมยรลวศษสหอฮ"
TONES = ["", "่", "้", "๊", "๋"]
#: Well-formed syllables: consonant, an upper or lower vowel, a tone, a final; or consonant, tone, SARA AM/AA.
SYLLABLE = st.one_of(
    st.tuples(st.sampled_from(CONSONANTS), st.sampled_from(["", "ั", "ิ", "ี", "ึ", "ื", "ุ", "ู"]),
              st.sampled_from(TONES), st.sampled_from(["", "น", "ง", "ม"])),
    st.tuples(st.sampled_from(CONSONANTS), st.sampled_from(TONES), st.sampled_from(["ำ", "า"])),
).map("".join)  # fmt: skip


@settings(max_examples=8, deadline=None, phases=[Phase.explicit, Phase.generate])
@given(st.lists(st.lists(SYLLABLE, min_size=1, max_size=4).map("".join), min_size=5, max_size=20))
def test_any_thai_words_round_trip(tmp_path_factory: pytest.TempPathFactory, words: list[str]) -> None:
    html = "".join(block(style, word) for style in ("p", "h2", "td") for word in words)
    got = extract(html, tmp_path_factory.mktemp("thai"))
    assert got == [w for _style in ("p", "h2", "td") for w in words]


def test_print_fonts_are_built_from_the_pinned_sarabun() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "print_fonts.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
