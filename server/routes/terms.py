"""Semester dates online (admins only): the academic years around today, and setting one term's dates."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from core import clock
from core.actor import Actor
from core.problems import N_, problem
from core.roles import ADMINS
from server import terms
from server.access import who
from server.form_bodies import TermForm
from server.menu import MenuEntry
from server.notice import Notice, Refused
from server.pages import page


async def _render(request: Request[Actor, Any, Any], errors: list[Notice], failed: str = "") -> Template:
    rows = await request.app.state.db.read(terms.term_rows, clock.today())
    return page(request, "admin/terms.html", rows=rows, errors=errors, failed=failed)


@get("/admin/terms", **who(ADMINS, menu=MenuEntry(N_("Semester dates"), order=50)))
async def terms_page(request: Request[Actor, Any, Any]) -> Template:
    return await _render(request, errors=[])


@post("/admin/terms", **who(ADMINS, form=True))
async def save_term(
    request: Request[Actor, Any, Any],
    data: Annotated[TermForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    values = data.values()
    try:
        term = terms.parse_term(values)
        await request.app.state.db.write(terms.set_term_tx, term)
    except Refused as exc:
        failed = f"{values['academic_year']}-{values['semester']}"
        answer = await _render(request, [Notice(problem(exc.code).title), *exc.reasons], failed)
        answer.status_code = 422
        return answer
    return Redirect(path="/admin/terms", status_code=303)
