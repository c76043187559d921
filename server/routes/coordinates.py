"""The schools' and the office's coordinates (admins only), for the travel report's distances: one page,
saved all at once or not at all (a bad pair is shown with its reason and nothing is lost)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from core.actor import Actor
from core.problems import N_
from core.roles import ADMINS
from server import coordinates
from server.access import who
from server.form_bodies import CoordinatesForm
from server.menu import MenuEntry
from server.notice import Notice
from server.pages import page


async def _render(
    request: Request[Actor, Any, Any],
    posted: dict[str, tuple[str, str]] | None = None,
    errors: dict[str, list[Notice]] | None = None,
) -> Template:
    """The page: each pair (latitude, longitude) as stored, or as posted when the post was refused."""
    db = request.app.state.db
    schools = await db.read(coordinates.schools, request.user)
    lat, lon = await db.read(coordinates.office)
    stored = {"office": (_text(lat), _text(lon))} | {
        s["code"]: (_text(s["latitude"]), _text(s["longitude"])) for s in schools
    }
    answer = page(request, "admin/coordinates.html", schools=schools, values=stored | (posted or {}),
                  errors=errors or {}, saved=request.query_params.get("saved"))  # fmt: skip
    if errors:
        answer.status_code = 422
    return answer


def _text(value: float | None) -> str:
    return "" if value is None else str(value)


@get("/admin/coordinates", **who(ADMINS, menu=MenuEntry(N_("Coordinates"), order=65)))
async def coordinates_page(request: Request[Actor, Any, Any]) -> Template:
    return await _render(request)


@post("/admin/coordinates", **who(ADMINS, form=True))
async def save_coordinates(
    request: Request[Actor, Any, Any],
    data: Annotated[CoordinatesForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    pairs = {r["code"]: (r["lat"], r["lon"]) for r in data.rows()}
    posted = {"office": (data.office_lat, data.office_lon), **pairs}
    schools = await request.app.state.db.read(coordinates.schools, request.user)
    office, points, errors = coordinates.read_page(posted, [s["code"] for s in schools])
    if errors:
        return await _render(request, posted, errors)
    changed = await request.app.state.db.write(coordinates.save_tx, office, points)
    return Redirect(path=f"/admin/coordinates?saved={changed}", status_code=303)
