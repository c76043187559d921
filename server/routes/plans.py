"""Visit plans online (htmx): the semester overview with coverage, the new-visit form, one visit.

Thin handlers: the rules are in server/plans.py; roles and networks are checked here through the Actor.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict, MultiDict
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Response, Template

from core import clock
from core.actor import Actor
from core.problems import N_
from core.roles import PLANNERS, SIGNED_IN
from server import lookups, plan_changes, plans
from server.access import require_network, who
from server.errors import ApiError
from server.form_bodies import CancelForm, PlanForm
from server.menu import MenuEntry
from server.notice import Refused
from server.pages import page
from server.terms import pick_term
from server.thaidate import parse_date
from server.vocabulary import GRADE_LABELS

ASSIGNMENT_ROWS = 8
_ROW = ("observer", "teacher", "grade", "room", "hour")


def _network(request: Request[Actor, Any, Any], network: str | None, choices: list[dict[str, str]]) -> str:
    network_id = network or (choices[0]["id"] if choices else "")
    require_network(request.user, network_id)
    return network_id


@get("/plans", **who(SIGNED_IN, menu=MenuEntry(N_("Visit plans"), order=100)))
async def plans_overview(
    request: HTMXRequest, network: str | None = None, term: str | None = None
) -> Template:
    db = request.app.state.db
    networks = await db.read(lookups.networks_for, request.user)
    network_id = _network(request, network, networks)
    chosen, terms = await db.read(pick_term, term, clock.today())
    cover = await db.read(plans.coverage, network_id, chosen)
    visits = await db.read(plans.visits_in, network_id, chosen)
    ctx = {"networks": networks, "network_id": network_id, "term": chosen, "terms": terms, "coverage": cover}
    template = "plans/_overview.html" if request.htmx else "plans/index.html"
    return page(request, template, visits=visits, **ctx)


@get("/plans/new", **who(PLANNERS))
async def new_visit(request: HTMXRequest) -> Template:
    values = _form_values(request.query_params)
    return await _render_form(request, values, errors=[])


@post("/plans", **who(PLANNERS, form=True))
async def create_visit(
    request: HTMXRequest,
    data: Annotated[PlanForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any] | Template:
    values = _form_values(data.multidict())
    try:
        visit_id = await request.app.state.db.write(
            plans.create_visit_tx, request.user, _visit_create(values)
        )
    except Refused as exc:
        return await _refused(request, values, exc)
    return _to_visit(request, visit_id)


async def _refused(request: HTMXRequest, values: dict[str, Any], exc: Refused) -> Template:
    """The plan form again, with the reasons it was refused."""
    if exc.code == "not_found":
        raise NotFoundException()
    tpl = await _render_form(request, values, errors=exc.messages())
    tpl.status_code = 200 if request.htmx else 422
    return tpl


def _to_visit(request: HTMXRequest, visit_id: str) -> Response[Any]:
    if request.htmx:
        return Response(b"", status_code=204, headers={"HX-Redirect": f"/plans/{visit_id}"})
    return Redirect(path=f"/plans/{visit_id}", status_code=303)


@post(
    "/api/plans",
    status_code=201,
    **who(
        PLANNERS,
        api=True,
        problems={
            409: "A team member is booked elsewhere then",
            422: "The plan breaks a rule (invalid_plan)",
        },
    ),
)
async def create_visit_api(request: Request[Actor, Any, Any], data: plans.VisitCreate) -> dict[str, str]:
    """The same rules as the form, for scripts and tests: problem JSON with the reasons when refused."""
    try:
        visit_id = await request.app.state.db.write(plans.create_visit_tx, request.user, data)
    except Refused as exc:
        raise ApiError(exc.code, "; ".join(exc.messages()), reasons=exc.messages()) from None
    return {"id": visit_id}


@get("/plans/{visit_id:str}", **who(SIGNED_IN))
async def visit_page(request: Request[Actor, Any, Any], visit_id: str) -> Template:
    db = request.app.state.db
    visit = await db.read(plans.visit_detail, request.user, visit_id)
    if visit is None:
        raise NotFoundException()
    warnings = [] if visit["cancelled"] else await db.read(plan_changes.coverage_warnings, visit_id)
    can_plan = request.user.role in PLANNERS
    return page(
        request, "plans/visit.html", visit=visit, grades=GRADE_LABELS, warnings=warnings, can_plan=can_plan
    )


@get("/plans/{visit_id:str}/edit", **who(PLANNERS))
async def edit_visit(request: HTMXRequest, visit_id: str) -> Template:
    values = await request.app.state.db.read(plan_changes.visit_values, request.user, visit_id)
    if values is None:
        raise NotFoundException()
    values["rows"] = (values["rows"] + [dict.fromkeys(_ROW, "")] * ASSIGNMENT_ROWS)[:ASSIGNMENT_ROWS]
    return await _render_form(request, values, errors=[])


@post("/plans/{visit_id:str}", **who(PLANNERS, form=True))
async def update_visit(
    request: HTMXRequest,
    visit_id: str,
    data: Annotated[PlanForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any] | Template:
    values = _form_values(data.multidict()) | {"visit_id": visit_id}
    try:
        await request.app.state.db.write(
            plan_changes.update_visit_tx, request.user, visit_id, _visit_create(values)
        )
    except Refused as exc:
        return await _refused(request, values, exc)
    return _to_visit(request, visit_id)


@post("/plans/{visit_id:str}/cancel", **who(PLANNERS, form=True))
async def cancel_visit(
    request: HTMXRequest,
    visit_id: str,
    data: Annotated[CancelForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any]:
    """Cancel once the planner has ticked "yes, cancel" (without it, back to the visit unchanged)."""
    db = request.app.state.db
    if await db.read(plans.visit_detail, request.user, visit_id) is None:
        raise NotFoundException()
    if data.sure:
        await db.write(plan_changes.cancel_visit_tx, request.user, visit_id)
    return Redirect(path=f"/plans/{visit_id}", status_code=303)


# -- the form's values: the same parsing for the htmx refresh (query) and the submit (form body) -------------


def _form_values(params: MultiDict[Any] | FormMultiDict) -> dict[str, Any]:
    rows = list(
        zip(
            *(
                [*params.getall(f"a_{name}", []), *[""] * ASSIGNMENT_ROWS][:ASSIGNMENT_ROWS]
                for name in ("observer", "teacher", "grade", "room", "hour")
            ),
            strict=True,
        )
    )
    team = []
    for value in params.getall("team", []):
        if str(value).isdigit():
            team.append(int(value))
    return {
        "visit_id": str(params.get("visit_id") or ""),
        "network": str(params.get("network") or ""),
        "date": parse_date(str(params.get("date") or "")) or str(params.get("date") or ""),
        "session": str(params.get("session") or "morning"),
        "school_code": str(params.get("school_code") or ""),
        "team": team,
        "rows": [
            dict(zip(("observer", "teacher", "grade", "room", "hour"), map(str, r), strict=True))
            for r in rows
        ],
    }


def _visit_create(values: dict[str, Any]) -> plans.VisitCreate:
    assignments = [
        {
            "observer_id": int(r["observer"]) if r["observer"].isdigit() else 0,
            "teacher_id": r["teacher"],
            "grade": r["grade"],
            "room": r["room"],
            "hour": r["hour"],
        }
        for r in values["rows"]
        if r["teacher"] or r["observer"]
    ]
    body = {k: values[k] for k in ("date", "session", "school_code", "team")} | {"assignments": assignments}
    try:
        return msgspec.convert(body, plans.VisitCreate)
    except msgspec.ValidationError as exc:
        raise ApiError("invalid_request", str(exc)) from None


async def _render_form(request: HTMXRequest, values: dict[str, Any], errors: list[str]) -> Template:
    db = request.app.state.db
    networks = await db.read(lookups.networks_for, request.user)
    network_id = _network(request, values["network"], networks)
    schools = await db.read(lookups.schools_of, network_id)
    if values["school_code"] not in {s["code"] for s in schools}:
        values["school_code"] = ""
    ctx = {
        "networks": networks,
        "network_id": network_id,
        "schools": schools,
        "members": await db.read(lookups.team_candidates, network_id),
        "teachers": await db.read(lookups.teachers_at, values["school_code"])
        if values["school_code"]
        else [],
        "grades": GRADE_LABELS,
        "values": values,
        # The date in BE beside the field, once it reads as a date (a refused form keeps what was typed).
        "date_ok": parse_date(str(values["date"] or "")) is not None,
        "errors": errors,
    }
    return page(request, "plans/_form.html" if request.htmx else "plans/new.html", **ctx)
