"""Admin: publish a form version from a TOML definition or an XLSForm (htmx: upload → report → publish)."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from forms.loader import DefinitionError
from forms.xlsform import XLSProblem
from server.access import ADMINS, who
from server.pages import page
from server.publishing import Report, check_upload, definition_problem, publish_definition
from server.shell import refresh_forms
from sync.problems import N_
from sync.scope import Actor

MAX_UPLOAD = 2 * 1024 * 1024


def _versions(request: Request[Any, Any, Any]) -> list[Any]:
    return sorted(request.app.state.forms.values(), key=lambda f: (f.id, -f.version))


@get("/admin/forms", **who(ADMINS))
async def forms_page(request: Request[Actor, Any, Any]) -> Template:
    return page(request, "admin/forms.html", versions=_versions(request), report=None, published=None)


@post("/admin/forms/check", **who(ADMINS))
async def check_definition(
    request: Request[Actor, Any, Any],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template:
    """Check an uploaded file and answer the report fragment; nothing is published here."""
    upload = data.get("definition")
    if not isinstance(upload, UploadFile):
        report = Report(filename="", problems=[XLSProblem("file", None, None, N_("choose a file"))])
    else:
        content = await upload.read()
        if len(content) > MAX_UPLOAD:
            report = Report(
                filename=upload.filename,
                problems=[XLSProblem("file", None, None, N_("the file is over 2 MB"))],
            )
        else:
            forms = request.app.state.forms
            report = await anyio.to_thread.run_sync(check_upload, upload.filename, content, forms)
    if request.headers.get("hx-request") != "true":
        return page(request, "admin/forms.html", versions=_versions(request), report=report, published=None)
    return page(request, "admin/_report.html", report=report, published=None)


@post("/admin/forms/publish", **who(ADMINS))
async def publish_definition_route(
    request: Request[Actor, Any, Any],
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template:
    db = request.app.state.db
    try:
        form = await db.write(publish_definition, data.get("definition", ""))
    except DefinitionError as exc:
        report = Report(filename=exc.source, problems=[definition_problem(exc)])
        return page(request, "admin/_report.html", report=report, published=None)
    refresh_forms(request.app.state)
    return page(request, "admin/_report.html", report=None, published=form)
