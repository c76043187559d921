"""The role sets: made of real roles, and the relations the routes and the account rules rely on."""

from __future__ import annotations

from core import roles
from core.actor import Actor

SETS = {name: value for name, value in vars(roles).items() if name.isupper() and isinstance(value, frozenset)}


def test_every_set_is_made_of_known_roles():
    # A misspelt role in a set would silently lock its holders out.
    assert {name: sorted(s - roles.SIGNED_IN) for name, s in SETS.items() if s - roles.SIGNED_IN} == {}
    assert len(roles.ROLES) == len(roles.SIGNED_IN) == 7


def test_a_network_role_is_every_role_that_does_not_see_the_whole_area():
    assert {"supervisor", "team_member", "secretary", "deputy"} == roles.NETWORK_ROLES
    assert not roles.NETWORK_ROLES & roles.AREA_ROLES


def test_the_area_roles_see_every_network_and_the_others_only_theirs():
    for role in roles.ROLES:
        actor = Actor(id=1, username="u", display_name="u", role=role, network_ids=frozenset({"N01"}))
        assert actor.can_see("N01")
        assert actor.can_see("N02") == (role in roles.AREA_ROLES)
        assert not actor.can_see(None) or role in roles.AREA_ROLES


def test_the_network_readers_are_the_reporters_and_the_team():
    assert {"team_member"} == roles.NETWORK_READERS - roles.REPORTERS
    assert roles.OWN_REPORTERS is roles.TEAM_ROLES
