"""The network secretary's compilation online: summaries, school pages, the area view, themes, print
views and PDFs, exports, sync health, and a supervisor's own reports. Thin handlers over server/reports.

Who sees what: supervisors and secretaries their networks, the director and admins all; a network the
user cannot see is 404 (server/access.py)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Response, Template

from core import clock
from core.actor import Actor
from core.problems import N_
from core.roles import NETWORK_READERS, OWN_REPORTERS, REPORTERS, SIGNED_IN, SUBMITTERS
from server import lookups, submissions
from server.access import who
from server.calendar import Term
from server.disposition import content_disposition
from server.form_bodies import OwnReportForm, TripDaysForm
from server.i18n import current_locale
from server.menu import MenuEntry
from server.pages import page
from server.reports import (
    activity,
    area,
    exports,
    health,
    pdf,
    policy,
    signers,
    summary,
    themes,
    trips,
    visits,
)
from server.reports import notebook as notebooks
from server.reports import period as periods
from server.reports.period import Period
from server.routes.providers import Choices, Chosen, NetworkName, Own, Terms

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _render(request: Request[Any, Any, Any], template: str, **context: Any) -> str:
    """A print template as a string (for WeasyPrint): the same context as the page."""
    ctx = page(request, template, **context).context
    engine = request.app.template_engine
    assert engine is not None  # the app is built with its Jinja2 engine (server/app.py)
    return str(engine.get_template(template).render(**ctx))


async def _pdf(
    request: Request[Any, Any, Any], template: str, filename: str, **context: Any
) -> Response[bytes]:
    html = _render(request, template, for_pdf=True, **context)
    printed: pdf.Printed = request.app.state.printed
    body = await printed.made(html, partial(request.app.state.db.reports.run, pdf.render))
    return Response(
        body, media_type=PDF, headers={"Content-Disposition": content_disposition(filename, inline=True)}
    )


def _download(body: bytes, media_type: str, filename: str) -> Response[bytes]:
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": content_disposition(filename)}
    )


async def _school(request: Request[Actor, Any, Any], network_id: str, school: str | None) -> str | None:
    """The school filter of an export: a school of this network, or 404."""
    if school and await request.app.state.db.read(lookups.school_network, school) != network_id:
        raise NotFoundException()
    return school or None


async def _themes(request: Request[Any, Any, Any], network_id: str, chosen: Period, q: str = "") -> Any:
    """The qualitative compile; the phrases it had to segment are kept for the next time."""
    db = request.app.state.db
    found = await db.reports.read(
        themes.kept_themes, network_id, chosen.first, chosen.last, q[:100], current_locale.get()
    )
    fresh = found.pop("fresh")
    if fresh:
        await db.write(themes.store_phrases_tx, fresh)
    return found


@get("/reports", **who(SIGNED_IN, menu=MenuEntry(N_("Reports"), order=80)))
async def reports_home(request: Request[Actor, Any, Any], chosen: Chosen, choices: Choices) -> Template:
    networks = await request.app.state.db.read(lookups.networks_for, request.user)
    return page(request, "reports/index.html", networks=networks, period=chosen, periods=choices)


@get("/reports/network/{network_id:str}", **who(NETWORK_READERS))
async def network_report(
    request: HTMXRequest,
    network_id: str,
    network_name: NetworkName,
    terms: Terms,
    chosen: Chosen,
    choices: Choices,
    school: str | None = None,
) -> Template:
    db = request.app.state.db
    data = await db.read(summary.network_summary, network_id, chosen.first, chosen.last)
    trend_periods = periods.previous_terms(chosen, terms)
    trend = await db.read(summary.trend, network_id, [(p.first, p.last) for p in trend_periods])
    ctx = {"network_name": network_name, "period": chosen, "periods": choices, "data": data,
           "trend": list(zip(trend_periods, trend, strict=True)), "school": None}  # fmt: skip
    if school:
        ctx["school"] = next((s for s in data["schools"] if s["code"] == school), None)
        if ctx["school"] is None:
            raise NotFoundException()
    return page(request, "reports/_summary.html" if request.htmx else "reports/network.html", **ctx)


@get("/reports/network/{network_id:str}/print", **who(NETWORK_READERS))
async def network_print(
    request: Request[Actor, Any, Any],
    network_id: str,
    network_name: NetworkName,
    chosen: Chosen,
    format: str = "html",
) -> Template | Response[bytes]:
    data = await request.app.state.db.read(summary.network_summary, network_id, chosen.first, chosen.last)
    found = await _themes(request, network_id, chosen)
    ctx = {
        "network_name": network_name,
        "period": chosen,
        "data": data,
        "found": found,
        "today": clock.today(),
        "signers": await request.app.state.db.read(signers.of, request.user, network_id),
    }
    if format == "pdf":
        return await _pdf(
            request, "reports/print/summary.html", f"summary-{network_id}-{chosen.key}.pdf", **ctx
        )
    return page(request, "reports/print/summary.html", for_pdf=False, **ctx)


@get("/reports/network/{network_id:str}/visits", **who(REPORTERS))
async def visit_list(
    request: Request[Actor, Any, Any],
    network_id: str,
    network_name: NetworkName,
    chosen: Chosen,
    choices: Choices,
) -> Template:
    rows = await request.app.state.db.read(visits.travel, network_id, chosen.first, chosen.last)
    return page(request, "reports/visits.html", network_id=network_id, network_name=network_name, period=chosen,
                periods=choices, visits=rows)  # fmt: skip


@get(
    "/reports/network/{network_id:str}/notebook/{school_code:str}/{date:str}/{session:str}", **who(REPORTERS)
)
async def notebook(
    request: Request[Actor, Any, Any],
    network_id: str,
    school_code: str,
    date: str,
    session: str,
    network_name: NetworkName,
    format: str = "html",
) -> Template | Response[bytes]:
    copy = await request.app.state.db.read(
        notebooks.entry, network_id, school_code, date, session, current_locale.get()
    )
    if copy is None:
        raise NotFoundException()
    ctx = {"network_name": network_name, "network_id": network_id, "copy": copy, "today": clock.today()}
    if format == "pdf":
        return await _pdf(
            request, "reports/print/notebook.html", f"notebook-{school_code}-{date}-{session}.pdf", **ctx
        )
    return page(request, "reports/print/notebook.html", for_pdf=False, **ctx)


@get("/reports/network/{network_id:str}/travel", **who(REPORTERS))
async def travel(
    request: Request[Actor, Any, Any],
    network_id: str,
    network_name: NetworkName,
    chosen: Chosen,
    format: str = "html",
) -> Template | Response[bytes]:
    return await _travel(request, network_id, network_name, chosen, format)


async def _travel(
    request: Request[Actor, Any, Any], network_id: str, name: str, chosen: Period, format: str = "html",
    posted: list[dict[str, str]] | None = None, errors: dict[str, Any] | None = None,
) -> Template | Response[bytes]:  # fmt: skip
    rows = await request.app.state.db.read(visits.travel, network_id, chosen.first, chosen.last)
    days = await request.app.state.db.read(trips.days, network_id, rows)
    ctx = {"network_name": name, "network_id": network_id, "period": chosen, "visits": rows, "days": days,
           "today": clock.today(), "signers": await request.app.state.db.read(signers.of, request.user, network_id)}  # fmt: skip
    if format == "pdf":
        return await _pdf(
            request, "reports/print/travel.html", f"travel-{network_id}-{chosen.key}.pdf", **ctx
        )
    answer = page(request, "reports/print/travel.html", for_pdf=False, editable=request.user.role in SUBMITTERS,
                  posted={r["date"]: r for r in posted or []}, errors=errors or {}, **ctx)  # fmt: skip
    if errors:
        answer.status_code = 422
    return answer


@post("/reports/network/{network_id:str}/travel", **who(SUBMITTERS, form=True))
async def save_travel_days(
    request: Request[Actor, Any, Any],
    network_id: str,
    network_name: NetworkName,
    chosen: Chosen,
    data: Annotated[TripDaysForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Response[bytes] | Redirect:
    """The traveller's departure and return times and purpose of each trip day (all or nothing)."""
    rows = await request.app.state.db.read(visits.travel, network_id, chosen.first, chosen.last)
    found, errors = trips.parse(data.rows(), {v["date"] for v in rows})
    if errors:
        return await _travel(request, network_id, network_name, chosen, posted=found, errors=errors)
    await request.app.state.db.write(trips.save_tx, network_id, request.user.id, found)
    return Redirect(path=f"/reports/network/{network_id}/travel?period={chosen.key}", status_code=303)


