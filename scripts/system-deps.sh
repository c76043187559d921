#!/usr/bin/env bash
# Installs the system packages the tests need, from Debian's archive, only when missing:
# Chromium for the end-to-end tests, a Thai font for screenshots, poppler for PDF checks,
# and Pango for WeasyPrint, which the running server uses to make PDFs (so `make run` calls this too).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
# (Command substitutions, not `| grep -q`: with pipefail an early grep exit would fail the pipe.)
[ -n "$(fc-list :lang=th family 2>/dev/null || true)" ] || need+=(fonts-thai-tlwg)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
case "$(ldconfig -p 2>/dev/null || true)" in *libpangoft2-1.0.so.0*) ;; *) need+=(libpango-1.0-0 libpangoft2-1.0-0) ;; esac
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig
fi
