"""The area office's policy list: see the lists published, type next year's (prefilled from the latest),
publish it as a new policy form version that tablets pull. A refused list comes back as typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from core.actor import Actor
from core.problems import N_
from core.roles import POLICY_EDITORS
from forms.loader import POLICIES as BUILTIN_LISTS
from forms.loader import DefinitionError, load_policies
from server import policies
from server.access import who
from server.form_bodies import FormBody, Line, Short
from server.menu import MenuEntry
from server.pages import page
from server.shell import refresh_forms

#: Rows on the page: a fiscal year's list is rarely over a dozen policies.
ROWS = 15
FIELDS = ("code", "name", "indicator", "kind", "evidence")
#: The kinds of an indicator's value, as the page offers them.
KINDS = {"percent": N_("Percent"), "count": N_("Count"), "yes_no": N_("Yes / no")}
#: The form's fields: list_id, label and code_0 … evidence_14 (a Struct made from the rows; for the type
#: checker, any form body).
if TYPE_CHECKING:
    PolicyForm = FormBody
else:
    PolicyForm = msgspec.defstruct(
        "PolicyForm",
        [("list_id", Short, ""), ("label", Line, "")]
        + [(f"{f}_{i}", Line, "") for i in range(ROWS) for f in FIELDS],
        bases=(FormBody,),
        kw_only=True,
    )


async def _page(request: Request[Actor, Any, Any], **ctx: Any) -> Template:
    lists = await request.app.state.db.read(policies.published)
    if "rows" not in ctx:
        latest = lists[0]["policies"] if lists else load_policies("2568", BUILTIN_LISTS, "2568").policies
        ctx["rows"] = [
            policies.PolicyRow(code=p.code, name=p.name.th, indicator=p.indicator.th, kind=p.kind,
                               evidence=p.evidence.th)
            for p in latest
        ]  # fmt: skip
    ctx["rows"] = ctx["rows"] + [policies.PolicyRow()] * (ROWS - len(ctx["rows"]))
    for key in ("list_id", "label"):
        ctx.setdefault(key, "")
    for key in ("error", "published"):
        ctx.setdefault(key, None)
    return page(request, "admin/policies.html", lists=lists, kinds=KINDS, **ctx)


@get("/admin/policies", **who(POLICY_EDITORS, menu=MenuEntry(N_("Policy lists"), order=70)))
async def policies_page(request: Request[Actor, Any, Any]) -> Template:
    return await _page(request)


@post("/admin/policies", **who(POLICY_EDITORS, form=True))
async def publish_policies(
    request: Request[Actor, Any, Any],
    data: Annotated[PolicyForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template:
    text = data.values()
    rows = [
        msgspec.convert({f: text.get(f"{f}_{i}", "") for f in FIELDS}, policies.PolicyRow)
        for i in range(ROWS)
    ]
    typed = {"rows": [r for r in rows if r.code or r.name or r.indicator], "list_id": text.get("list_id", ""),
             "label": text.get("label", "")}  # fmt: skip
    try:
        policy_list = policies.from_rows(typed["list_id"], typed["label"], rows)
        published = await request.app.state.db.write(policies.publish, policy_list, request.user.id)
    except DefinitionError as exc:
        return await _page(request, error=f"{exc.where}: {exc.problem}", **typed)
    refresh_forms(request.app.state)
    return await _page(request, published=published)