@get("/reports/network/{network_id:str}/committee", **who(REPORTERS))
async def committee(
    request: Request[Actor, Any, Any],
    network_id: str,
    network_name: NetworkName,
    chosen: Chosen,
    format: str = "html",
) -> Template | Response[bytes]:
    """The network's quarterly report to the area committee (ก.ต.ป.น.): the quarter's supervision results —
    coverage, quality of teaching, literacy and numeracy, policy follow-up, obstacles and support requests."""
    today = clock.today()
    current = periods.of_quarter(today)
    quarter = chosen if chosen.kind == "quarter" else current
    quarters = [current]  # the last eight quarters, newest first, and the one asked for
    while len(quarters) < 8:
        quarters.append(periods.of_quarter(quarters[-1].start - dt.timedelta(days=1)))
    if quarter not in quarters:
        quarters.append(quarter)
    db = request.app.state.db
    report = await db.reports.read(
        area.area_report, [network_id], quarter.first, quarter.last, current_locale.get()
    )
    if fresh := report.pop("fresh"):
        await db.write(themes.store_phrases_tx, fresh)
    ctx = {"network_name": network_name, "network_id": network_id, "period": quarter, "report": report,
           "row": report["networks"][0], "quarters": quarters, "today": today,
           "signers": await db.read(signers.of, request.user, network_id)}  # fmt: skip
    if format == "pdf":
        return await _pdf(
            request, "reports/print/committee.html", f"committee-{network_id}-{quarter.key}.pdf", **ctx
        )
    return page(request, "reports/print/committee.html", for_pdf=False, **ctx)


