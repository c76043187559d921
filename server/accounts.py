"""User accounts: add, update, deactivate. Pure functions over a sqlite_utils database, shared by the
command line (`python -m server user ...`), the users import (server/imports/) and the admin page.

A new account gets a generated one-time password, returned once to be handed over; only its argon2 hash
is stored. Updating an account never touches its password. Deactivating ends its sessions.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

import sqlite_utils

from core.roles import NETWORK_ROLES, ROLES
from core.sequences import next_seq
from server.auth import hash_password
from server.notice import Notice, Refused
from server.passwords import one_time_expiry

#: Thai names accepted for each role (the first is the one written on export).
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "supervisor": ("ศึกษานิเทศก์", "ศน."),
    "team_member": ("คณะผู้บริหารโรงเรียนในเครือข่าย", "ทีมเครือข่าย"),
    "secretary": ("เลขานุการเครือข่าย",),
    "director": ("ผู้อำนวยการกลุ่มนิเทศ", "ผอ.กลุ่มนิเทศ"),
    "deputy": ("รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา", "รองผู้อำนวยการ", "รอง ผอ.สพป."),
    "area_director": ("ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา", "ผอ.สพป."),
    "admin": ("ผู้ดูแลระบบ",),
}
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
#: Characters of a generated password: no look-alikes (0/O, 1/l/I), easy to read out over the phone.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 12) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


_ROLE_LOOKUP = {_key(code): code for code in ROLES} | {
    _key(name): code for code, names in ROLE_NAMES.items() for name in names
}


def parse_role(text: str) -> str | None:
    """An English role code or a Thai role name → the role code; None when unknown."""
    return _ROLE_LOOKUP.get(_key(text)) if text.strip() else None


def network_lookup(db: sqlite_utils.Database) -> dict[str, str]:
    """Network id or name, lower-cased → network id."""
    out: dict[str, str] = {}
    for net_id, name in db.execute("SELECT id, name FROM networks"):
        out[str(net_id).strip().lower()] = net_id
        out[str(name).strip().lower()] = net_id
    return out


def parse_networks(text: str, lookup: dict[str, str]) -> tuple[list[str], list[str]]:
    """`N01, N02` or network names, comma-separated → (sorted network ids, unknown tokens)."""
    ids, bad = set(), []
    for token in filter(None, (t.strip() for t in re.split(r"[,;|\n]+", text))):
        net_id = lookup.get(token.lower())
        if net_id is None:
            bad.append(token)
        else:
            ids.add(net_id)
    return sorted(ids), bad


def problems(
    username: str, display_name: str, role: str | None, network_ids: list[str], role_text: str = ""
) -> list[Notice]:
    """What is wrong with an account's fields (network names are resolved by the caller)."""
    out = []
    if not username:
        out.append(Notice("The username is empty"))
    elif not USERNAME.fullmatch(username):
        out.append(
            Notice(
                "Username %(username)s: use 2-40 lower-case letters, digits, '.', '_' or '-'",
                {"username": username},
            )
        )
    if not display_name.strip():
        out.append(Notice("The name is empty"))
    if role is None:
        out.append(Notice("Unknown role: %(role)s", {"role": role_text}))
    elif role in NETWORK_ROLES and not network_ids:
        out.append(Notice("A %(role)s needs at least one network", {"role": role}))
    return out


def find(db: sqlite_utils.Database, username: str) -> dict[str, Any] | None:
    """An account by username, with its sorted network ids; None when there is none."""
    row = db.execute(
        "SELECT id, username, display_name, role, active FROM users WHERE username = ?",
        [username.strip().lower()],
    ).fetchone()
    if row is None:
        return None
    user = dict(zip(("id", "username", "display_name", "role", "active"), row, strict=True))
    user["networks"] = networks_of(db, user["id"])
    return user


def networks_of(db: sqlite_utils.Database, user_id: int) -> list[str]:
    return sorted(
        n for (n,) in db.execute("SELECT network_id FROM user_networks WHERE user_id = ?", [user_id])
    )


def insert_user(db: sqlite_utils.Database, fields: dict[str, Any]) -> int:
    """Insert an account row with a fresh change number (tablets pull users by `seq`); returns its id."""
    return int(db.table("users").insert({**fields, "seq": next_seq(db)}).last_pk)  # type: ignore[arg-type]


def write_user(db: sqlite_utils.Database, user_id: int, **fields: Any) -> None:
    """Change an account's columns and give it a fresh change number, so tablets pull it again. Every
    write to `users` goes through here or `insert_user`."""
    names = ", ".join(f"{k} = ?" for k in fields)
    db.execute(f"UPDATE users SET {names}, seq = ? WHERE id = ?", [*fields.values(), next_seq(db), user_id])


