"""The menu is built from the routes' declarations (server/menu.py): as each role's user sees it over real
HTTP, every link opens, and every page the role may open is in the menu or one click from a menu page."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from server.access import PUBLIC
from server.app import create_app
from server.config import Settings

#: One user of each role, from the demo data the test servers start with.
USERS = {
    "admin": "admin",
    "director": "director",
    "deputy": "deputy1",
    "area_director": "areadirector",
    "secretary": "secretary1",
    "supervisor": "supervisor1",
    "team_member": "team1",
}
#: Pages a role may open that are deliberately not reachable from the menu, and why.
NOT_IN_MENU = {
    "/notebook": "opened from a reflection record on the tablet (?reflection=<id>)",
    "/handover": "opened from an observation on the tablet (?record=<id>) to show its QR code",
    "/reports/area/print": "the print view of the area report, linked from /reports/area",
}


class Links(HTMLParser):
    """The hrefs of a page, and separately those inside the main menu (<nav id="main-menu">)."""

    def __init__(self) -> None:
        super().__init__()
        self.menu: list[str] = []
        self.all: list[str] = []
        self._in_menu = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "nav" and values.get("id") == "main-menu":
            self._in_menu = True
        if tag == "a" and values.get("href"):
            href = str(values["href"])
            self.all.append(href)
            if self._in_menu and not href.startswith("/lang/"):
                self.menu.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_menu = False


def links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def pages_callable_by(role: str) -> set[str]:
    """Top-level GET pages (no path parameter) the routes let this role call: not the API, not public."""
    app = create_app(Settings(db_path=Path("/nonexistent/never-opened.db"), secret_key="x" * 40))
    found = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            roles = handler.opt.get("roles")
            if "GET" not in handler.http_methods or roles == PUBLIC or handler.include_in_schema:
                continue
            if "{" not in route.path and role in roles:
                found.add(route.path)
    return found


@pytest.mark.parametrize("role", USERS)
def test_every_menu_link_opens_and_every_page_is_reachable(
    role: str, login: Callable[[str], httpx.Client]
) -> None:
    """(a) every link of the menu a user of this role sees answers 200 to them; (b) every page the routes let
    the role open is in that menu or linked from a page of it (or deliberately left out: NOT_IN_MENU)."""
    client = login(USERS[role])
    menu = links(client.get("/").text).menu
    assert menu[0] == "/" and "/account/password" in menu, menu
    reachable = set(menu)
    for href in menu:
        r = client.get(href)
        assert r.status_code == 200, (role, href, r.status_code)
        reachable |= {urlsplit(h).path for h in links(r.text).all}
    missing = pages_callable_by(role) - reachable - NOT_IN_MENU.keys()
    assert not missing, (role, sorted(missing))


def test_the_exceptions_are_real_pages() -> None:
    assert NOT_IN_MENU.keys() <= pages_callable_by("admin")


def test_the_menu_keeps_its_order_and_wording(login: Callable[[str], httpx.Client]) -> None:
    """The admin's menu, in Thai, as it was written by hand before it was built from the routes."""
    html = login("admin").get("/").text
    menu = links(html).menu
    assert menu == [
        "/", "/observations", "/admin/forms", "/admin/users", "/admin/terms", "/admin/office", "/admin/coordinates",
        "/admin/policies", "/reports", "/submissions", "/plans", "/admin/imports", "/account/password",
    ]  # fmt: skip
    for thai in ("วันนี้", "แผนการนิเทศ", "โรงเรียนและครู", "รายงานเสนอตามลำดับ", "เปลี่ยนรหัสผ่าน"):
        assert f">{thai}</a>" in html, thai


def test_a_link_the_guard_refuses_is_not_shown(login: Callable[[str], httpx.Client]) -> None:
    """The director may not plan a visit (PLANNERS), so the plans page offers no "plan a visit" button;
    the network's school director (team) may, and is offered it."""
    assert "/plans/new" not in login("director").get("/plans").text
    assert login("director").get("/plans/new").status_code == 403
    team = login("team1")
    assert "/plans/new?network=" in team.get("/plans").text
    assert team.get("/plans/new?network=N01").status_code == 200
