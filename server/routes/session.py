"""Logging in and out, and the language switch."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Response, Template

from core.actor import Actor
from core.problems import N_, problem
from core.roles import SIGNED_IN
from server.access import PUBLIC, who
from server.auth import (
    SIGNED_IN_COOKIE,
    change_password,
    check_credentials,
    create_session,
    end_session,
    login_keys,
    password_ok,
    session_csrf_token,
)
from server.i18n import _, pick
from server.menu import MenuEntry
from server.notice import Refused
from server.pages import page
from server.passwords import MIN_LENGTH
from server.passwords import problems as password_problems


class LoginForm(msgspec.Struct):
    username: Annotated[str, msgspec.Meta(max_length=100)]
    password: Annotated[str, msgspec.Meta(max_length=200)]
    next: str = "/"


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@get("/login", exclude_from_auth=True, sync_to_thread=False, **who(PUBLIC))
def login_page(request: Request[Any, Any, Any], next: str = "/") -> Template:
    return page(request, "login.html", next=_safe_next(next), error=None)


@post("/login", exclude_from_auth=True, **who(PUBLIC, api=True))
async def login(
    request: Request[Any, Any, Any],
    data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any]:
    state = request.app.state
    keys = login_keys(data.username, request.client.host if request.client else "")

    def refused(error: str, status: int) -> Response[Any]:
        tpl = page(request, "login.html", next=_safe_next(data.next), error=error)
        tpl.status_code = status
        return tpl

    if any(state.limiter.blocked(k) for k in keys):
        return refused(_("Too many attempts; wait a minute and try again"), 429)
    try:
        user_id = await state.db.read(check_credentials, data.username, data.password)
    except Refused as exc:  # a one-time password past its 48 hours
        return refused(_(problem(exc.code).title), 401)
    if user_id is None:
        for k in keys:
            state.limiter.failed(k)
        return refused(_("Wrong username or password"), 401)
    state.limiter.succeeded(keys[0])
    settings = state.settings
    previous = request.cookies.get(settings.session_cookie)
    if previous:  # someone logged out offline on this browser, or logs in over another user: end that session
        await state.db.write(end_session, previous)
    token = await state.db.write(create_session, user_id, settings.session_hours)
    response: Response[Any] = Redirect(path=_safe_next(data.next), status_code=303)
    lifetime = {
        "samesite": "lax",
        "secure": settings.secure_cookies,
        "max_age": settings.session_hours * 3600,
    }
    response.set_cookie(settings.session_cookie, token, httponly=True, **lifetime)
    # The CSRF token of this session (server/auth.py): one from before the login no longer works.
    csrf = session_csrf_token(token, settings.secret_key)
    response.set_cookie(
        settings.csrf_cookie, csrf, httponly=False, samesite="lax", secure=settings.secure_cookies
    )
    # Not secret: tells the tablet's pages whose data they may open (pwa/static/js/accounts.js).
    response.set_cookie(SIGNED_IN_COOKIE, str(user_id), httponly=False, **lifetime)
    return response


@post("/logout", **who(SIGNED_IN))
async def logout(request: Request[Any, Any, Any]) -> Response[Any]:
    settings = request.app.state.settings
    token = request.cookies.get(settings.session_cookie)
    if token:
        await request.app.state.db.write(end_session, token)
    response: Response[Any] = Redirect(path="/login", status_code=303)
    response.delete_cookie(settings.session_cookie)
    response.delete_cookie(SIGNED_IN_COOKIE)
    return response


@get("/lang/{code:str}", exclude_from_auth=True, sync_to_thread=False, **who(PUBLIC))
def set_language(code: str, next: str = "/") -> Response[Any]:
    response: Response[Any] = Redirect(path=_safe_next(next))
    response.set_cookie("lang", pick(code), max_age=3600 * 24 * 365, samesite="lax")
    return response


class PasswordForm(msgspec.Struct):
    old: Annotated[str, msgspec.Meta(max_length=200)]
    new: Annotated[str, msgspec.Meta(max_length=200)]
    confirm: Annotated[str, msgspec.Meta(max_length=200)]


@get(
    "/account/password",
    sync_to_thread=False,
    **who(SIGNED_IN, menu=MenuEntry(N_("Change password"), order=10, group="account")),
)
def password_page(request: Request[Actor, Any, Any]) -> Template:
    return page(request, "account/password.html", error=None, changed=False, min_length=MIN_LENGTH)


@post("/account/password", **who(SIGNED_IN, form=True))
async def change_password_route(
    request: Request[Actor, Any, Any],
    data: Annotated[PasswordForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template:
    """The old password is required; every other session of the user ends (this one stays)."""
    state, user = request.app.state, request.user
    key = f"password|{user.id}"

    def answer(error: str | None, status: int) -> Template:
        tpl = page(
            request, "account/password.html", error=error, changed=error is None, min_length=MIN_LENGTH
        )
        tpl.status_code = status
        return tpl

    if state.limiter.blocked(key):
        return answer(_("Too many attempts; wait a minute and try again"), 429)
    if not await state.db.read(password_ok, user.id, data.old):
        state.limiter.failed(key)
        return answer(_("The current password is wrong"), 401)
    if data.new != data.confirm:
        return answer(_("The new passwords do not match"), 422)
    if reasons := password_problems(data.new, user.username):
        return answer(" ".join(str(r) for r in reasons), 422)
    state.limiter.succeeded(key)
    await state.db.write(
        change_password, user.id, data.new, request.cookies.get(state.settings.session_cookie, "")
    )
    return answer(None, 200)
