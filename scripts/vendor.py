"""Fetch (or verify) the pinned front-end files vendored into ``pwa/static``.

Every pinned file comes out of a published npm tarball.  For each package version the script
asks the npm registry for the version metadata, downloads ``dist.tarball``, checks it against
``dist.integrity`` (sha512), pulls the single file out of the tarball and checks it against the
sha256 pinned below before writing it into the repository.

Usage::

    python scripts/vendor.py            # fetch files that are missing or do not match their pin
    python scripts/vendor.py --force    # re-fetch every file
    python scripts/vendor.py --check    # offline: verify files on disk (exit 1 on any mismatch)
    python scripts/vendor.py --print-hashes   # fetch and print sha256s (when bumping a version)

To bump a version: edit the pin (version, destination name), run ``--print-hashes``, paste the
new sha256, run the script, then delete the old file and update its references
(``pwa/static/css/fonts.css``, templates, service worker).

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = "https://registry.npmjs.org"
TIMEOUT = 60  # seconds per HTTP request
MAX_TARBALL_BYTES = 50 * 1024 * 1024

HTMX_VERSION = "2.0.11"
AXE_VERSION = "4.14.1"  # the accessibility checker the end-to-end tests run on every screen (not shipped)
JSQR_VERSION = "1.4.0"  # reads QR codes from camera frames (the reflection table's hand-over)
QRCODE_VERSION = "2.0.4"  # draws them
SARABUN_VERSION = "5.3.0"


@dataclass(frozen=True)
class Pin:
    package: str  # npm package name
    version: str  # exact version
    path: str  # path inside the tarball, relative to its top-level directory ("package/")
    dest: str  # destination, relative to the repository root
    sha256: str  # of the extracted file


def _sarabun(subset: str, weight: int, sha256: str) -> Pin:
    return Pin(
        "@fontsource/sarabun",
        SARABUN_VERSION,
        f"files/sarabun-{subset}-{weight}-normal.woff2",
        f"pwa/static/fonts/sarabun-{subset}-{weight}-{SARABUN_VERSION}.woff2",
        sha256,
    )


PINS: tuple[Pin, ...] = (
    Pin(
        "htmx.org",
        HTMX_VERSION,
        "dist/htmx.min.js",
        f"pwa/static/vendor/htmx-{HTMX_VERSION}.min.js",
        "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717",
    ),
    Pin(
        "jsqr",
        JSQR_VERSION,
        "dist/jsQR.js",
        f"pwa/static/vendor/jsQR-{JSQR_VERSION}.js",
        "bc40c8a15196236b2314db0856f72ca0b49980cd5413b8c852a7349f5fee0859",
    ),
    Pin(
        "jsqr",
        JSQR_VERSION,
        "LICENSE",
        "pwa/static/vendor/LICENSE-jsqr.txt",
        "c6596eb7be8581c18be736c846fb9173b69eccf6ef94c5135893ec56bd92ba08",
    ),
    Pin(
        "qrcode-generator",
        QRCODE_VERSION,
        "dist/qrcode.mjs",
        f"pwa/static/vendor/qrcode-generator-{QRCODE_VERSION}.js",
        "ea91d7118a5395289170da848b7c6758b996163bfbccf312591ab65a4911b7c0",
    ),
    _sarabun("thai", 400, "444ccfffc6e9201b86993a233a42481bee7fe485fe5f330d956f22356249b392"),
    _sarabun("thai", 700, "1ca031c8d598e7435f653e44f592fe0ac64e9e402066719fe061fdfe833cca1e"),
    _sarabun("latin", 400, "04548534510686923239aeda26dd40fa57bf6cc55166204ef52b483bcf9e4228"),
    _sarabun("latin", 700, "b7e814f0f8a07648c77837917ff896c819d44ed4688a83f49b9cb29fdf7898fb"),
    Pin(
        "@fontsource/sarabun",
        SARABUN_VERSION,
        "LICENSE",
        "pwa/static/fonts/OFL-sarabun.txt",
        "2b16d88bda534060561ccc38074ddce01f59e3f26fbabaafa33600934a30dd45",
    ),
    Pin(
        "axe-core",
        AXE_VERSION,
        "axe.min.js",
        f"tests/e2e/vendor/axe-{AXE_VERSION}.min.js",
        "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c",
    ),
)

# Directories holding only pinned files; anything else found there is reported by --check.
VENDOR_DIRS = ("pwa/static/vendor", "pwa/static/fonts", "tests/e2e/vendor")


class VendorError(Exception):
    pass


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _get(url: str, limit: int) -> bytes:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" or parts.hostname != urllib.parse.urlsplit(REGISTRY).hostname:
        raise VendorError(f"refusing to fetch non-registry URL: {url}")
    req = urllib.request.Request(url, headers={"User-Agent": "nithet-vendor/1"})  # noqa: S310 (checked above)
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310 (checked above)
        data = resp.read(limit + 1)
    if len(data) > limit:
        raise VendorError(f"response too large: {url}")
    return data


def fetch_tarball(package: str, version: str) -> bytes:
    """Download one package version's tarball and verify its sha512 ``dist.integrity``."""
    meta_url = f"{REGISTRY}/{package}/{urllib.parse.quote(version, safe='')}"
    meta = json.loads(_get(meta_url, 10 * 1024 * 1024))
    if meta.get("version") != version:
        raise VendorError(f"{package}: registry returned version {meta.get('version')!r}, wanted {version}")
    dist = meta["dist"]
    integrity = [s for s in dist.get("integrity", "").split() if s.startswith("sha512-")]
    if not integrity:
        raise VendorError(f"{package}@{version}: no sha512 dist.integrity in registry metadata")
    data = _get(dist["tarball"], MAX_TARBALL_BYTES)
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if not any(s.removeprefix("sha512-") == digest for s in integrity):
        raise VendorError(f"{package}@{version}: tarball does not match dist.integrity")
    return data


