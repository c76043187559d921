"""The policy lists of the area office: the unit director publishes a fiscal year's list (code, title,
indicator and the kind of its value) on /admin/policies; each list becomes a new version of the policy
form, built from the newest built-in definition as a template, published like any form version and
pulled by tablets. A published list, like a published form version, never changes: a correction is a
new list id (e.g. 2569-2)."""

from __future__ import annotations

import datetime as dt
import re

import msgspec
import sqlite_utils

from forms.loader import DEFINITIONS, DefinitionError, policy_form
from forms.model import INDICATOR_KINDS, FormDef, Label, Policy, PolicyList
from server.reference import publish_form

TEMPLATE = DEFINITIONS / "policy.toml"
LIST_ID = re.compile(r"^[0-9][0-9a-z_-]{0,39}$")


class PolicyRow(msgspec.Struct, kw_only=True):
    """One row of the admin page's table, as typed (Thai; English optional)."""

    code: str = ""
    name: str = ""
    indicator: str = ""
    kind: str = "percent"
    evidence: str = ""


def from_rows(list_id: str, label: str, rows: list[PolicyRow]) -> PolicyList:
    """A policy list from the page's rows (blank rows skipped); raises DefinitionError naming the row."""
    list_id = list_id.strip()
    if not LIST_ID.match(list_id):
        raise DefinitionError("policy list", "id", "the list id is a fiscal year such as 2569")
    policies = []
    for number, row in enumerate(rows, start=1):
        if not (row.code.strip() or row.name.strip() or row.indicator.strip()):
            continue
        if row.kind not in INDICATOR_KINDS:
            raise DefinitionError("policy list", f"row {number}", "choose the kind of the indicator")
        policies.append(
            Policy(
                code=row.code.strip().lower(),
                name=Label(row.name.strip()),
                indicator=Label(row.indicator.strip()),
                kind=row.kind,
                evidence=Label(row.evidence.strip()),
            )
        )
    title = label.strip() or f"นโยบายที่ติดตาม ปีงบประมาณ {list_id}"
    return PolicyList(
        id=list_id, label=Label(title, f"Policies followed up, {list_id}"), policies=tuple(policies)
    )


def published(db: sqlite_utils.Database) -> list[dict[str, object]]:
    """The lists published so far, newest first, with their policies decoded."""
    rows = db.execute(
        "SELECT id, label, policies, form_version, published_at FROM policy_lists ORDER BY form_version DESC"
    ).fetchall()
    return [
        {"id": i, "label": label, "policies": msgspec.json.decode(p, type=tuple[Policy, ...]),
         "form_version": v, "published_at": at}
        for i, label, p, v, at in rows
    ]  # fmt: skip


def publish(db: sqlite_utils.Database, policies: PolicyList, user_id: int | None) -> FormDef:
    """Build the next policy form version from the list, check it, publish it and keep the list."""
    if db.execute("SELECT 1 FROM policy_lists WHERE id = ?", [policies.id]).fetchone():
        raise DefinitionError("policy list", "id", f"list {policies.id} is already published; use a new id")
    last = db.execute("SELECT max(version) FROM form_versions WHERE form_id = 'policy'").fetchone()[0] or 0
    form = policy_form(TEMPLATE.read_text("utf-8"), policies, last + 1)
    publish_form(db, form)
    db.table("policy_lists").insert(
        {
            "id": policies.id,
            "label": policies.label.th,
            "policies": msgspec.json.encode(policies.policies).decode(),
            "form_version": form.version,
            "published_at": dt.datetime.now(dt.UTC).isoformat(),
            "published_by": user_id,
        }
    )
    return form
