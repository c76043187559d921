"""The form lifecycle, as in ODK Central, and who a form is offered to.

A form uploaded for the first time is a **draft**: an admin can open and try it, no tablet is offered it
and its page is not precached. **Published**: offered on the home screen of the users of its networks
and roles (all of them when none are chosen). **Closing**: no longer offered, so no new records are
started, but the records already started on tablets still sync. **Closed**: the server takes no more
records of it (a push is answered `form_closed`). A form without a row here (the built-in tools) is
published to everyone. The state belongs to the form, not to one version: a new version keeps it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

import msgspec
import sqlite_utils

from core.actor import Actor
from core.problems import N_
from core.roles import SIGNED_IN
from forms.model import FormDef
from sync.apply import CLOSED

State = Literal["draft", "published", "closing", "closed"]
#: The moves an admin may make; a draft is never returned to.
MOVES: dict[str, tuple[State, ...]] = {
    "draft": ("published",),
    "published": ("closing", "closed"),
    "closing": ("published", "closed"),
    "closed": ("published", "closing"),
}
STATE_NAMES = {
    "draft": N_("Draft"),
    "published": N_("Published"),
    "closing": N_("Closing"),
    "closed": N_("Closed"),
}


class FormState(msgspec.Struct, frozen=True, kw_only=True):
    form_id: str
    state: State = "published"
    #: Networks and roles the form is offered to; empty: every one.
    networks: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    def offered_to(self, actor: Actor | None) -> bool:
        """Is the form on this user's home screen (new records may be started)?"""
        if self.state != "published" or actor is None:
            return False
        in_network = not self.networks or actor.sees_all or bool(actor.network_ids & set(self.networks))
        return in_network and (not self.roles or actor.role in self.roles)

    @property
    def takes_records(self) -> bool:
        """Does the server take pushed records of it (closing: drafts already started still sync)?"""
        return self.state in ("published", "closing")


class LifecycleError(ValueError):
    """A move that is not allowed; the message is a msgid."""


def load_states(db: sqlite_utils.Database) -> dict[str, FormState]:
    return {
        form_id: FormState(
            form_id=form_id, state=state, networks=tuple(json.loads(networks)), roles=tuple(json.loads(roles))
        )
        for form_id, state, networks, roles in db.execute(
            "SELECT form_id, state, networks, roles FROM form_states"
        )
    }


def state_of(states: dict[str, FormState], form_id: str) -> FormState:
    return states.get(form_id) or FormState(form_id=form_id)


def form_lookup(app_state: Any, form_id: str, version: int) -> FormDef | None:
    """The form version a pushed record follows, or sync.apply.CLOSED for a form that takes no records."""
    form: FormDef | None = app_state.forms.get((form_id, version))
    if form is not None and not state_of(app_state.form_states, form_id).takes_records:
        return CLOSED
    return form


def start_as_draft(db: sqlite_utils.Database, form_id: str, by: str) -> None:
    """A form uploaded for the first time starts as a draft; a new version of a known form keeps its state."""
    known = db.execute("SELECT 1 FROM form_versions WHERE form_id = ?", [form_id]).fetchone()
    if known is None:
        _write(db, FormState(form_id=form_id, state="draft"), by)


def change(
    db: sqlite_utils.Database,
    form_id: str,
    state: str,
    networks: list[str],
    roles: list[str],
    by: str,
) -> FormState:
    """Move a form to `state` and set who it is offered to; raises LifecycleError."""
    if db.execute("SELECT 1 FROM form_versions WHERE form_id = ?", [form_id]).fetchone() is None:
        raise LifecycleError(N_("There is no such form"))
    current = state_of(load_states(db), form_id)
    if state != current.state and state not in MOVES[current.state]:
        raise LifecycleError(N_("This form cannot move to that state"))
    known = {row[0] for row in db.execute("SELECT id FROM networks")}
    if not set(networks) <= known or not set(roles) <= SIGNED_IN:
        raise LifecycleError(N_("Choose networks and roles from the lists"))
    new = FormState(
        form_id=form_id,
        state=state,
        networks=tuple(sorted(networks)),
        roles=tuple(sorted(roles)),
    )
    _write(db, new, by)
    return new


def _write(db: sqlite_utils.Database, state: FormState, by: str) -> None:
    db.table("form_states").upsert(
        {
            "form_id": state.form_id,
            "state": state.state,
            "networks": json.dumps(list(state.networks)),
            "roles": json.dumps(list(state.roles)),
            "changed_at": dt.datetime.now(dt.UTC).isoformat(),
            "changed_by": by,
        },
        pk="form_id",
    )
