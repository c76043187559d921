"""The attack surface of pages: security headers everywhere, a CSP the templates can live with (no inline
code, no inline handlers), autoescaping, free text with markup shown as text, and the audit trail."""

from __future__ import annotations

import re

import httpx

from server.config import PWA
from tests.factories import batch, observation_answers, record

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
MARKUP = '<script>alert(1)</script><img src=x onerror="alert(2)"><b>ตัวหนา</b>'


def check_headers(r: httpx.Response) -> None:
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (r.url, name)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_security_headers_on_pages_api_problems_and_static(shared_server) -> None:
    anonymous = httpx.Client(base_url=shared_server.url)
    with shared_server.client("secretary1") as c:
        for r in (
            anonymous.get("/login"),
            anonymous.get("/api/me"),  # a 401 problem answer
            anonymous.get("/static/css/app.css"),
            anonymous.get("/sw.js"),
            anonymous.get("/schema/openapi.json"),
            c.get("/"),
            c.get("/observations"),
            c.get("/api/sync/pull"),
            c.get("/records/00000000-0000-4000-8000-000000000000"),  # a 404 problem answer
        ):
            check_headers(r)


def test_no_template_has_inline_script_code_or_inline_handlers() -> None:
    templates = sorted((PWA / "templates").rglob("*.html"))
    assert len(templates) > 10
    for path in templates:
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            # A script either loads a file or is a JSON data island (not executed).
            assert 'src="' in tag or 'type="application/json"' in tag, (path.name, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {path.name}"
        assert "hx-on" not in text and "javascript:" not in text, path.name
        assert "|safe" not in text and "autoescape false" not in text, path.name
        assert "style=" not in text, f"inline style in {path.name} (the CSP has no 'unsafe-inline')"


def test_autoescape_is_on_for_every_template() -> None:
    from server.app import templates

    env = templates().engine_instance.engine  # type: ignore[union-attr]
    assert env.autoescape is True


def test_free_text_with_markup_is_shown_as_text(shared_server) -> None:
    with shared_server.client("supervisor1") as sup, shared_server.client("secretary1") as sec:
        rec = record(observation_answers(strengths=MARKUP, topic='=HYPERLINK("http://x")'))
        assert sup.post("/api/sync/push", json=batch(rec)).json()["receipts"][0]["status"] == "stored"
        for page in (sec.get(f"/records/{rec['id']}"), sec.get("/observations")):
            assert page.status_code == 200
            assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text
            assert "<b>ตัวหนา</b>" not in page.text
        detail = sec.get(f"/records/{rec['id']}").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail


def test_the_audit_trail_shows_who_changed_what_and_when(shared_server) -> None:
    with (
        shared_server.client("supervisor1") as sup,
        shared_server.client("team1") as team,
        shared_server.client("secretary1") as sec,
        shared_server.client("supervisor2") as foreign,
    ):
        first = record(observation_answers(topic="เศษส่วน"))
        assert sup.post("/api/sync/push", json=batch(first, device_id="tablet-sup-0001")).is_success
        edit = record(
            observation_answers(topic="ทศนิยม", present=20),
            rid=first["id"],
            base_rev=first["rev"],
        )
        assert team.post("/api/sync/push", json=batch(edit, device_id="tablet-team-0001")).is_success

        page = sec.get(f"/records/{first['id']}").text
        trail = page[page.index('id="audit-trail"') : page.index("</table>")]
        rows = re.findall(r'<tr data-rev="([^"]+)" data-state="([^"]+)">(.*?)</tr>', trail, re.S)
        assert [(rev, state) for rev, state, _ in rows] == [
            (first["rev"], "superseded"),
            (edit["rev"], "current"),
        ]
        assert "ศน.วิภาวรรณ สาธิต" in rows[0][2] and "tablet-sup-0001" in rows[0][2]
        assert "ผอ.ประเสริฐ ทดลอง" in rows[1][2] and "tablet-team-0001" in rows[1][2]
        assert re.search(r"\d{1,2} [ก-๙]+ 25\d\d \d\d:\d\d น\.", rows[1][2])  # Buddhist Era, Thai time
        # The diff of the edit: the changed answers with their labels, before and after.
        diff = page[page.index(f'id="rev-{edit["rev"]}"') :]
        diff = diff[: diff.index("</table>")]
        assert "<del>เศษส่วน</del>" in diff and "<ins>ทศนิยม</ins>" in diff
        assert "<del>22</del>" in diff and "<ins>20</ins>" in diff
        # The trail is the record's: another network's supervisor gets nothing at all.
        assert foreign.get(f"/records/{first['id']}").status_code == 404
