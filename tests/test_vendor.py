"""Vendored static assets: pins hold, the CSS points at real files, icons are in place.  Offline."""

from __future__ import annotations

import importlib.util
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "pwa" / "static"
VENDOR_SCRIPT = ROOT / "scripts" / "vendor.py"
FONTS_CSS = STATIC / "css" / "fonts.css"


def _load_vendor():
    spec = importlib.util.spec_from_file_location("vendor_script", VENDOR_SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses looks the module up while building Pin
    spec.loader.exec_module(module)
    return module


def test_vendor_check_passes() -> None:
    proc = subprocess.run(
        [sys.executable, str(VENDOR_SCRIPT), "--check"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_vendor_check_detects_tampering(tmp_path: Path) -> None:
    vendor = _load_vendor()
    for pin in vendor.PINS:
        (tmp_path / pin.dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / pin.dest, tmp_path / pin.dest)
    assert vendor.check(tmp_path) == 0
    victim = tmp_path / vendor.PINS[0].dest
    victim.write_bytes(victim.read_bytes() + b"\n")
    assert vendor.check(tmp_path) == 1
    victim.unlink()
    assert vendor.check(tmp_path) == 1


def _css_urls() -> list[str]:
    return re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", FONTS_CSS.read_text(encoding="utf-8"))


def test_fonts_css_references_existing_files() -> None:
    urls = _css_urls()
    assert urls, "no url() found in fonts.css"
    for url in urls:
        assert not re.match(r"^[a-z]+:|^/", url), f"fonts.css url should be relative: {url}"
        target = (FONTS_CSS.parent / url).resolve()
        assert target.is_file(), f"fonts.css references missing file {url}"


def test_fonts_css_uses_the_pinned_fonts() -> None:
    vendor = _load_vendor()
    referenced = {(FONTS_CSS.parent / url).resolve() for url in _css_urls()}
    pinned = {(ROOT / p.dest).resolve() for p in vendor.PINS if p.dest.endswith(".woff2")}
    assert referenced == pinned


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("icon-192.png", 192),
        ("icon-512.png", 512),
        ("icon-maskable-512.png", 512),
        ("apple-touch-icon.png", 180),
        ("favicon-32.png", 32),
    ],
)
def test_icon_png_dimensions(name: str, size: int) -> None:
    data = (STATIC / "icons" / name).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # IHDR follows the signature
    assert (width, height) == (size, size)


def test_icon_svg_present() -> None:
    svg = (STATIC / "icons" / "icon.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and "viewBox" in svg
