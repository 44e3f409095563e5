#!/usr/bin/env bash
# Install what the tests need and run the whole suite: ruff, pytest on SQLite AND PostgreSQL, browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=$(command -v python3.11 || command -v python3)
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

# System packages: Debian's chromium for the browser tests (never `playwright install`) and a CJK
# font so that the screenshots the browser tests save (docs/img) show Chinese, not empty boxes.
if [ ! -x /usr/bin/chromium ] || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

# Pango for WeasyPrint (account reports as PDF); Debian images with chromium usually have it already.
if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
fi

# PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres): start it if it is down.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# Mosquitto on 127.0.0.1:1883 for the device tests: start it if it is down (install it if missing).
if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
  command -v mosquitto >/dev/null || { $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mosquitto >/dev/null; }
  $SUDO mosquitto -d -p 1883 2>/dev/null || $SUDO service mosquitto start
  for _ in $(seq 20); do (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null && break; sleep 0.5; done
fi
export LVRONGTONG_REQUIRE_MQTT=1  # the MQTT tests fail, never skip, when the broker is missing

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev,spark]'

.venv/bin/ruff check src tests bench
# Each database test runs on both backends; pytest's exit code 5 (no tests) fails this script.
LVRONGTONG_TEST_DATABASES="${LVRONGTONG_TEST_DATABASES:-sqlite,postgresql}" \
  .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
