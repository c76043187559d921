"""Reports never assume a shape the validator does not guarantee (issue 12).

Hypothesis takes a valid record of each of the four tools and blanks its optional answers in every way a
client can (left out, null, "", [], {}), at the top level and inside repeat items; every answer set the
server's validator accepts is pushed over real HTTP, and then every report page that reads answers must
answer 200: the summary and its print view, visits, travel, themes, area, the exports, the record list
and detail, the notebook copy and the supervisor's own log. The PDFs are rendered once at the end, over
every shape stored by then."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from forms.model import NO_ANSWER, Field
from forms.validate import normalize, validate
from tests import report_data as rd
from tests.conftest import LiveServer, Session
from tests.factories import batch, record

PERIOD = "2568-1"
DATE = "2025-07-01"
#: Every way a client can send "no answer".
BLANKS = st.sampled_from(["absent", None, "", [], {}])


@pytest.fixture(scope="module")
def clients(shared_server: LiveServer) -> Iterator[dict[str, Any]]:
    school, teacher = rd.school_and_teacher(shared_server.db_path)
    bases = {
        "observation": rd.observation(school, teacher, DATE, [5, 2, 4, 3, 4, 3, 4, 3, 1], snapshots=[("yes", "0-1")]),
        "reflection": rd.reflection(school, teacher, DATE, closing=("done", "not_done")),
        "policy": rd.policy(school, DATE, {f"p0{i}": s for i, s in enumerate(("done", "not_done", "in_progress", "not_applicable", "done", "done"), 1)}, session="morning"),
        "literacy": rd.literacy(school, DATE, "p1", [rd.pupil(f"A{i:02d}", "p1", 20 - i, (i, str(i % 4)), 2 * i) for i in range(5)]),
    }  # fmt: skip
    for form_id, answers in bases.items():
        rd.assert_valid(form_id, answers)
    with shared_server.client("supervisor1") as supervisor, shared_server.client("secretary1") as secretary:
        yield {"supervisor": supervisor, "secretary": secretary, "bases": bases, "school": school}


def _optional(fields: tuple[Field, ...]) -> list[Field]:
    out = []
    for f in fields:
        if f.kind == "group":
            out += _optional(f.fields)
        elif f.kind not in NO_ANSWER and not f.required:
            out.append(f)
    return out


@st.composite
def blanked(draw: st.DrawFn, form_id: str, base: dict[str, Any]) -> dict[str, Any]:
    form = rd.FORMS[form_id]
    answers = dict(base)

    def blank(scope: dict[str, Any], fields: tuple[Field, ...]) -> dict[str, Any]:
        scope = dict(scope)
        for field in _optional(fields):
            choice = draw(st.one_of(st.just("keep"), st.just("keep"), BLANKS))
            if choice == "keep":
                if field.kind == "repeat" and isinstance(scope.get(field.name), list):
                    scope[field.name] = [blank(i, field.fields) for i in scope[field.name]]
                continue
            if choice == "absent":
                scope.pop(field.name, None)
            else:
                scope[field.name] = choice
        return scope

    answers = blank(answers, tuple(f for s in form.sections for f in s.fields))
    assume(not validate(form, normalize(form, answers)))
    return answers


PAGES = [
    "/reports/network/N01?period={p}",
    "/reports/network/N01/print?period={p}",
    "/reports/network/N01/visits?period={p}",
    "/reports/network/N01/travel?period={p}",
    "/reports/network/N01/themes?period={p}",
    "/reports/network/N01/export.xlsx?period={p}",
    *(f"/reports/network/N01/export.csv?period={{p}}&tool={t}" for t in ("observation", "reflection", "policy", "literacy")),
    "/reports/area?period={p}",
    "/observations",
]  # fmt: skip


def _check(clients: dict[str, Any], form_id: str, answers: dict[str, Any]) -> None:
    supervisor: Session = clients["supervisor"]
    secretary: Session = clients["secretary"]
    sent = record(answers, form_id=form_id, form_version=rd.FORMS[form_id].version)
    r = supervisor.post("/api/sync/push", json=batch(sent))
    assert r.status_code == 200 and r.json()["receipts"][0]["status"] == "stored", r.text
    session = answers.get("session", "morning")
    pages = [
        *(p.format(p=PERIOD) for p in PAGES),
        f"/records/{sent['id']}",
        f"/reports/network/N01/notebook/{clients['school']}/{DATE}/{session}",
    ]
    for path in pages:
        got = secretary.get(path)
        assert got.status_code == 200, (path, got.status_code, answers)
    assert supervisor.get("/reports/mine/weekly?period=" + DATE).status_code == 200


SETTINGS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
        HealthCheck.too_slow,
    ],
)


@pytest.mark.parametrize("form_id", ["observation", "reflection", "policy", "literacy"])
def test_every_accepted_answer_shape_opens_every_report_page(clients, form_id):
    @SETTINGS
    @given(answers=blanked(form_id, clients["bases"][form_id]))
    def run(answers: dict[str, Any]) -> None:
        _check(clients, form_id, answers)

    run()


def test_the_pdfs_render_over_every_shape_stored(clients):
    secretary = clients["secretary"]
    for path in (
        f"/reports/network/N01/print?period={PERIOD}&format=pdf",
        f"/reports/network/N01/travel?period={PERIOD}&format=pdf",
        f"/reports/network/N01/notebook/{clients['school']}/{DATE}/morning?format=pdf",
    ):
        got = secretary.get(path)
        assert (got.status_code, got.headers["content-type"]) == (200, "application/pdf"), path