def _set_networks(db: sqlite_utils.Database, user_id: int, network_ids: list[str]) -> None:
    db.execute("DELETE FROM user_networks WHERE user_id = ?", [user_id])
    db.table("user_networks").insert_all([{"user_id": user_id, "network_id": n} for n in network_ids])


def add_user(
    db: sqlite_utils.Database, username: str, display_name: str, role: str, network_ids: list[str]
) -> tuple[int, str]:
    """Create an active account; returns its id and the one-time password (stored only as a hash)."""
    username = username.strip().lower()
    known = set(network_lookup(db).values())
    reasons = problems(username, display_name, role if role in ROLES else None, network_ids, role)
    reasons += [Notice("Unknown network: %(network)s", {"network": n}) for n in network_ids if n not in known]
    if find(db, username) is not None:
        reasons.append(Notice("The username %(username)s is taken", {"username": username}))
    if reasons:
        raise Refused("user_invalid", *reasons)
    password = generate_password()
    user_id = insert_user(
        db,
        {
            "username": username,
            "display_name": display_name.strip(),
            "password_hash": hash_password(password),
            "password_expires_at": one_time_expiry(dt.datetime.now(dt.UTC)),
            "must_change": 1,
            "role": role,
            "active": 1,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
        },
    )
    _set_networks(db, user_id, sorted(set(network_ids)))
    return user_id, password


def update_user(
    db: sqlite_utils.Database, user_id: int, display_name: str, role: str, network_ids: list[str]
) -> None:
    """Change name, role and networks; the password and the sessions stay."""
    write_user(db, user_id, display_name=display_name, role=role)
    _set_networks(db, user_id, sorted(set(network_ids)))


def deactivate(db: sqlite_utils.Database, username: str) -> int:
    """Make the account unable to log in and end its sessions; returns how many sessions ended."""
    user = _existing(db, username)
    write_user(db, user["id"], active=0)
    return int(db.execute("DELETE FROM sessions WHERE user_id = ?", [user["id"]]).rowcount)


def _existing(db: sqlite_utils.Database, username: str) -> dict[str, Any]:
    user = find(db, username)
    if user is None:
        raise Refused("user_not_found", Notice("No user %(username)s", {"username": username}))
    return user


def reset_password(db: sqlite_utils.Database, username: str) -> str:
    """A new one-time password (48 hours, to be changed at the first login); the account's sessions end.
    Returns the password, shown once."""
    user = _existing(db, username)
    password = generate_password()
    expires = one_time_expiry(dt.datetime.now(dt.UTC))
    db.execute(
        "UPDATE users SET password_hash = ?, password_expires_at = ?, must_change = 1 WHERE id = ?",
        [hash_password(password), expires, user["id"]],
    )
    db.execute("DELETE FROM sessions WHERE user_id = ?", [user["id"]])
    return password


def reactivate(db: sqlite_utils.Database, username: str) -> None:
    """Let a deactivated account log in again (with its old password; reset it when that is lost)."""
    write_user(db, _existing(db, username)["id"], active=1)


def edit_user(
    db: sqlite_utils.Database,
    username: str,
    display_name: str | None,
    role: str | None,
    network_ids: list[str] | None,
) -> dict[str, Any]:
    """Change what is given of name, role and networks, checked like a new account; returns the account."""
    user = _existing(db, username)
    name = user["display_name"] if display_name is None else display_name
    new_role = user["role"] if role is None else role
    nets = user["networks"] if network_ids is None else network_ids
    known = set(network_lookup(db).values())
    reasons = problems(user["username"], name, new_role if new_role in ROLES else None, nets, new_role)
    reasons += [Notice("Unknown network: %(network)s", {"network": n}) for n in nets if n not in known]
    if reasons:
        raise Refused("user_invalid", *reasons)
    update_user(db, user["id"], name.strip(), new_role, nets)
    return _existing(db, username)


def list_users(db: sqlite_utils.Database, *, active_only: bool = False) -> list[dict[str, Any]]:
    users = []
    for user_id, username, name, role, active in db.execute(
        "SELECT id, username, display_name, role, active FROM users "
        + ("WHERE active = 1 " if active_only else "")
        + "ORDER BY username"
    ):
        users.append(
            {
                "id": user_id,
                "username": username,
                "display_name": name,
                "role": role,
                "active": active,
                "networks": networks_of(db, user_id),
            }
        )
    return users
