"""The published forms of the demo database, as the server looks them up."""

from __future__ import annotations

from typing import Any

import pytest
import sqlite_utils

from server.reference import load_forms


@pytest.fixture
def forms(demo_db: sqlite_utils.Database) -> Any:
    catalog = load_forms(demo_db)
    return lambda form_id, version: catalog.get((form_id, version))
