"""One translation mechanism, Thai first: every message has Thai, and pages come in both languages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from server import thaidate

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_in_the_sources_has_a_thai_translation():
    result = subprocess.run(
        [sys.executable, "scripts/messages.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_buddhist_era_dates():
    assert thaidate.format_date("2025-01-31") == "31 มกราคม 2568"
    assert thaidate.format_date("2025-01-31", thai_digits=True) == "๓๑ มกราคม ๒๕๖๘"
    assert thaidate.format_date("2026-11-20", "short") == "20 พ.ย. 69"
    assert thaidate.format_date("2026-11-20T23:59:00+00:00", "numeric") == "20/11/2569"
    assert thaidate.be_year("2026-10-01") == 2569


def test_pages_are_thai_first_and_english_on_request(shared_server):
    client = shared_server.client("supervisor1")
    thai = client.get("/").text
    assert '<html lang="th">' in thai and "บันทึกในแท็บเล็ตนี้" in thai
    client.get("/lang/en", follow_redirects=False)
    english = client.get("/").text
    assert '<html lang="en">' in english and "Records on this tablet" in english