def extract(tarball: bytes, path: str) -> bytes:
    """Return the contents of ``path`` (relative to the tarball's top directory)."""
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        for member in tar:
            _top, _, rel = member.name.partition("/")
            if rel == path and member.isfile():
                f = tar.extractfile(member)
                assert f is not None
                return f.read()
    raise VendorError(f"{path} not found in tarball")


def write_atomic(dest: Path, data: bytes) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check(root: Path = ROOT) -> int:
    """Verify every pinned file on disk; no network.  Returns the process exit code."""
    bad = 0
    for pin in PINS:
        dest = root / pin.dest
        if not dest.is_file():
            print(f"MISSING  {pin.dest}")
            bad += 1
        elif (actual := sha256_file(dest)) != pin.sha256:
            print(f"MISMATCH {pin.dest}: sha256 {actual}, pinned {pin.sha256}")
            bad += 1
        else:
            print(f"ok       {pin.dest}")
    pinned = {pin.dest for pin in PINS}
    for d in VENDOR_DIRS:
        for p in sorted((root / d).glob("*")) if (root / d).is_dir() else ():
            rel = p.relative_to(root).as_posix()
            if p.is_file() and rel not in pinned:
                print(f"note     {rel} is not pinned (stale after a version bump?)")
    if bad:
        print(f"{bad} file(s) missing or not matching their pin; run: python scripts/vendor.py")
        return 1
    return 0


def fetch(force: bool = False, print_hashes: bool = False, root: Path = ROOT) -> int:
    todo = [
        pin
        for pin in PINS
        if force
        or print_hashes
        or not (root / pin.dest).is_file()
        or sha256_file(root / pin.dest) != pin.sha256
    ]
    tarballs: dict[tuple[str, str], bytes] = {}
    bad = 0
    for pin in todo:
        key = (pin.package, pin.version)
        if key not in tarballs:
            print(f"fetch    {pin.package}@{pin.version}")
            tarballs[key] = fetch_tarball(pin.package, pin.version)
        data = extract(tarballs[key], pin.path)
        actual = hashlib.sha256(data).hexdigest()
        if print_hashes:
            print(f"{actual}  {pin.package}@{pin.version}/{pin.path}  ({len(data)} bytes)")
            continue
        if actual != pin.sha256:
            print(f"MISMATCH {pin.package}@{pin.version}/{pin.path}: sha256 {actual}, pinned {pin.sha256}")
            bad += 1
            continue
        write_atomic(root / pin.dest, data)
        print(f"wrote    {pin.dest} ({len(data)} bytes)")
    if not todo:
        print("all pinned files present and verified")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="verify files on disk against the pins (offline)")
    mode.add_argument("--force", action="store_true", help="re-download every pinned file")
    mode.add_argument("--print-hashes", action="store_true", help="download and print sha256s, write nothing")
    args = ap.parse_args(argv)
    if args.check:
        return check()
    try:
        return fetch(force=args.force, print_hashes=args.print_hashes)
    except (VendorError, OSError, KeyError, ValueError, tarfile.TarError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
