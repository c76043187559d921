"""Build Sarabun's Thai files for paper from the pinned ones, so that a PDF's text layer is right.

HarfBuzz (under Pango in WeasyPrint, and in Chromium) always splits SARA AM (ำ) into NIKHAHIT + SARA AA
and moves NIKHAHIT in front of a tone mark; the three glyphs then share one cluster. A PDF maps each glyph
to one text (its ToUnicode entry), so the SARA AA glyph cannot say both "า" and "ำ", and a tone mark in
that cluster is lost: copied text read อาเภอ, นำ for น้ำ (docs/adr/0007-thai-text-layer.md).

This adds one ligature lookup at the end of the Thai ``ccmp`` feature that joins the pieces again into
one glyph per cluster: NIKHAHIT + SARA AA → the font's own ``uni0E33``, and (tone mark + NIKHAHIT, a
ligature Sarabun already makes) + SARA AA → a new composite glyph drawn from the same parts. Every glyph
then stands for exactly one text, and the drawing is unchanged.

Usage::

    python scripts/print_fonts.py           # write pwa/static/fonts/print/*.woff2
    python scripts/print_fonts.py --check   # exit 1 when the files on disk differ from a fresh build
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import otTables
from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "pwa" / "static" / "fonts"
VERSION = "5.3.0"
WEIGHTS = (400, 700)
SARA_AA = "uni0E32"
TONES = ("uni0E48", "uni0E49", "uni0E4A", "uni0E4B")
BASE_CLASS, MARK_CLASS = 1, 3  # GDEF glyph classes
XY_OFFSETS, MY_METRICS = 0x0002, 0x0200  # glyf component flags: x/y are offsets; this part's advance
MARK_SHIFT = 150  # font units (1/1000 em): how far a mark's drawing moves right of its origin
MARK_ADVANCE = 250  # its width in the PDF (HarfBuzz lays marks out with none, so the page is unchanged)


def source(weight: int) -> Path:
    return FONTS / f"sarabun-thai-{weight}-{VERSION}.woff2"


def target(weight: int) -> Path:
    return FONTS / "print" / f"sarabun-thai-print-{weight}-{VERSION}.woff2"


def _joins(font: TTFont) -> dict[str, str]:
    """{first piece: joined glyph} for every (piece + SARA AA) this font must join."""
    joins = {"uni0E4D": "uni0E33", "uni0E4D.narrow": "uni0E33.narrow"}
    for tone in TONES:
        for suffix in ("", ".narrow"):
            joins[f"uni0E4D{tone[3:]}{suffix}"] = f"{tone}0E33{suffix}"
    order = set(font.getGlyphOrder())
    return {piece: joined for piece, joined in joins.items() if piece in order}


def _add_composite(font: TTFont, name: str, piece: str) -> None:
    """`name` = `piece` over SARA AA, both at the origin (as Sarabun draws its own uni0E33)."""
    glyf, hmtx = font["glyf"], font["hmtx"]
    glyph = Glyph()
    glyph.components = []
    for part, x, flags in ((piece, -MARK_SHIFT, XY_OFFSETS), (SARA_AA, 0, XY_OFFSETS | MY_METRICS)):
        component = GlyphComponent()
        component.glyphName, component.x, component.y, component.flags = part, x, 0, flags
        glyph.components.append(component)
    glyph.numberOfContours = -1
    glyf[name] = glyph
    glyph.recalcBounds(glyf)
    hmtx[name] = (hmtx[SARA_AA][0], glyph.xMin)


def _move_marks(font: TTFont) -> None:
    """Draw every mark glyph MARK_SHIFT units right of its origin (anchors too, so the page is unchanged)
    and give it MARK_ADVANCE in the PDF: its origin then falls inside the consonant it sits on, before
    the next letter, and a text extractor keeps the letters in their order (docs/adr/0005)."""
    classes = font["GDEF"].table.GlyphClassDef.classDefs
    marks = sorted(name for name, cls in classes.items() if cls == MARK_CLASS)
    glyf, hmtx = font["glyf"], font["hmtx"]
    for name in marks:
        glyph = glyf[name]
        if not glyph.isComposite() and glyph.numberOfContours > 0:
            coordinates = glyph.getCoordinates(glyf)[0]
            coordinates.translate((MARK_SHIFT, 0))
            glyph.recalcBounds(glyf)
    for name in marks:
        glyf[name].recalcBounds(glyf)
        hmtx[name] = (MARK_ADVANCE, getattr(glyf[name], "xMin", 0))

    anchors: dict[int, otTables.Anchor] = {}  # by identity: a shared anchor moves once
    for lookup in font["GPOS"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            if isinstance(table, otTables.MarkBasePos):  # the marks' own anchors
                anchors.update((id(r.MarkAnchor), r.MarkAnchor) for r in table.MarkArray.MarkRecord)
            elif isinstance(table, otTables.MarkMarkPos):  # ... and those of the marks others sit on
                anchors.update((id(r.MarkAnchor), r.MarkAnchor) for r in table.Mark1Array.MarkRecord)
                for record in table.Mark2Array.Mark2Record:
                    anchors.update((id(a), a) for a in record.Mark2Anchor if a is not None)
    for anchor in anchors.values():
        anchor.XCoordinate += MARK_SHIFT


def build(weight: int) -> bytes:
    font = TTFont(source(weight), recalcTimestamp=False)
    joins = _joins(font)
    order = font.getGlyphOrder()
    new = [joined for joined in joins.values() if joined not in order]
    font.setGlyphOrder([*order, *new])
    for piece, joined in joins.items():
        if joined in new:
            _add_composite(font, joined, piece)
        font["GDEF"].table.GlyphClassDef.classDefs[joined] = BASE_CLASS
    font["maxp"].numGlyphs = len(font.getGlyphOrder())
    _move_marks(font)
    font["post"].formatType = 3.0  # the glyph names are not needed in a PDF and post 2 would list them

    ligatures = otTables.LigatureSubst()
    ligatures.ligatures = {}
    for piece, joined in joins.items():
        ligature = otTables.Ligature()
        ligature.Component, ligature.LigGlyph, ligature.CompCount = [SARA_AA], joined, 2
        ligatures.ligatures[piece] = [ligature]
    lookup = otTables.Lookup()
    lookup.LookupType, lookup.LookupFlag, lookup.SubTable = 4, 0, [ligatures]
    lookup.SubTableCount = 1
    gsub = font["GSUB"].table
    gsub.LookupList.Lookup.append(lookup)
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    index = len(gsub.LookupList.Lookup) - 1
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":
            record.Feature.LookupListIndex.append(index)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16) and "Print" not in str(record):
            record.string = f"{record} Print"
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare the files on disk with a fresh build")
    args = ap.parse_args(argv)
    stale = 0
    for weight in WEIGHTS:
        data, dest = build(weight), target(weight)
        if args.check:
            same = dest.is_file() and dest.read_bytes() == data
            print(f"{'ok      ' if same else 'STALE   '} {dest.relative_to(ROOT)}")
            stale += not same
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            print(f"wrote    {dest.relative_to(ROOT)} ({len(data)} bytes)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
