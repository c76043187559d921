"""Who signs a document going up the chain, from the accounts: the person who prepares it (the user who
prints it), the unit director (ผอ.กลุ่มนิเทศฯ) who receives it and, for a network's documents, the deputy
director (รอง ผอ.สพป.) responsible for that network. A signer the accounts cannot name (none, or more
than one candidate) is printed as blank lines to write on, never guessed."""

from __future__ import annotations

from typing import Any

import msgspec

from core.actor import Actor
from server.accounts import ROLE_NAMES


class Signer(msgspec.Struct, frozen=True):
    """A signature block: the name in brackets under the signature and the position below it."""

    name: str = ""
    position: str = ""


def position(role: str) -> str:
    """The official position printed for a role (the first Thai name of accounts.ROLE_NAMES)."""
    return ROLE_NAMES.get(role, ("",))[0]


def _only(conn: Any, sql: str, args: list[Any]) -> str:
    names = [r[0] for r in conn.execute(sql, args).fetchall()]
    return names[0] if len(names) == 1 else ""


def _director(conn: Any) -> Signer:
    name = _only(conn, "SELECT display_name FROM users WHERE role = 'director' AND active = 1", [])
    return Signer(name, position("director"))


def _deputy(conn: Any, network_id: str | None) -> Signer:
    name = _only(
        conn,
        "SELECT u.display_name FROM users u JOIN user_networks n ON n.user_id = u.id "
        "WHERE u.role = 'deputy' AND u.active = 1 AND n.network_id = ?",
        [network_id],
    )
    return Signer(name, position("deputy"))


def of(conn: Any, actor: Actor, network_id: str | None = None) -> dict[str, Signer]:
    """`preparer`, `director` and, with a network, `deputy`: each a Signer, its name blank when unknown.
    The unit director (or deputy) who prepares a document signs it once, as the one who prepared it."""
    out = {"preparer": Signer(actor.display_name, position(actor.role)), "director": _director(conn)}
    if network_id is not None:
        out["deputy"] = _deputy(conn, network_id)
    out.pop(actor.role, None)
    return out


#: The steps of the chain that name who signed for the unit director and for the deputy director.
SIGNED_BY = {"acknowledge": "director", "order": "director", "return": "director", "note": "deputy"}


def of_sent(conn: Any, row: dict[str, Any], sent: dict[str, Any]) -> dict[str, Signer]:
    """A sent report (server/submissions.py), whoever prints it: its memo's signer prepared it; the unit
    director and the deputy director are those who decided on this version, else as the accounts name
    them (a supervisor's own report has no network: its deputy is left blank)."""
    memo = sent["memo"]
    out = {"preparer": Signer(memo.signer, memo.position), "director": _director(conn),
           "deputy": _deputy(conn, row["network_id"])}  # fmt: skip
    for event in row["events"]:
        key = SIGNED_BY.get(event["action"])
        if key and event["version"] == sent["version"] and event["who"]:
            out[key] = Signer(event["who"], position(key))
    return out
