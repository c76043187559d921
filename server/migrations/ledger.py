"""The ledger the migrations register with, in the order their modules are imported (server/migrations/__init__.py)."""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("nithet")
