"""Reference data online (htmx): upload → row-by-row report → confirm; undo the last import; export.

Admin and network secretaries only; a secretary's rows are checked against their own networks.
User accounts are imported and exported by admins only.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Response, Template

from core.actor import Actor
from core.problems import N_, problem
from core.roles import ADMINS, IMPORTERS
from server import imports, spreadsheets
from server.access import require_role, who
from server.bounded import TooSlow, in_worker
from server.disposition import content_disposition
from server.form_bodies import ImportUpload
from server.menu import MenuEntry
from server.notice import Notice, Refused
from server.pages import page


def _page_or_fragment(request: HTMXRequest, fragment: str, **ctx: Any) -> Template:
    if request.htmx:
        return page(request, fragment, **ctx)
    last = ctx.pop("last", None)
    return page(request, "admin/imports.html", fragment=fragment, last=last, **ctx)


@get("/admin/imports", **who(IMPORTERS, menu=MenuEntry(N_("Schools and teachers"), order=110)))
async def imports_page(request: Request[Actor, Any, Any]) -> Template:
    last = await request.app.state.db.read(imports.last_applied, request.user)
    return page(request, "admin/imports.html", fragment=None, last=last)


@post("/admin/imports", **who(IMPORTERS, form=True))
async def upload(
    request: HTMXRequest,
    data: Annotated[ImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template:
    """Step 1: read and check the file; only a valid file is kept, as a pending batch."""
    kind: imports.Kind = (
        "teachers" if data.kind == "teachers" else "users" if data.kind == "users" else "schools"
    )
    file = data.file
    if not isinstance(file, UploadFile):
        return _page_or_fragment(
            request, "admin/_import_report.html", report=None, errors=[Notice("Choose a file")]
        )
    db, name, content = request.app.state.db, file.filename or "", await file.read()
    try:
        report = await in_worker(
            db.reports, imports.parse, request.user, kind, name, content, seconds=spreadsheets.READ_SECONDS
        )
    except TooSlow as exc:
        too_slow = Notice(
            "The file took more than %(n)s seconds to read; nothing was imported", {"n": exc.seconds}
        )
        report = imports.Report(kind=kind, filename=name, file_errors=[too_slow])
    if report.ok:
        report.batch_id = await db.write(imports.stage_tx, request.user, report)
    return _page_or_fragment(request, "admin/_import_report.html", report=report, errors=[])


@post("/admin/imports/{batch_id:int}/confirm", **who(IMPORTERS))
async def confirm(request: HTMXRequest, batch_id: int) -> Template:
    """Step 2: apply the checked batch in one transaction."""
    try:
        report = await request.app.state.db.write(imports.apply_tx, request.user, batch_id)
    except Refused as exc:
        return _page_or_fragment(
            request,
            "admin/_import_report.html",
            report=None,
            errors=[Notice(problem(exc.code).title), *exc.reasons],
        )
    answer = _page_or_fragment(request, "admin/_import_report.html", report=report, errors=[], applied=True)
    if report.kind == "users":
        answer.headers["Cache-Control"] = "no-store"  # one-time passwords: never kept by a cache
    return answer


@post("/admin/imports/undo", **who(IMPORTERS))
async def undo(request: HTMXRequest) -> Template:
    try:
        undone = await request.app.state.db.write(imports.undo_tx, request.user)
    except Refused as exc:
        return _page_or_fragment(
            request, "admin/_undo.html", undone=None, errors=[Notice(problem(exc.code).title), *exc.reasons]
        )
    return _page_or_fragment(request, "admin/_undo.html", undone=undone, errors=[])


@get("/admin/export/{kind:str}", **who(IMPORTERS))
async def export(
    request: Request[Actor, Any, Any],
    kind: Literal["schools", "teachers", "users"],
    format: Literal["xlsx", "csv"] = "xlsx",
) -> Response[bytes]:
    if kind == "users":
        require_role(request.user, ADMINS)
    headers, rows = await request.app.state.db.read(imports.export_rows, request.user, kind)
    if format == "csv":
        body, media = spreadsheets.csv_bytes(headers, rows), "text/csv; charset=utf-8"
    else:
        body = spreadsheets.xlsx_bytes([spreadsheets.Sheet(kind, headers, rows)])
        media = spreadsheets.XLSX_TYPE
    disposition = content_disposition(f"nithet-{kind}.{format}")
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})
