"""Online pages for the people who compile visits (htmx: a fragment is the same template the page includes)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from core.actor import Actor
from core.problems import N_
from core.roles import SIGNED_IN
from server.access import who
from server.i18n import current_locale
from server.menu import MenuEntry
from server.observations import list_records, record_with_revisions, schools_in_scope
from server.pages import page
from server.reports import display, visits


@get("/observations", **who(SIGNED_IN, menu=MenuEntry(N_("Synced observations"), order=20)))
async def observations(request: HTMXRequest, school: str | None = None) -> Template:
    db = request.app.state.db
    records = await db.read(list_records, request.user, school=school or None, form_id="observation")
    if request.htmx:
        return page(request, "observations/_rows.html", records=records)
    schools = await db.read(schools_in_scope, request.user)
    return page(request, "observations/index.html", records=records, schools=schools, school=school)


@get("/records/{record_id:str}", **who(SIGNED_IN))
async def record_detail(request: Request[Actor, Any, Any], record_id: str) -> Template:
    record = await request.app.state.db.read(record_with_revisions, request.user, record_id)
    if record is None:
        raise NotFoundException()
    form = request.app.state.forms.get((record["form_id"], record["form_version"]))
    lang = current_locale.get()
    labels = {f.name: f.label.text(lang) for f in form.walk()} if form else {}
    if form:  # each revision's answers as the notebook prints them: labels, names, BE dates, no blanks
        names = await request.app.state.db.read(visits.names, record["network_id"])
        fields = tuple(f for s in form.sections for f in s.fields)
        for revision in record["revisions"]:
            revision["rows"] = display.rows(form, fields, revision["answers"], names, lang)
    return page(request, "observations/record.html", record=record, form=form, labels=labels)
