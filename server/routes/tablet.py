"""The app shell the tablet installs: home, form pages, the service worker and the manifest."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Response, Template

from core import clock
from core.problems import N_
from core.roles import ADMINS, SIGNED_IN
from server.access import PUBLIC, who
from server.calendar import keep_since
from server.form_island import form_island
from server.i18n import _, current_locale
from server.lifecycle import state_of
from server.menu import MenuEntry
from server.pages import island, page
from server.shell import SERVICE_WORKER
from server.terms import load_terms


@get("/", **who(SIGNED_IN, menu=MenuEntry(N_("Today"), order=10)))
async def home(request: Request[Any, Any, Any]) -> Template:
    forms, states = request.app.state.forms, request.app.state.form_states
    latest = {form_id: form for (form_id, _version), form in sorted(forms.items())}
    offered = [f for f in latest.values() if state_of(states, f.id).offered_to(request.scope.get("user"))]
    terms = await request.app.state.db.read(load_terms)
    return page(request, "home.html", forms=offered, keep_since=keep_since(clock.today(), terms))


@get("/forms/{form_id:str}/{version:int}", sync_to_thread=False, **who(SIGNED_IN))
def form_page(request: Request[Any, Any, Any], form_id: str, version: int) -> Template:
    form = request.app.state.forms.get((form_id, version))
    draft = state_of(request.app.state.form_states, form_id).state == "draft"
    if form is None or (draft and request.user.role not in ADMINS):  # a draft: only admins try it
        raise NotFoundException()
    return page(request, "form.html", form=form, form_json=form_island(form, current_locale.get()))


@get("/notebook", sync_to_thread=False, **who(SIGNED_IN))
def notebook_page(request: Request[Any, Any, Any]) -> Template:
    """The visit's notebook entry on the tablet, offline (pwa/static/js/notebook.js fills it)."""
    forms = request.app.state.forms
    observation = max(
        (f for (form_id, _v), f in forms.items() if form_id == "observation"), key=lambda f: f.version
    )
    labels: dict[str, Any] = {
        name: {c.value: c.label.th for c in observation.choice_list(field)}
        for name in ("grade", "learning_area")
        if (field := observation.field(name)) is not None
    }
    labels["signed"], labels["position"] = _("Signed"), _("Position")
    labels["teacher"], labels["director"] = _("Teacher"), _("School director")
    labels["supervisor"] = _("Education supervisor")
    labels["observed"] = _("The team observed %(n)s classrooms, %(minutes)s minutes in all.")
    labels["school"], labels["network"], labels["date"] = _("School"), _("Network"), _("Date")
    labels["morning"], labels["afternoon"] = _("Morning"), _("Afternoon")
    return page(request, "notebook.html", labels=island(labels))


@get("/handover", sync_to_thread=False, **who(SIGNED_IN))
def handover_page(request: Request[Any, Any, Any]) -> Template:
    """An observation's summary as a QR code for the recorder's tablet (pwa/static/js/handover.js)."""
    return page(request, "handover.html")


@get("/sw.js", exclude_from_auth=True, sync_to_thread=False, **who(PUBLIC))
def service_worker(request: Request[Any, Any, Any]) -> Response[bytes]:
    state = request.app.state
    build = msgspec.json.encode({"version": state.build, "precache": state.precache, "later": state.later})
    body = b"self.BUILD = " + build + b";\n" + SERVICE_WORKER.read_bytes()
    return Response(
        body,
        media_type="application/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@get("/manifest.webmanifest", exclude_from_auth=True, sync_to_thread=False, **who(PUBLIC))
def manifest() -> Response[bytes]:
    icons = [
        {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
        {
            "src": "/static/icons/icon-maskable-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "name": _("Nithet: classroom observation visits"),
        "short_name": "นิเทศ",
        "lang": "th",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#ffffff",
        "theme_color": "#0f5e68",
        "icons": icons,
    }
    return Response(msgspec.json.encode(body), media_type="application/manifest+json")


@get("/healthz", exclude_from_auth=True, sync_to_thread=False, **who(PUBLIC, api=True))
def health() -> dict[str, str]:
    return {"status": "ok"}
