"""The chain up the office: a report is sent to the unit director (ผอ.กลุ่มนิเทศฯ), who acknowledges it
(ทราบ), acknowledges it with an instruction (สั่งการ) or returns it for correction (ส่งกลับแก้ไข); an
acknowledged report is forwarded to the deputy director (รอง ผอ.สพป.) responsible for its network, who
notes it. A network's semester report (with its cover memo) and each supervisor's duty log and six-month
report travel the same path.

Each sending freezes a version: the memo and the figures as they stood (`snapshot`), kept even when
records change later. Every step is an event with who and when (the audit trail). Writes run inside the
one write transaction (server/db.py); reads take any connection."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import msgspec

from core import roles
from core.actor import Actor
from core.problems import N_
from server.notice import Notice, Refused

Kind = Literal["network_report", "duty_log", "half_year"]
KINDS: tuple[str, ...] = ("network_report", "duty_log", "half_year")
KIND_LABELS = {
    "network_report": N_("Network supervision report"),
    "duty_log": N_("Daily official-duty log"),
    "half_year": N_("Six-month performance report"),
}
#: The unit director's decisions; the first two forward the report to the deputy.
DECISIONS = {"acknowledge": "forwarded", "order": "forwarded", "return": "returned"}
ACTION_LABELS = {
    "submit": N_("Sent"),
    "resubmit": N_("Sent again after correction"),
    "receive": N_("Received by the unit director"),
    "acknowledge": N_("Acknowledged (ทราบ)"),
    "order": N_("Acknowledged with an instruction (สั่งการ)"),
    "return": N_("Returned for correction"),
    "forward": N_("Forwarded to the deputy director"),
    "note": N_("Noted by the deputy director"),
}
STATUS_LABELS = {
    "submitted": N_("Waiting for the unit director"),
    "returned": N_("Returned for correction"),
    "forwarded": N_("Acknowledged and forwarded to the deputy director"),
}
#: A network's semester report is due this many days after the semester ends (a setting of the office;
#: the manual sets no date for it).
NETWORK_REPORT_DAYS = 15
COMMENT_CHARS = 2000


class Memo(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The cover memo in the official form (บันทึกข้อความ)."""

    agency: str  # ส่วนราชการ
    number: str = ""  # ที่
    date: str  # วันที่ (ISO)
    subject: str  # เรื่อง
    to: str  # เรียน
    body: str
    signer: str  # the name in brackets under the signature
    position: str


MEMO_LIMITS = {"agency": 300, "number": 100, "subject": 300, "to": 300, "body": 10000, "signer": 200,
               "position": 200}  # fmt: skip


def memo_problems(memo: Memo) -> list[Notice]:
    out = []
    for name in ("agency", "subject", "to", "body", "signer", "position"):
        if not getattr(memo, name).strip():
            out.append(Notice(N_("Please fill in: %(field)s"), {"field": name}))
    for name, limit in MEMO_LIMITS.items():
        if len(getattr(memo, name)) > limit:
            out.append(Notice(N_("Too long: %(field)s"), {"field": name}))
    try:
        dt.date.fromisoformat(memo.date)
    except ValueError:
        out.append(Notice(N_("The memo's date is not a date")))
    return out


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _event(db: Any, submission_id: int, version: int, action: str, actor: Actor, comment: str = "") -> None:
    db["submission_events"].insert(
        {"submission_id": submission_id, "version": version, "action": action, "actor_id": actor.id,
         "at": _now(), "comment": comment or None}
    )  # fmt: skip


def submit_tx(
    db: Any,
    actor: Actor,
    *,
    kind: str,
    subject: str,
    network_id: str | None,
    period: str,
    title: str,
    due: str | None,
    memo: Memo,
    snapshot: Any,
) -> int:
    """Send (or, after a return, send again) a report; refused while it waits or once it is forwarded."""
    if kind not in KINDS:
        raise Refused("submission_refused", Notice(N_("Unknown kind of report")))
    problems = memo_problems(memo)
    if problems:
        raise Refused("submission_refused", *problems)
    row = db.execute(
        "SELECT id, status, version FROM submissions WHERE kind = ? AND subject = ? AND period = ?",
        [kind, subject, period],
    ).fetchone()
    now = _now()
    if row is None:
        submission_id = db["submissions"].insert(
            {"kind": kind, "subject": subject, "network_id": network_id, "owner_id": actor.id,
             "period": period, "title": title, "status": "submitted", "version": 1, "due": due,
             "created_at": now, "updated_at": now}
        ).last_pk  # fmt: skip
        version, action = 1, "submit"
    else:
        submission_id, status, version = row
        if status != "returned":
            raise Refused(
                "submission_refused",
                Notice(N_("This report was already sent; it can be sent again only when returned")),
            )
        version += 1
        action = "resubmit"
        db.execute(
            "UPDATE submissions SET status = 'submitted', version = ?, title = ?, updated_at = ? WHERE id = ?",
            [version, title, now, submission_id],
        )
    db["submission_versions"].insert(
        {"submission_id": submission_id, "version": version, "memo": msgspec.json.encode(memo).decode(),
         "snapshot": msgspec.json.encode(snapshot).decode(), "submitted_by": actor.id, "submitted_at": now}
    )  # fmt: skip
    _event(db, submission_id, version, action, actor)
    return int(submission_id)


