"""The chain up the office (server/submissions.py): the inbox of each role, sending a network's report
with its cover memo, the unit director's decision, the deputy's note, and each sent version printed with
its frozen figures. Thin handlers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Redirect, Response, Template

from core import clock
from core.actor import Actor
from core.problems import N_
from core.roles import DEPUTIES, OWN_REPORTERS, SIGNED_IN, SUBMITTERS, UNIT_DIRECTORS
from server import submissions
from server.access import who
from server.errors import ApiError
from server.form_bodies import DecisionForm, MemoForm, NoteForm
from server.i18n import current_locale, translations
from server.menu import MenuEntry
from server.notice import Refused
from server.pages import page
from server.reports import activity, dossier, signers
from server.reports import period as periods
from server.routes import providers
from server.routes.providers import Choices, Chosen, NetworkName, Own, Terms
from server.routes.reports import _pdf, _prefill
from server.submissions import Memo

MEMO_FIELDS = ("agency", "number", "date", "subject", "to", "body", "signer", "position")
TO_UNIT = "ผู้อำนวยการกลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา"
OWN_KINDS = {"weekly": "duty_log", "half": "half_year"}


def _memo_from(form: Any) -> Memo:
    return Memo(**{name: str(form.get(name, "")) for name in MEMO_FIELDS})


def _network_memo(actor: Actor, network_name: NetworkName, period: periods.Period) -> Memo:
    label = period.label()
    return Memo(
        agency=f"เครือข่ายส่งเสริมประสิทธิภาพการจัดการศึกษา{network_name}",
        date=clock.today().isoformat(),
        subject=f"รายงานผลการนิเทศ ติดตาม เครือข่าย{network_name} {label}",
        to=TO_UNIT,
        body=(
            f"ตามที่เครือข่าย{network_name} ได้ดำเนินการนิเทศ ติดตามการจัดการเรียนการสอนของโรงเรียนในเครือข่าย "
            f"{label} นั้น บัดนี้ได้ดำเนินการเสร็จสิ้นแล้ว จึงขอรายงานผลการนิเทศทั้งเชิงปริมาณและเชิงคุณภาพ "
            "พร้อมรายงานการเดินทาง รายละเอียดดังแนบ\n\nจึงเรียนมาเพื่อโปรดทราบ"
        ),
        signer=actor.display_name,
        position=signers.position(actor.role),
    )


@get("/submissions", **who(SIGNED_IN, menu=MenuEntry(N_("Reports sent up"), order=90)))
async def inbox(request: Request[Actor, Any, Any], terms: Terms) -> Template:
    db = request.app.state.db
    lists = await db.read(submissions.inbox, request.user)
    today = clock.today()
    wanted = await db.read(submissions.expected, request.user, today, terms)
    late = await db.read(submissions.overdue, request.user, today, wanted)
    return page(request, "submissions/inbox.html", lists=lists, overdue=late, kinds=submissions.KIND_LABELS,
                statuses=submissions.STATUS_LABELS)  # fmt: skip


@get("/submissions/network/{network_id:str}/new", **who(SUBMITTERS))
async def new_network_report(
    request: Request[Actor, Any, Any],
    network_id: str,
    network_name: NetworkName,
    chosen: Chosen,
    choices: Choices,
) -> Template:
    existing = await request.app.state.db.read(submissions.find, "network_report", network_id, chosen.key)
    memo = _network_memo(request.user, network_name, chosen)
    return page(request, "submissions/new.html", network_id=network_id, network_name=network_name, period=chosen,
                periods=choices, memo=memo, existing=existing, errors=[])  # fmt: skip


@post("/submissions/network/{network_id:str}", **who(SUBMITTERS, form=True))
async def send_network_report(
    request: Request[Actor, Any, Any],
    network_id: str,
    network_name: NetworkName,
    chosen: Chosen,
    choices: Choices,
    data: Annotated[MemoForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    db = request.app.state.db
    memo = _memo_from(data.values())
    snapshot = await db.read(
        dossier.network_report, network_id, chosen.first, chosen.last, current_locale.get()
    )
    try:
        submission_id = await db.write(
            submissions.submit_tx, request.user, kind="network_report", subject=network_id,
            network_id=network_id, period=chosen.key, title=f"{network_name} · {chosen.label()}",
            due=(chosen.end + dt.timedelta(days=submissions.NETWORK_REPORT_DAYS)).isoformat(),
            memo=memo, snapshot=snapshot,
        )  # fmt: skip
    except Refused as exc:
        tpl = page(request, "submissions/new.html", network_id=network_id, network_name=network_name, period=chosen,
                   periods=choices, memo=memo, existing=None, errors=exc.messages())  # fmt: skip
        tpl.status_code = (
            409 if exc.code == "submission_refused" and not submissions.memo_problems(memo) else 422
        )
        return tpl
    return Redirect(path=f"/submissions/{submission_id}", status_code=303)


@post("/reports/mine/{kind:str}/send", **who(OWN_REPORTERS))
async def send_own_report(request: Request[Actor, Any, Any], kind: str, own: Own) -> Redirect:
    """A supervisor's duty log or six-month report, sent as saved (the draft's text and their visits)."""
    key, first, last, half = own
    db, actor = request.app.state.db, request.user
    saved = await db.read(activity.draft, actor.id, kind, key)
    visits = await db.read(activity.my_visits, actor.id, first.isoformat(), last.isoformat())
    body = saved["body"] if saved else await _prefill(request, kind, visits, first)
    title = f"{actor.display_name} · {half.label() if half else first.isoformat()}"
    memo = Memo(agency="กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา", date=clock.today().isoformat(),
                subject=translations("th").gettext(submissions.KIND_LABELS[OWN_KINDS[kind]]), to=TO_UNIT,
                body=body or "-", signer=actor.display_name, position=signers.position(actor.role))  # fmt: skip
    due = half.due if half else first + dt.timedelta(days=4)
    try:
        submission_id = await db.write(
            submissions.submit_tx, actor, kind=OWN_KINDS[kind], subject=f"user:{actor.id}", network_id=None,
            period=key, title=title, due=due.isoformat() if due else None, memo=memo,
            snapshot={"body": body, "visits": visits, "first": first.isoformat(), "last": last.isoformat()},
        )  # fmt: skip
    except Refused as exc:
        raise ApiError(exc.code, "; ".join(exc.messages()), reasons=exc.messages()) from None
    return Redirect(path=f"/submissions/{submission_id}", status_code=303)


async def _get(request: Request[Actor, Any, Any], submission_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = await request.app.state.db.read(submissions.get, request.user, submission_id)
    if row is None:
        raise NotFoundException()
    return row


@get("/submissions/{submission_id:int}", **who(SIGNED_IN))
async def detail(request: Request[Actor, Any, Any], submission_id: int, terms: Terms) -> Template:
    db, actor = request.app.state.db, request.user
    row = await _get(request, submission_id)
    if actor.role in UNIT_DIRECTORS and row["status"] == "submitted":
        await db.write(submissions.receive_tx, actor, submission_id)
        row = await _get(request, submission_id)
    changes: list[dict[str, Any]] = []
    latest = row["versions"][-1]
    if row["kind"] == "network_report":
        chosen = providers.chosen(terms, row["period"])
        today = await db.read(dossier.figures, row["network_id"], chosen.first, chosen.last)
        changes = submissions.diff(latest["snapshot"]["summary"], today)
    noted = any(e["action"] == "note" and e["who"] == actor.display_name for e in row["events"])
    return page(request, "submissions/detail.html", s=row, latest=latest, changes=changes, noted=noted,
                kinds=submissions.KIND_LABELS, statuses=submissions.STATUS_LABELS,
                actions=submissions.ACTION_LABELS, errors=[])  # fmt: skip


@post("/submissions/{submission_id:int}/decide", **who(UNIT_DIRECTORS, form=True))
async def decide(
    request: Request[Actor, Any, Any],
    submission_id: int,
    data: Annotated[DecisionForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Redirect:
    await _get(request, submission_id)
    await _write(request, submissions.decide_tx, submission_id, data.action, data.comment)
    return Redirect(path=f"/submissions/{submission_id}", status_code=303)


@post("/submissions/{submission_id:int}/note", **who(DEPUTIES, form=True))
async def note(
    request: Request[Actor, Any, Any],
    submission_id: int,
    data: Annotated[NoteForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Redirect:
    await _get(request, submission_id)
    await _write(request, submissions.note_tx, submission_id, data.comment)
    return Redirect(path=f"/submissions/{submission_id}", status_code=303)


async def _write(request: Request[Actor, Any, Any], fn: Any, *args: Any) -> Any:
    try:
        return await request.app.state.db.write(fn, request.user, *args)
    except Refused as exc:
        raise ApiError(exc.code, "; ".join(exc.messages()), reasons=exc.messages()) from None


@get("/submissions/{submission_id:int}/print", **who(SIGNED_IN))
async def print_version(
    request: Request[Actor, Any, Any],
    submission_id: int,
    terms: Terms,
    version: int = 0,
    format: str = "html",
) -> Template | Response[bytes]:
    """A sent version as it was sent: the memo and the frozen figures."""
    row = await _get(request, submission_id)
    sent = next((v for v in row["versions"] if v["version"] == (version or row["version"])), None)
    if sent is None:
        raise NotFoundException()
    chosen = providers.chosen(terms, row["period"])
    ctx: dict[str, Any] = {"s": row, "sent": sent, "memo": sent["memo"], "period": chosen, "today": clock.today(),
                           "kinds": submissions.KIND_LABELS}  # fmt: skip
    ctx["signers"] = await request.app.state.db.read(signers.of_sent, row, sent)
    if row["kind"] == "network_report":
        snap = sent["snapshot"]
        ctx |= {"data": await request.app.state.db.read(dossier.with_labels, snap["summary"]),
                "found": snap["themes"], "visits": snap["travel"], "days": snap.get("travel_days", []), "network_name": snap["summary"]["network_name"]}  # fmt: skip
    if format == "pdf":
        return await _pdf(
            request, "submissions/print.html", f"report-{submission_id}-v{sent['version']}.pdf", **ctx
        )
    return page(request, "submissions/print.html", for_pdf=False, **ctx)
