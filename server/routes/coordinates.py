"""The schools' and the office's coordinates (admins only), for the travel report's distances: one page,
saved all at once or not at all (a bad pair is shown with its reason and nothing is lost)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from core.actor import Actor
from core.problems import N_
from core.roles import ADMINS
from server import coordinates
from server.access import who
from server.menu import MenuEntry
from server.notice import Notice
from server.pages import page


async def _render(
    request: Request[Actor, Any, Any],
    posted: dict[str, str] | None = None,
    errors: dict[str, list[Notice]] | None = None,
) -> Template:
    db = request.app.state.db
    schools = await db.read(coordinates.schools, request.user)
    lat, lon = await db.read(coordinates.office)
    values = posted or {"office-lat": _text(lat), "office-lon": _text(lon)} | {
        f"{k}-{s['code']}": _text(s[name])
        for s in schools
        for k, name in (("lat", "latitude"), ("lon", "longitude"))
    }
    answer = page(request, "admin/coordinates.html", schools=schools, values=values, errors=errors or {},
                  saved=request.query_params.get("saved"))  # fmt: skip
    if errors:
        answer.status_code = 422
    return answer


def _text(value: float | None) -> str:
    return "" if value is None else str(value)


@get("/admin/coordinates", **who(ADMINS, menu=MenuEntry(N_("Coordinates"), order=65)))
async def coordinates_page(request: Request[Actor, Any, Any]) -> Template:
    return await _render(request)


@post("/admin/coordinates", **who(ADMINS))
async def save_coordinates(request: Request[Actor, Any, Any]) -> Template | Redirect:
    form = await request.form()
    posted = {k: str(v) for k, v in form.items() if k.startswith(("lat-", "lon-", "office-"))}
    errors: dict[str, list[Notice]] = {}
    office, errors["office"] = coordinates.parse(posted.get("office-lat"), posted.get("office-lon"))
    points = {}
    for s in await request.app.state.db.read(coordinates.schools, request.user):
        code = s["code"]
        if f"lat-{code}" not in posted and f"lon-{code}" not in posted:
            continue  # not on the form that was sent: left as it is
        points[code], errors[code] = coordinates.parse(posted.get(f"lat-{code}"), posted.get(f"lon-{code}"))
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        return await _render(request, posted, errors)
    changed = await request.app.state.db.write(coordinates.save_tx, office, points)
    return Redirect(path=f"/admin/coordinates?saved={changed}", status_code=303)