@get("/reports/network/{network_id:str}/export.xlsx", **who(REPORTERS))
async def export_xlsx(
    request: Request[Actor, Any, Any],
    network_id: str,
    network_name: NetworkName,
    chosen: Chosen,
    school: str | None = None,
) -> Response[bytes]:
    school = await _school(request, network_id, school)
    body = await request.app.state.db.reports.read(
        exports.xlsx, network_id, chosen.first, chosen.last, school
    )
    return _download(body, XLSX, f"nithet-{network_id}-{chosen.key}{'-' + school if school else ''}.xlsx")


@get("/reports/network/{network_id:str}/export.csv", **who(REPORTERS))
async def export_csv(
    request: Request[Actor, Any, Any],
    network_id: str,
    network_name: NetworkName,
    chosen: Chosen,
    school: str | None = None,
    tool: str = "observation",
) -> Response[bytes]:
    school = await _school(request, network_id, school)
    body = await request.app.state.db.reports.read(
        exports.csv_bytes, network_id, chosen.first, chosen.last, tool, school
    )
    if body is None:
        raise NotFoundException()
    return _download(body, "text/csv; charset=utf-8", f"nithet-{network_id}-{chosen.key}-{tool}.csv")


@get("/reports/network/{network_id:str}/themes", **who(NETWORK_READERS))
async def theme_report(
    request: HTMXRequest,
    network_id: str,
    network_name: NetworkName,
    chosen: Chosen,
    choices: Choices,
    q: str = "",
) -> Template:
    found = await _themes(request, network_id, chosen, q)
    return page(request, "reports/_themes.html" if request.htmx else "reports/themes.html", network_id=network_id,
                network_name=network_name, period=chosen, periods=choices, found=found)  # fmt: skip


