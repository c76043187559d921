"""A blank form on paper: any published form version as an A4 print view and a PDF, for a visit planned
without a tablet or for reading the rubric beforehand."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Response, Template

from core import clock
from core.roles import SIGNED_IN
from server.access import who
from server.pages import page
from server.routes.reports import _pdf


@get("/forms/{form_id:str}/{version:int}/print", **who(SIGNED_IN))
async def blank_form(
    request: Request[Any, Any, Any], form_id: str, version: int, format: str = "html"
) -> Template | Response[bytes]:
    form = request.app.state.forms.get((form_id, version))
    if form is None:
        raise NotFoundException()
    ctx = {"form": form, "today": clock.today()}
    if format == "pdf":
        return await _pdf(request, "form/print.html", f"{form_id}-{version}.pdf", **ctx)
    return page(request, "form/print.html", for_pdf=False, **ctx)
