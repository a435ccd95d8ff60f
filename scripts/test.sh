#!/usr/bin/env bash
# Set up and run every check: lint, then the tests on SQLite, PostgreSQL and in a real browser.
# Needs the PostgreSQL server on 127.0.0.1:5432 (started here if it is installed but stopped) and
# Debian's chromium, LibreOffice Calc and poppler (installed here when missing and we are root).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi
# Debian's chromium and nginx (browser tests), LibreOffice Calc, poppler and the Liberation fonts
# (the print tests print every workbook to PDF and read it back), installed when missing and we are root.
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need="$need nginx"
command -v soffice >/dev/null || need="$need libreoffice-calc"
command -v pdftotext >/dev/null || need="$need poppler-utils"
[ -d /usr/share/fonts/truetype/liberation2 ] || need="$need fonts-liberation2"
if [ -n "$need" ] && [ "$(id -u)" = 0 ]; then
  # shellcheck disable=SC2086
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi

.venv/bin/ruff check .
# Two workers (this machine has 2 cores); a test file stays on one worker, so a module's app server
# starts once. PLAN_TEST_WORKERS=0 runs in one process.
.venv/bin/python -m pytest -n "${PLAN_TEST_WORKERS:-2}" --dist loadfile "$@"
