"""Generate the PWA's PNG icons into ``pwa/static/icons/``.

The mark is a monoline Thai letter "น" (for นิเทศ) drawn from simple geometry (lines and
circles), white on deep teal.  ``pwa/static/icons/icon.svg`` is the hand-written vector
equivalent and uses the same coordinates (a 100x100 box); keep the two in step.

Needs Pillow, which is deliberately *not* a project dependency.  Run it from a throwaway venv:

    python3 -m venv /tmp/iconvenv && /tmp/iconvenv/bin/pip install Pillow
    /tmp/iconvenv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "pwa" / "static" / "icons"

TEAL = (0x0F, 0x5E, 0x68, 255)
WHITE = (255, 255, 255, 255)
SUPERSAMPLE = 4

# Geometry of the mark in a 100x100 box (same numbers as icon.svg).
STROKE = 10.0
HEAD = (24.0, 32.0, 11.0)  # loop at the top left: centre x, centre y, radius (of the stroke's centre line)
TAIL = (81.0, 69.0, 10.0)  # loop at the bottom right
POLYLINES = (
    ((35.0, 32.0), (35.0, 79.0), (71.0, 45.0)),  # left stem down from the head, then the diagonal up
    ((71.0, 21.0), (71.0, 69.0)),  # right stem down into the tail
)


def _mark_box() -> tuple[float, float, float, float]:
    """Bounding box of the ink, used to centre the mark."""
    xs = [x for line in POLYLINES for x, _ in line] + [c[0] + s * c[2] for c in (HEAD, TAIL) for s in (-1, 1)]
    ys = [y for line in POLYLINES for _, y in line] + [c[1] + s * c[2] for c in (HEAD, TAIL) for s in (-1, 1)]
    h = STROKE / 2
    return (min(xs) - h, min(ys) - h, max(xs) + h, max(ys) + h)


MARK_BOX = _mark_box()


def draw_mark(draw: ImageDraw.ImageDraw, size: float, mark_frac: float, offset: tuple[float, float]) -> None:
    """Draw the mark centred in a ``size`` square; its larger side spans ``mark_frac * size``."""
    x0, y0, x1, y1 = MARK_BOX
    scale = mark_frac * size / max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def pt(x: float, y: float) -> tuple[float, float]:
        return (offset[0] + size / 2 + (x - cx) * scale, offset[1] + size / 2 + (y - cy) * scale)

    w = STROKE * scale
    for lx, ly, r in (HEAD, TAIL):
        px, py = pt(lx, ly)
        ro, ri = (r + STROKE / 2) * scale, (r - STROKE / 2) * scale
        draw.ellipse((px - ro, py - ro, px + ro, py + ro), fill=WHITE)
        draw.ellipse((px - ri, py - ri, px + ri, py + ri), fill=TEAL)

    for line in POLYLINES:
        pts = [pt(x, y) for x, y in line]
        draw.line(pts, fill=WHITE, width=round(w))
        for px, py in pts:  # round caps and joins
            draw.ellipse((px - w / 2, py - w / 2, px + w / 2, py + w / 2), fill=WHITE)


def mark_radius(mark_frac: float) -> float:
    """Largest distance from the icon centre to the mark's ink, as a fraction of the icon size."""
    x0, y0, x1, y1 = MARK_BOX
    scale = mark_frac / max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    far = 0.0
    for lx, ly, r in (HEAD, TAIL):
        far = max(far, math.hypot(lx - cx, ly - cy) + r + STROKE / 2)
    for line in POLYLINES:
        for x, y in line:
            far = max(far, math.hypot(x - cx, y - cy) + STROKE / 2)
    return far * scale


def render(size: int, *, rounded: bool, mark_frac: float) -> Image.Image:
    big = size * SUPERSAMPLE
    im = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(big * 0.22), fill=TEAL)
    else:
        draw.rectangle((0, 0, big, big), fill=TEAL)
    draw_mark(draw, big, mark_frac, (0.0, 0.0))
    im = im.resize((size, size), Image.Resampling.LANCZOS)
    if not rounded:  # full-bleed icons need no alpha channel
        im = im.convert("RGB")
    return im


def save(im: Image.Image, name: str) -> None:
    path = OUT / name
    if im.mode == "RGBA":
        # A palette PNG keeps these flat two-colour icons tiny without visible loss.
        im = im.quantize(colors=64, method=Image.Quantize.FASTOCTREE)
    else:
        im = im.quantize(colors=64)
    im.save(path, optimize=True)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # Maskable: the platform may crop to a circle of 40% radius; keep the ink well inside it.
    maskable_frac = 0.50
    assert mark_radius(maskable_frac) < 0.40, mark_radius(maskable_frac)
    save(render(192, rounded=True, mark_frac=0.62), "icon-192.png")
    save(render(512, rounded=True, mark_frac=0.62), "icon-512.png")
    save(render(512, rounded=False, mark_frac=maskable_frac), "icon-maskable-512.png")
    save(render(180, rounded=False, mark_frac=0.60), "apple-touch-icon.png")
    save(render(32, rounded=True, mark_frac=0.72), "favicon-32.png")


if __name__ == "__main__":
    main()
