"""Who may do what: every role and every set of roles, in one place.

Routes declare their callers with these sets (`who(PLANNERS)`, server/access.py), services and templates
ask them (`actor.role in roles.SUBMITTERS`; templates get this module as `roles`). A set is named for
what its members may do; two sets with the same members but different meanings stay two sets.
"""

from __future__ import annotations

from typing import Literal

#: `director` is the unit director (ผอ.กลุ่มนิเทศฯ), who receives the networks' reports; `deputy` a deputy
#: director of the area office (รอง ผอ.สพป.), responsible for the networks linked to them (user_networks);
#: `area_director` the director of the area office (ผอ.สพป.).
Role = Literal["supervisor", "team_member", "secretary", "director", "deputy", "area_director", "admin"]
#: Every role, in the order forms and lists show them.
ROLES: tuple[Role, ...] = (
    "supervisor",
    "team_member",
    "secretary",
    "director",
    "deputy",
    "area_director",
    "admin",
)
#: Every role with a session.
SIGNED_IN: frozenset[str] = frozenset(ROLES)
#: Roles that see every network of the area office.
AREA_ROLES: frozenset[str] = frozenset({"admin", "director", "area_director"})
#: Roles that see only their own networks, so an account of them needs at least one (server/accounts.py).
NETWORK_ROLES: frozenset[str] = SIGNED_IN - AREA_ROLES

#: Roles that make records on a tablet (push, photo uploads).
OBSERVERS: frozenset[str] = frozenset({"supervisor", "team_member", "secretary", "admin"})
#: The network's supervision team: they visit schools (the plans page lists them as a network's team)
#: and keep their own weekly activity log and 6-month report.
TEAM_ROLES: frozenset[str] = frozenset({"supervisor", "team_member", "secretary"})
#: Roles with their own weekly activity log and 6-month report: the team (the routes' name for it).
OWN_REPORTERS: frozenset[str] = TEAM_ROLES
#: Roles whose duty log and 6-month report are expected, so listed as overdue when late
#: (server/submissions.py): supervisors only; the rest of the team may keep theirs without being chased.
EXPECTED_OWN_REPORTERS: frozenset[str] = frozenset({"supervisor"})
#: Roles that plan, edit and cancel visits (the routes' guard and server/plans.py).
PLANNERS: frozenset[str] = frozenset({"supervisor", "secretary", "admin", "team_member"})
#: Roles that import schools, teachers and plans from spreadsheets (users: ADMINS only).
IMPORTERS: frozenset[str] = frozenset({"secretary", "admin"})
ADMINS: frozenset[str] = frozenset({"admin"})
#: Roles that read network reports (each within the networks it can see).
REPORTERS: frozenset[str] = frozenset(
    {"supervisor", "secretary", "director", "deputy", "area_director", "admin"}
)
#: Roles that read a network's summary: the reporters and the network's school directors (the team).
NETWORK_READERS: frozenset[str] = REPORTERS | {"team_member"}
#: Roles that send a network's report up the chain (server/submissions.py) and see what their networks sent;
#: they compile what is sent, so they also enter the travel report's trip days (server/reports/trips.py).
SUBMITTERS: frozenset[str] = frozenset({"secretary", "supervisor"})
#: The unit director (ผอ.กลุ่มนิเทศฯ) receives, acknowledges or returns what is sent up.
UNIT_DIRECTORS: frozenset[str] = frozenset({"director"})
#: Deputy directors note what the unit director forwarded, and read their networks' people's own reports.
DEPUTIES: frozenset[str] = frozenset({"deputy"})
#: Roles whose inbox lists the reports the unit director acknowledged and forwarded.
FORWARDED_READERS: frozenset[str] = frozenset({"deputy", "area_director", "director", "admin"})
#: Who publishes the fiscal year's policy list (the unit director's job; the area office's director role).
POLICY_EDITORS: frozenset[str] = frozenset({"director", "admin"})
