"""Reference data in and out: schools, teachers and user accounts from XLSX or CSV, checked row by row
before anything is written, applied in one transaction, and undoable; exports in the same shapes.

The flow, one module per step:
- `reading`: bytes → header and rows of text, and the encoding found (`server/spreadsheets.py` reads the
  file in bounded memory and time);
- `columns`: which header holds which column (Thai and English names, aliases);
- `grades`: grades and learning areas as people write them;
- `checks`: `parse` reads a file and `check`s every row (a report per row; nothing written);
- `batches`: `stage_tx` (a valid file becomes a pending batch) → `apply_tx` (checked again, then written
  through `server.reference.upsert` with the rows it replaces kept) → `undo_tx` (puts them back);
- `export`: the same shapes out, for `server/spreadsheets.py` to write.

Users (admins only) go through `server.accounts`: a file never carries passwords; each new account gets a
one-time password, returned once in the applied report and stored only as its argon2 hash; an existing
account's name, role and networks are updated, its password never. Undo deactivates the accounts the
import added and restores the ones it changed.
"""

from __future__ import annotations

from server.imports.batches import apply_tx, last_applied, stage_tx, undo_tx
from server.imports.checks import Report, parse
from server.imports.columns import Kind
from server.imports.export import export_rows
from server.imports.grades import parse_grades
from server.imports.reading import read_table

__all__ = [
    "Kind",
    "Report",
    "apply_tx",
    "export_rows",
    "last_applied",
    "parse",
    "parse_grades",
    "read_table",
    "stage_tx",
    "undo_tx",
]