def _current(db: Any, submission_id: int) -> tuple[str, int]:
    row = db.execute("SELECT status, version FROM submissions WHERE id = ?", [submission_id]).fetchone()
    if row is None:
        raise Refused("not_found")
    return str(row[0]), int(row[1])


def receive_tx(db: Any, actor: Actor, submission_id: int) -> None:
    """The unit director opened a waiting version: noted once per version."""
    status, version = _current(db, submission_id)
    seen = db.execute(
        "SELECT 1 FROM submission_events WHERE submission_id = ? AND version = ? AND action = 'receive'",
        [submission_id, version],
    ).fetchone()
    if status == "submitted" and not seen:
        _event(db, submission_id, version, "receive", actor)


def decide_tx(db: Any, actor: Actor, submission_id: int, action: str, comment: str) -> str:
    """The unit director's decision on the waiting version; returns the new status."""
    status, version = _current(db, submission_id)
    comment = comment.strip()[:COMMENT_CHARS]
    if action not in DECISIONS:
        raise Refused("submission_refused", Notice(N_("Unknown decision")))
    if status != "submitted":
        raise Refused("submission_refused", Notice(N_("This report is not waiting for a decision")))
    if action in ("order", "return") and not comment:
        raise Refused("submission_refused", Notice(N_("Write the instruction or what to correct")))
    receive_tx(db, actor, submission_id)
    _event(db, submission_id, version, action, actor, comment)
    new = DECISIONS[action]
    if new == "forwarded":
        _event(db, submission_id, version, "forward", actor)
    db.execute("UPDATE submissions SET status = ?, updated_at = ? WHERE id = ?", [new, _now(), submission_id])
    return new


def note_tx(db: Any, actor: Actor, submission_id: int, comment: str = "") -> None:
    """The deputy director notes a forwarded report (once)."""
    status, version = _current(db, submission_id)
    if status != "forwarded":
        raise Refused("submission_refused", Notice(N_("This report has not been forwarded yet")))
    done = db.execute(
        "SELECT 1 FROM submission_events WHERE submission_id = ? AND action = 'note' AND actor_id = ?",
        [submission_id, actor.id],
    ).fetchone()
    if not done:
        _event(db, submission_id, version, "note", actor, comment.strip()[:COMMENT_CHARS])


# Reading ------------------------------------------------------------------------------------------------

COLUMNS = "s.id, s.kind, s.subject, s.network_id, s.owner_id, s.period, s.title, s.status, s.version, s.due, " \
    "s.created_at, s.updated_at, u.display_name"  # fmt: skip
NAMES = ("id", "kind", "subject", "network_id", "owner_id", "period", "title", "status", "version", "due",
         "created_at", "updated_at", "owner_name")  # fmt: skip


def _networks_of(conn: Any, user_id: int) -> set[str]:
    return {r[0] for r in conn.execute("SELECT network_id FROM user_networks WHERE user_id = ?", [user_id])}


def visible(conn: Any, actor: Actor, row: dict[str, Any]) -> bool:
    """Who may read a submission: the area roles; the network's people (its deputy included); for a
    supervisor's own report, its author and the deputies of the author's networks."""
    if actor.sees_all or row["owner_id"] == actor.id:
        return True
    if row["network_id"]:
        return actor.can_see(row["network_id"])
    return actor.role in roles.DEPUTIES and bool(_networks_of(conn, row["owner_id"]) & actor.network_ids)


def get(conn: Any, actor: Actor, submission_id: int) -> dict[str, Any] | None:
    found = conn.execute(
        f"SELECT {COLUMNS} FROM submissions s LEFT JOIN users u ON u.id = s.owner_id WHERE s.id = ?",
        [submission_id],
    ).fetchone()
    if found is None:
        return None
    row = dict(zip(NAMES, found, strict=True))
    if not visible(conn, actor, row):
        return None
    row["versions"] = [
        {"version": v, "memo": msgspec.json.decode(m, type=Memo), "snapshot": msgspec.json.decode(s),
         "submitted_by": by, "submitted_at": at}
        for v, m, s, by, at in conn.execute(
            "SELECT v.version, v.memo, v.snapshot, u.display_name, v.submitted_at FROM submission_versions v "
            "LEFT JOIN users u ON u.id = v.submitted_by WHERE v.submission_id = ? ORDER BY v.version",
            [submission_id],
        )
    ]  # fmt: skip
    row["events"] = [
        {"version": v, "action": a, "who": who, "role": role, "at": at, "comment": c}
        for v, a, who, role, at, c in conn.execute(
            "SELECT e.version, e.action, u.display_name, u.role, e.at, e.comment FROM submission_events e "
            "LEFT JOIN users u ON u.id = e.actor_id WHERE e.submission_id = ? ORDER BY e.id",
            [submission_id],
        )
    ]
    return row


