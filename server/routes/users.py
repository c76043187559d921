"""User accounts online (admins only): the list with roles and networks, and deactivating an account.

Accounts are added with `python -m server user add` or by importing a users file (/admin/imports)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from server import accounts
from server.access import ADMINS, who
from server.notice import Notice
from server.pages import page
from sync.scope import Actor


@get("/admin/users", **who(ADMINS))
async def users_page(request: Request[Actor, Any, Any]) -> Template:
    users = await request.app.state.db.read(accounts.list_users)
    return page(request, "admin/users.html", users=users, errors=[])


@post("/admin/users/{username:str}/deactivate", **who(ADMINS))
async def deactivate(request: Request[Actor, Any, Any], username: str) -> Template | Redirect:
    db = request.app.state.db
    user = await db.read(accounts.find, username)
    if user is None:
        raise NotFoundException()
    if user["id"] == request.user.id:
        users = await db.read(accounts.list_users)
        errors = [Notice("You cannot deactivate your own account")]
        return page(request, "admin/users.html", users=users, errors=errors)
    await db.write(accounts.deactivate, username)
    return Redirect(path="/admin/users", status_code=303)
