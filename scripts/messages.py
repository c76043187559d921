"""Refresh the Thai catalog from the sources: extract every msgid, keep existing translations, list gaps.

Usage: python scripts/messages.py [--check]   (--check: exit 1 when a msgid has no Thai translation)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "server" / "locale" / "th" / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        subprocess.run(
            [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_", "-k", "_", "-k", "Notice",
             "--no-location", "--omit-header", "--sort-output", "-o", str(pot), "."],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        with pot.open("rb") as f:
            return read_po(f)


def main() -> int:
    template = extract()
    with PO.open("rb") as f:
        catalog = read_po(f, locale="th")
    if "--check" not in sys.argv:
        catalog.update(template, no_fuzzy_matching=True)
        with PO.open("wb") as f:
            write_po(f, catalog, omit_header=False, no_location=True, sort_output=True, width=120)
    missing = [m.id for m in template if m.id and not (catalog.get(m.id) and catalog.get(m.id).string)]
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