def find(conn: Any, kind: str, subject: str, period: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM submissions WHERE kind = ? AND subject = ? AND period = ?", [kind, subject, period]
    ).fetchone()
    return int(row[0]) if row else None


def inbox(conn: Any, actor: Actor) -> dict[str, list[dict[str, Any]]]:
    """The lists of a user's inbox: what waits for them, what they sent, what reached them."""
    rows = [
        dict(zip(NAMES, r, strict=True))
        for r in conn.execute(
            f"SELECT {COLUMNS} FROM submissions s LEFT JOIN users u ON u.id = s.owner_id "
            "ORDER BY s.updated_at DESC, s.id DESC"
        )
    ]
    rows = [r for r in rows if visible(conn, actor, r)]
    mine = [r for r in rows if r["owner_id"] == actor.id or (r["network_id"] and actor.role in roles.SUBMITTERS and actor.can_see(r["network_id"]))]  # fmt: skip
    out: dict[str, list[dict[str, Any]]] = {"to_decide": [], "returned": [], "forwarded": [], "sent": mine}
    if actor.role in roles.UNIT_DIRECTORS:
        out["to_decide"] = [r for r in rows if r["status"] == "submitted"]
    out["returned"] = [r for r in mine if r["status"] == "returned"]
    if actor.role in roles.FORWARDED_READERS:
        out["forwarded"] = [r for r in rows if r["status"] == "forwarded"]
    return out


def overdue(
    conn: Any, actor: Actor, today: dt.date, expected: list[tuple[str, str, str | None, str, str, dt.date]]
) -> list[dict[str, Any]]:
    """Expected reports (kind, subject, network id, period key, title, due date) past their due date and
    not sent, among those the actor can see."""
    sent = {(k, s, p) for k, s, p in conn.execute("SELECT kind, subject, period FROM submissions")}
    return [
        {"kind": kind, "subject": subject, "network_id": network_id, "period": period, "title": title,
         "due": due.isoformat(), "days": (today - due).days}
        for kind, subject, network_id, period, title, due in expected
        if due < today and (kind, subject, period) not in sent and (network_id is None or actor.can_see(network_id))
    ]  # fmt: skip


# Frozen figures against today's ---------------------------------------------------------------------------


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """The numbers of a snapshot by path (`coverage.observations`, `schools.49010001.visits`)."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out |= flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            key = item.get("code") or item.get("key") or str(i) if isinstance(item, dict) else str(i)
            out |= flatten(item, f"{prefix}.{key}")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        out[prefix] = value
    return out


def diff(then: Any, now: Any) -> list[dict[str, Any]]:
    """Every number that differs between the frozen figures and today's, by path."""
    a, b = flatten(then), flatten(now)
    return [
        {"path": path, "then": a.get(path), "now": b.get(path)}
        for path in sorted(a.keys() | b.keys())
        if a.get(path) != b.get(path)
    ]


# What is expected, and when ------------------------------------------------------------------------------


def expected(conn: Any, actor: Actor, today: dt.date, terms: list[Any]) -> list[tuple[Any, ...]]:
    """The reports the manual expects by now, for `overdue`: each visible network's report of the last
    finished semester; each supervisor's six-month report (20 March, 20 September) and last week's duty log
    (Friday)."""
    from server.reports import period as periods

    out: list[tuple[Any, ...]] = []
    current = periods.parse(None, terms, today)
    last_term = periods.previous_terms(current, terms, 2)[0]
    due = last_term.end + dt.timedelta(days=NETWORK_REPORT_DAYS)
    for network_id, name in conn.execute("SELECT id, name FROM networks ORDER BY id"):
        if actor.can_see(network_id):
            out.append(
                (
                    "network_report",
                    network_id,
                    network_id,
                    last_term.key,
                    f"{name} · {last_term.label()}",
                    due,
                )
            )
    half = periods.of_half(today)
    previous_half = periods.of_half(half.start - dt.timedelta(days=1))
    last_week = today - dt.timedelta(days=7)
    monday = last_week - dt.timedelta(days=last_week.weekday())
    expected = sorted(roles.EXPECTED_OWN_REPORTERS)
    marks = ",".join("?" for _ in expected)
    for user_id, name in conn.execute(
        f"SELECT id, display_name FROM users WHERE role IN ({marks}) AND active = 1", expected
    ):
        networks = _networks_of(conn, user_id)
        if not (actor.sees_all or actor.id == user_id or networks & actor.network_ids):
            continue
        for h in (previous_half, half):
            out.append(("half_year", f"user:{user_id}", None, h.key, name, h.due))
        out.append(
            ("duty_log", f"user:{user_id}", None, monday.isoformat(), name, monday + dt.timedelta(days=4))
        )
    return out
