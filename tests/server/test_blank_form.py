"""The observation rubric (เกณฑ์ระดับคุณภาพ): under each rating's buttons on the tablet's form page
(collapsed), and on the printed blank form, in the print view and in the PDF's text."""

from __future__ import annotations

import subprocess
from typing import Any

from markupsafe import escape

from forms.loader import builtin_forms

OBSERVATION = next(f for f in builtin_forms() if f.id == "observation" and f.version == 2)
RATINGS = [f for f in OBSERVATION.walk() if f.kind == "rating"]


def test_the_form_page_has_each_rubric_collapsed_under_its_buttons(login: Any) -> None:
    page = login("supervisor1").get("/forms/observation/2").text
    for field in RATINGS:
        start = page.index(f'data-rubric-for="{field.name}"')
        rubric = page[page.rindex("<details", 0, start) : page.index("</details>", start)]
        assert " open" not in rubric.split(">")[0]  # collapsed until asked for
        assert [str(escape(level.th)) in rubric for level in field.levels] == [True] * 5
    assert 'data-version="2"' in page and "v2<" not in page  # no version in the title users see


def test_the_printed_blank_form_has_the_rubric(login: Any, tmp_path: Any) -> None:
    client = login("supervisor1")
    view = client.get("/forms/observation/2/print").text
    for field in RATINGS:
        section = view[view.index(f'data-field="{field.name}"') :].split("</div>")[0]
        assert all(str(escape(level.th)) in section for level in field.levels), field.name
    assert "กิจกรรมกลางแจ้ง" in view  # the six early-years activities are on paper too
    r = client.get("/forms/observation/2/print?format=pdf")
    assert r.headers["content-type"] == "application/pdf"
    path = tmp_path / "blank.pdf"
    path.write_bytes(r.content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
                    .stdout.split())  # fmt: skip
    for field in RATINGS:
        # pdftotext also drops a tone mark before SARA AM (สม่ำเสมอ → สมาเสมอ); the page shows it.
        assert field.levels[4].th in text, field.name
    assert client.get("/forms/observation/99/print").status_code == 404
