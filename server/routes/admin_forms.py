"""Admin: publish a form version from a TOML definition or an XLSForm (htmx: upload → report → publish),
and move a form through its lifecycle (server/lifecycle.py)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from core.actor import Actor
from core.problems import N_
from core.roles import ADMINS, SIGNED_IN
from forms.loader import DefinitionError
from forms.xlsform import XLSProblem
from server.access import who
from server.accounts import ROLE_NAMES
from server.form_bodies import DefinitionText, DefinitionUpload, FormStateForm
from server.lifecycle import MOVES, STATE_NAMES, LifecycleError, change, state_of
from server.menu import MenuEntry
from server.pages import page
from server.publishing import Report, check_upload, definition_problem, publish_definition
from server.shell import refresh_forms

MAX_UPLOAD = 2 * 1024 * 1024


def _versions(request: Request[Any, Any, Any]) -> list[Any]:
    return sorted(request.app.state.forms.values(), key=lambda f: (f.id, -f.version))


def _lifecycle(request: Request[Any, Any, Any], problem: str = "") -> dict[str, Any]:
    """What the forms page shows of each form's lifecycle: its state, the moves, the networks and roles."""
    states = request.app.state.form_states
    form_ids = sorted({f.id for f in request.app.state.forms.values()})
    networks = request.app.state.db.reader().execute("SELECT id, name FROM networks ORDER BY id").fetchall()
    return {
        "lifecycle": [state_of(states, form_id) for form_id in form_ids],
        "moves": MOVES,
        "state_names": STATE_NAMES,
        "all_networks": networks,
        "all_roles": [(role, ROLE_NAMES[role][0]) for role in sorted(SIGNED_IN)],
        "lifecycle_problem": problem,
    }


def _forms_page(request: Request[Any, Any, Any], problem: str = "") -> Template:
    return page(
        request,
        "admin/forms.html",
        versions=_versions(request),
        report=None,
        published=None,
        **_lifecycle(request, problem),
    )


@get("/admin/forms", **who(ADMINS, menu=MenuEntry(N_("Form versions"), order=30)))
async def forms_page(request: Request[Actor, Any, Any]) -> Template:
    return _forms_page(request)


@post("/admin/forms/{form_id:str}/state", **who(ADMINS, form=True))
async def change_state(
    request: Request[Actor, Any, Any],
    form_id: str,
    data: Annotated[FormStateForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template:
    """Move a form to another state and choose who it is offered to; answers the forms page."""
    try:
        await request.app.state.db.write(
            change, form_id, data.state, data.networks, data.roles, request.user.username
        )
    except LifecycleError as exc:
        return _forms_page(request, str(exc))
    refresh_forms(request.app.state)
    return _forms_page(request)


@post("/admin/forms/check", **who(ADMINS, form=True))
async def check_definition(
    request: HTMXRequest,
    data: Annotated[DefinitionUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template:
    """Check an uploaded file and answer the report fragment; nothing is published here."""
    upload = data.definition
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
            # In a report worker: pyxform's work never shares the GIL with the writer and the event loop.
            published = set(request.app.state.forms)
            report = await request.app.state.db.reports.run(check_upload, upload.filename, content, published)
    if not request.htmx:
        return page(request, "admin/forms.html", versions=_versions(request), report=report, published=None,
                    **_lifecycle(request))  # fmt: skip
    return page(request, "admin/_report.html", report=report, published=None)


@post("/admin/forms/publish", **who(ADMINS, form=True))
async def publish_definition_route(
    request: Request[Actor, Any, Any],
    data: Annotated[DefinitionText, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template:
    db = request.app.state.db
    try:
        form = await db.write(publish_definition, data.definition, request.user.username)
    except DefinitionError as exc:
        report = Report(filename=exc.source, problems=[definition_problem(exc)])
        return page(request, "admin/_report.html", report=report, published=None)
    refresh_forms(request.app.state)
    state = state_of(request.app.state.form_states, form.id)
    return page(request, "admin/_report.html", report=None, published=form, state=state)
