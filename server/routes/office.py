"""The area office's frame of printed documents (admins only): name, address, emblem, digit style."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from core.actor import Actor
from core.problems import N_, problem
from core.roles import ADMINS
from server import office
from server.access import who
from server.form_bodies import OfficeForm
from server.menu import MenuEntry
from server.notice import Notice, Refused
from server.pages import page


@get("/admin/office", **who(ADMINS, menu=MenuEntry(N_("The office on paper"), order=60)))
async def office_page(request: Request[Actor, Any, Any]) -> Template:
    return page(request, "admin/office.html", errors=[])


@post("/admin/office", **who(ADMINS, form=True))
async def save_office(
    request: Request[Actor, Any, Any],
    data: Annotated[OfficeForm, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template | Redirect:
    file = data.emblem
    emblem = await file.read() if file and file.filename else None
    if data.remove_emblem:
        emblem = b""
    try:
        row = office.parse(vars(data), emblem)
    except Refused as exc:
        answer = page(request, "admin/office.html", errors=[Notice(problem(exc.code).title), *exc.reasons])
        answer.status_code = 422
        return answer
    db = request.app.state.db
    await db.write(office.save_tx, row)
    request.app.state.office = await db.read(office.load)
    return Redirect(path="/admin/office", status_code=303)
