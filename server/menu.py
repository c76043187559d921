"""The main menu, built from the routes' own declarations.

A page that belongs in the menu says so next to who may call it:
`@get("/plans", **who(SIGNED_IN, menu=MenuEntry(N_("Visit plans"), order=100)))`. At start-up
`from_routes(app.routes)` collects those entries once; each page shows the entries whose route lets the
user's role in (`for_role`), so the menu can never offer a page the guard refuses, nor hide one it allows
(tests/server/test_menu.py calls every link as every role).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import msgspec

#: The roles of a route anyone may call (server/access.py's PUBLIC; not imported: access imports this module).
PUBLIC = "public"


class MenuEntry(msgspec.Struct, frozen=True):
    """A route's place in the menu: its label (an English msgid, shown translated), its group ("main": the
    pages, before the language switch; "account": after it) and its order within the group."""

    label: str
    order: int
    group: Literal["main", "account"] = "main"


class MenuLink(msgspec.Struct, frozen=True):
    path: str
    label: str
    group: str
    order: int
    roles: frozenset[str]


class Menu(msgspec.Struct, frozen=True):
    """The menu links in order, and who may open each GET page (for links inside pages: `may(path)`)."""

    links: list[MenuLink]
    pages: dict[str, frozenset[str] | str]

    def for_role(self, role: str) -> list[MenuLink]:
        return [link for link in self.links if role in link.roles]

    def may(self, role: str, path: str) -> bool:
        """Whether `role` may GET the page at this route path (a template such as `/plans/new`)."""
        roles = self.pages.get(path, ())
        return roles == PUBLIC or role in roles


def from_routes(routes: Iterable[Any]) -> Menu:
    """The menu of the app's routes: every GET route that declares a menu entry, in menu order."""
    links, pages = [], {}
    for route in routes:
        for handler in getattr(route, "route_handlers", ()):
            if "GET" not in handler.http_methods:
                continue
            pages[route.path] = handler.opt.get("roles", ())
            entry = handler.opt.get("menu")
            if isinstance(entry, MenuEntry):
                links.append(
                    MenuLink(route.path, entry.label, entry.group, entry.order, handler.opt["roles"])
                )
    return Menu(sorted(links, key=lambda link: (link.group != "main", link.order)), pages)