async def _area(request: Request[Actor, Any, Any], chosen: Period, terms: list[Term]) -> dict[str, Any]:
    """The area report of the networks the user can see (a deputy: theirs), with overdue reports."""
    db, actor = request.app.state.db, request.user
    networks = await db.read(lookups.networks_for, actor)
    found: dict[str, Any] = await db.reports.read(area.area_report, [n["id"] for n in networks], chosen.first, chosen.last,
                          current_locale.get())  # fmt: skip
    fresh = found.pop("fresh")
    if fresh:
        await db.write(themes.store_phrases_tx, fresh)
    wanted = await db.read(submissions.expected, actor, clock.today(), terms)
    found["overdue"] = [
        o for o in await db.read(submissions.overdue, actor, clock.today(), wanted) if o["network_id"]
    ]
    return found


@get("/reports/area", **who(REPORTERS))
async def area_report(
    request: Request[Actor, Any, Any], terms: Terms, chosen: Chosen, choices: Choices
) -> Template:
    report = await _area(request, chosen, terms)
    db = request.app.state.db
    networks = await db.read(lookups.networks_for, request.user)
    table = await db.read(
        policy.area_table, [(n["id"], n["name"]) for n in networks], chosen.first, chosen.last
    )
    labels = await db.read(summary.labels)
    return page(request, "reports/area.html", report=report, period=chosen, periods=choices,
                kinds=submissions.KIND_LABELS, policy_table=table, labels=labels)  # fmt: skip


@get("/reports/area/print", **who(REPORTERS))
async def area_print(
    request: Request[Actor, Any, Any], terms: Terms, chosen: Chosen, format: str = "html"
) -> Template | Response[bytes]:
    ctx = {"report": await _area(request, chosen, terms), "period": chosen, "today": clock.today(),
           "kinds": submissions.KIND_LABELS, "signers": await request.app.state.db.read(signers.of, request.user)}  # fmt: skip
    if format == "pdf":
        return await _pdf(request, "reports/print/area.html", f"area-{chosen.key}.pdf", **ctx)
    return page(request, "reports/print/area.html", for_pdf=False, **ctx)


@get("/reports/sync", **who(REPORTERS))
async def sync_health(request: Request[Actor, Any, Any]) -> Template:
    rows = await request.app.state.db.read(health.sync_health, request.user)
    return page(request, "reports/sync.html", rows=rows, now=dt.datetime.now(dt.UTC))


async def _prefill(request: Request[Actor, Any, Any], kind: str, rows: list[Any], first: dt.date) -> str:
    actor = request.user
    reporter = await request.app.state.db.read(activity.reporter, actor.id, actor.display_name, actor.role)
    return activity.prefill(kind, rows, first, reporter)


@get("/reports/mine/{kind:str}", **who(OWN_REPORTERS))
async def own_report(request: Request[Actor, Any, Any], kind: str, own: Own) -> Template:
    key, first, last, half = own
    db = request.app.state.db
    rows = await db.read(activity.my_visits, request.user.id, first.isoformat(), last.isoformat())
    saved = await db.read(activity.draft, request.user.id, kind, key)
    body = saved["body"] if saved else await _prefill(request, kind, rows, first)
    return page(request, "reports/mine.html", kind=kind, key=key, first=first, last=last, half=half,
                visits=rows, body=body, saved=saved)  # fmt: skip


@post("/reports/mine/{kind:str}", **who(OWN_REPORTERS, form=True))
async def save_own_report(
    request: Request[Actor, Any, Any],
    kind: str,
    own: Own,
    data: Annotated[OwnReportForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Redirect:
    await request.app.state.db.write(activity.save_draft_tx, request.user.id, kind, own.key, data.body)
    return Redirect(path=f"/reports/mine/{kind}?period={own.key}", status_code=303)
