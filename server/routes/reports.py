"""The network secretary's compilation online: summaries, school pages, the area view, themes, print
views and PDFs, exports, sync health, and a supervisor's own reports. Thin handlers over server/reports.

Who sees what: supervisors and secretaries their networks, the director and admins all; a network the
user cannot see is 404 (server/access.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template

from server import plans, submissions
from server.access import NETWORK_READERS, OWN_REPORTERS, REPORTERS, SIGNED_IN, require_network, who
from server.disposition import content_disposition
from server.i18n import current_locale
from server.pages import page
from server.reports import activity, area, exports, health, pdf, policy, signers, summary, themes, visits
from server.reports import notebook as notebooks
from server.reports import period as periods
from server.reports.period import Period
from sync.scope import Actor

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _network(request: Request[Actor, Any, Any], network_id: str) -> str:
    require_network(request.user, network_id)
    name = await request.app.state.db.read(summary.network_name, network_id)
    if name is None:
        raise NotFoundException()
    return str(name)


async def _period(request: Request[Actor, Any, Any], key: str | None) -> tuple[Period, list[Period]]:
    terms = await request.app.state.db.read(plans.load_terms)
    today = dt.date.today()
    return periods.parse(key, terms, today), periods.choices(terms, today)


def _render(request: Request[Any, Any, Any], template: str, **context: Any) -> str:
    """A print template as a string (for WeasyPrint): the same context as the page."""
    ctx = page(request, template, **context).context
    return str(request.app.template_engine.get_template(template).render(**ctx))


async def _pdf(
    request: Request[Any, Any, Any], template: str, filename: str, **context: Any
) -> Response[bytes]:
    html = _render(request, template, for_pdf=True, **context)
    body = await request.app.state.db.reports.run(pdf.render, html)
    return Response(
        body, media_type=PDF, headers={"Content-Disposition": content_disposition(filename, inline=True)}
    )


def _download(body: bytes, media_type: str, filename: str) -> Response[bytes]:
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": content_disposition(filename)}
    )


async def _school(request: Request[Actor, Any, Any], network_id: str, school: str | None) -> str | None:
    """The school filter of an export: a school of this network, or 404."""
    if school and await request.app.state.db.read(plans.school_network, school) != network_id:
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


@get("/reports", **who(SIGNED_IN))
async def reports_home(request: Request[Actor, Any, Any], period: str | None = None) -> Template:
    networks = await request.app.state.db.read(plans.networks_for, request.user)
    chosen, choices = await _period(request, period)
    return page(request, "reports/index.html", networks=networks, period=chosen, periods=choices)


@get("/reports/network/{network_id:str}", **who(NETWORK_READERS))
async def network_report(
    request: Request[Actor, Any, Any], network_id: str, period: str | None = None, school: str | None = None
) -> Template:
    name = await _network(request, network_id)
    db = request.app.state.db
    chosen, choices = await _period(request, period)
    data = await db.read(summary.network_summary, network_id, chosen.first, chosen.last)
    terms = await db.read(plans.load_terms)
    trend_periods = periods.previous_terms(chosen, terms)
    trend = await db.read(summary.trend, network_id, [(p.first, p.last) for p in trend_periods])
    ctx = {"network_name": name, "period": chosen, "periods": choices, "data": data,
           "trend": list(zip(trend_periods, trend, strict=True)), "school": None}  # fmt: skip
    if school:
        ctx["school"] = next((s for s in data["schools"] if s["code"] == school), None)
        if ctx["school"] is None:
            raise NotFoundException()
    fragment = request.headers.get("hx-request") == "true"
    return page(request, "reports/_summary.html" if fragment else "reports/network.html", **ctx)


@get("/reports/network/{network_id:str}/print", **who(NETWORK_READERS))
async def network_print(
    request: Request[Actor, Any, Any], network_id: str, period: str | None = None, format: str = "html"
) -> Template | Response[bytes]:
    name = await _network(request, network_id)
    chosen, _ = await _period(request, period)
    data = await request.app.state.db.read(summary.network_summary, network_id, chosen.first, chosen.last)
    found = await _themes(request, network_id, chosen)
    ctx = {"network_name": name, "period": chosen, "data": data, "found": found, "today": dt.date.today(),
           "signers": await request.app.state.db.read(signers.of, request.user, network_id)}  # fmt: skip
    if format == "pdf":
        return await _pdf(
            request, "reports/print/summary.html", f"summary-{network_id}-{chosen.key}.pdf", **ctx
        )
    return page(request, "reports/print/summary.html", for_pdf=False, **ctx)


@get("/reports/network/{network_id:str}/visits", **who(REPORTERS))
async def visit_list(
    request: Request[Actor, Any, Any], network_id: str, period: str | None = None
) -> Template:
    name = await _network(request, network_id)
    chosen, choices = await _period(request, period)
    rows = await request.app.state.db.read(visits.travel, network_id, chosen.first, chosen.last)
    return page(request, "reports/visits.html", network_id=network_id, network_name=name, period=chosen,
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
    format: str = "html",
) -> Template | Response[bytes]:
    name = await _network(request, network_id)
    copy = await request.app.state.db.read(
        notebooks.entry, network_id, school_code, date, session, current_locale.get()
    )
    if copy is None:
        raise NotFoundException()
    ctx = {"network_name": name, "network_id": network_id, "copy": copy, "today": dt.date.today()}
    if format == "pdf":
        return await _pdf(
            request, "reports/print/notebook.html", f"notebook-{school_code}-{date}-{session}.pdf", **ctx
        )
    return page(request, "reports/print/notebook.html", for_pdf=False, **ctx)


@get("/reports/network/{network_id:str}/travel", **who(REPORTERS))
async def travel(
    request: Request[Actor, Any, Any], network_id: str, period: str | None = None, format: str = "html"
) -> Template | Response[bytes]:
    name = await _network(request, network_id)
    chosen, _ = await _period(request, period)
    rows = await request.app.state.db.read(visits.travel, network_id, chosen.first, chosen.last)
    ctx = {
        "network_name": name,
        "network_id": network_id,
        "period": chosen,
        "visits": rows,
        "today": dt.date.today(),
        "signers": await request.app.state.db.read(signers.of, request.user, network_id),
    }
    if format == "pdf":
        return await _pdf(
            request, "reports/print/travel.html", f"travel-{network_id}-{chosen.key}.pdf", **ctx
        )
    return page(request, "reports/print/travel.html", for_pdf=False, **ctx)


@get("/reports/network/{network_id:str}/export.xlsx", **who(REPORTERS))
async def export_xlsx(
    request: Request[Actor, Any, Any], network_id: str, period: str | None = None, school: str | None = None
) -> Response[bytes]:
    await _network(request, network_id)
    school = await _school(request, network_id, school)
    chosen, _ = await _period(request, period)
    body = await request.app.state.db.reports.read(
        exports.xlsx, network_id, chosen.first, chosen.last, school
    )
    return _download(body, XLSX, f"nithet-{network_id}-{chosen.key}{'-' + school if school else ''}.xlsx")


@get("/reports/network/{network_id:str}/export.csv", **who(REPORTERS))
async def export_csv(
    request: Request[Actor, Any, Any],
    network_id: str,
    period: str | None = None,
    school: str | None = None,
    tool: str = "observation",
) -> Response[bytes]:
    await _network(request, network_id)
    school = await _school(request, network_id, school)
    chosen, _ = await _period(request, period)
    body = await request.app.state.db.reports.read(
        exports.csv_bytes, network_id, chosen.first, chosen.last, tool, school
    )
    if body is None:
        raise NotFoundException()
    return _download(body, "text/csv; charset=utf-8", f"nithet-{network_id}-{chosen.key}-{tool}.csv")


@get("/reports/network/{network_id:str}/themes", **who(NETWORK_READERS))
async def theme_report(
    request: Request[Actor, Any, Any], network_id: str, period: str | None = None, q: str = ""
) -> Template:
    name = await _network(request, network_id)
    chosen, choices = await _period(request, period)
    found = await _themes(request, network_id, chosen, q)
    fragment = request.headers.get("hx-request") == "true"
    return page(request, "reports/_themes.html" if fragment else "reports/themes.html", network_id=network_id,
                network_name=name, period=chosen, periods=choices, found=found)  # fmt: skip


async def _area(request: Request[Actor, Any, Any], chosen: Period) -> dict[str, Any]:
    """The area report of the networks the user can see (a deputy: theirs), with overdue reports."""
    db, actor = request.app.state.db, request.user
    networks = await db.read(plans.networks_for, actor)
    found = await db.reports.read(area.area_report, [n["id"] for n in networks], chosen.first, chosen.last,
                          current_locale.get())  # fmt: skip
    fresh = found.pop("fresh")
    if fresh:
        await db.write(themes.store_phrases_tx, fresh)
    terms = await db.read(plans.load_terms)
    wanted = await db.read(submissions.expected, actor, dt.date.today(), terms)
    found["overdue"] = [
        o for o in await db.read(submissions.overdue, actor, dt.date.today(), wanted) if o["network_id"]
    ]
    return found


@get("/reports/area", **who(REPORTERS))
async def area_report(request: Request[Actor, Any, Any], period: str | None = None) -> Template:
    chosen, choices = await _period(request, period)
    report = await _area(request, chosen)
    db = request.app.state.db
    networks = await db.read(plans.networks_for, request.user)
    table = await db.read(
        policy.area_table, [(n["id"], n["name"]) for n in networks], chosen.first, chosen.last
    )
    labels = await db.read(summary.labels)
    return page(request, "reports/area.html", report=report, period=chosen, periods=choices,
                kinds=submissions.KIND_LABELS, policy_table=table, labels=labels)  # fmt: skip


@get("/reports/area/print", **who(REPORTERS))
async def area_print(
    request: Request[Actor, Any, Any], period: str | None = None, format: str = "html"
) -> Template | Response[bytes]:
    chosen, _ = await _period(request, period)
    ctx = {"report": await _area(request, chosen), "period": chosen, "today": dt.date.today(),
           "kinds": submissions.KIND_LABELS, "signers": await request.app.state.db.read(signers.of, request.user)}  # fmt: skip
    if format == "pdf":
        return await _pdf(request, "reports/print/area.html", f"area-{chosen.key}.pdf", **ctx)
    return page(request, "reports/print/area.html", for_pdf=False, **ctx)


@get("/reports/sync", **who(REPORTERS))
async def sync_health(request: Request[Actor, Any, Any]) -> Template:
    rows = await request.app.state.db.read(health.sync_health, request.user)
    return page(request, "reports/sync.html", rows=rows, now=dt.datetime.now(dt.UTC))


def _own_period(kind: str, key: str | None) -> tuple[str, dt.date, dt.date, Period | None]:
    if kind not in activity.KINDS:
        raise NotFoundException()
    today = dt.date.today()
    if kind == "weekly":
        try:
            day = dt.date.fromisoformat(key) if key else today
        except ValueError:
            day = today
        monday, friday = activity.week_of(day)
        return monday.isoformat(), monday, friday, None
    half = periods.parse(key if key and key.startswith("fy") else None, [], today)
    if half.kind != "half":
        half = periods.of_half(today)
    return half.key, half.start, half.end, half


async def _prefill(request: Request[Actor, Any, Any], kind: str, rows: list[Any], first: dt.date) -> str:
    actor = request.user
    reporter = await request.app.state.db.read(activity.reporter, actor.id, actor.display_name, actor.role)
    return activity.prefill(kind, rows, first, reporter)


@get("/reports/mine/{kind:str}", **who(OWN_REPORTERS))
async def own_report(request: Request[Actor, Any, Any], kind: str, period: str | None = None) -> Template:
    key, first, last, half = _own_period(kind, period)
    db = request.app.state.db
    rows = await db.read(activity.my_visits, request.user.id, first.isoformat(), last.isoformat())
    saved = await db.read(activity.draft, request.user.id, kind, key)
    body = saved["body"] if saved else await _prefill(request, kind, rows, first)
    return page(request, "reports/mine.html", kind=kind, key=key, first=first, last=last, half=half,
                visits=rows, body=body, saved=saved)  # fmt: skip


@post("/reports/mine/{kind:str}", **who(OWN_REPORTERS))
async def save_own_report(
    request: Request[Actor, Any, Any], kind: str, period: str | None = None
) -> Redirect:
    key, *_ = _own_period(kind, period)
    form = await request.form()
    await request.app.state.db.write(
        activity.save_draft_tx, request.user.id, kind, key, str(form.get("body", ""))
    )
    return Redirect(path=f"/reports/mine/{kind}?period={key}", status_code=303)
