"""The nesting-depth check on raw bytes (sync/depth.py) agrees with the depth of the decoded value, whatever
brackets, quotes and backslashes the strings hold."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from sync.depth import depth_exceeds

TEXT = st.text(alphabet=st.sampled_from('[]{}"\\/ กข\n\u200ba'), max_size=8)
VALUES = st.recursive(
    st.none() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=40,
)


def depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


@given(value=VALUES, limit=st.integers(0, 8))
def test_the_byte_check_agrees_with_the_decoded_depth(value, limit):
    assert depth_exceeds(msgspec.json.encode(value), limit) == (depth(value) > limit)
