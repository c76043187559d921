"""User accounts online (admins only): the list with roles and networks; edit, reset the password (a new
one-time password, shown once), deactivate and reactivate an account.

Accounts are added with `python -m server user add` or by importing a users file (/admin/imports)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Redirect, Template

from core.actor import Actor
from core.problems import N_
from core.roles import ADMINS, ROLES
from server import accounts
from server.access import who
from server.form_bodies import FormBody
from server.menu import MenuEntry
from server.notice import Notice, Refused
from server.pages import page


@get("/admin/users", **who(ADMINS, menu=MenuEntry(N_("Users"), order=40)))
async def users_page(request: Request[Actor, Any, Any]) -> Template:
    return await _users_page(request)


@post("/admin/users/{username:str}/deactivate", **who(ADMINS))
async def deactivate(request: Request[Actor, Any, Any], username: str) -> Template | Redirect:
    db = request.app.state.db
    user = await db.read(accounts.find, username)
    if user is None:
        raise NotFoundException()
    if user["id"] == request.user.id:
        return await _users_page(request, errors=[Notice("You cannot deactivate your own account")])
    await db.write(accounts.deactivate, username)
    return Redirect(path="/admin/users", status_code=303)


async def _existing(request: Request[Actor, Any, Any], username: str) -> dict[str, Any]:
    user = await request.app.state.db.read(accounts.find, username)
    if user is None:
        raise NotFoundException()
    return user  # type: ignore[no-any-return]


async def _users_page(request: Request[Actor, Any, Any], status: int = 200, **context: Any) -> Template:
    users = await request.app.state.db.read(accounts.list_users)
    context = {"errors": [], "issued": None, **context}
    tpl = page(request, "admin/users.html", users=users, roles=ROLES, **context)
    tpl.status_code = status
    return tpl


@post("/admin/users/{username:str}/reset", **who(ADMINS))
async def reset_password(request: Request[Actor, Any, Any], username: str) -> Template:
    """A new one-time password (48 hours, changed at first login), shown once; the account's sessions end."""
    user = await _existing(request, username)
    password = await request.app.state.db.write(accounts.reset_password, user["username"])
    return await _users_page(request, issued={"username": user["username"], "password": password})


@post("/admin/users/{username:str}/reactivate", **who(ADMINS))
async def reactivate(request: Request[Actor, Any, Any], username: str) -> Redirect:
    user = await _existing(request, username)
    await request.app.state.db.write(accounts.reactivate, user["username"])
    return Redirect(path="/admin/users", status_code=303)


class UserEdit(FormBody):
    display_name: Annotated[str, msgspec.Meta(max_length=200)]
    role: Annotated[str, msgspec.Meta(max_length=40)]
    networks: Annotated[str, msgspec.Meta(max_length=2000)] = ""


@post("/admin/users/{username:str}/edit", **who(ADMINS, form=True))
async def edit(
    request: Request[Actor, Any, Any],
    username: str,
    data: Annotated[UserEdit, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    """Name, role and networks; a changed scope reaches the user's tablets at their next pull."""
    user = await _existing(request, username)

    def change(db: Any) -> None:
        network_ids, unknown = accounts.parse_networks(data.networks, accounts.network_lookup(db))
        if unknown:
            raise Refused(
                "user_invalid", *[Notice("Unknown network: %(network)s", {"network": n}) for n in unknown]
            )
        role = accounts.parse_role(data.role) or data.role
        accounts.edit_user(db, user["username"], data.display_name, role, network_ids)

    try:
        await request.app.state.db.write(change)
    except Refused as exc:
        return await _users_page(request, 422, errors=exc.reasons)
    return Redirect(path="/admin/users", status_code=303)
