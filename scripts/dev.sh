#!/usr/bin/env bash
# Two entry points for a fresh Debian/Ubuntu machine:
#   scripts/dev.sh start   create .venv, install the app, start it on the demo source
#   scripts/dev.sh test    install the test needs (MariaDB, fonts, Qt libs) and run the suite
#   scripts/dev.sh suite   run the suite only, as `test` does (benchmarks/suite_under_load.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES_RUN="python3-venv libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
  libglib2.0-0 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 fonts-noto-cjk"
SYSTEM_PACKAGES_TEST="mariadb-server poppler-utils xvfb xdotool x11-utils imagemagick openbox
  cups-daemon cups-client cups-ipp-utils cups-filters"

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

suite() {
  # The suite starts hundreds of Python processes (the app, its decoder workers, the
  # benchmarks): each compiles the app once, not every time.
  unset PYTHONDONTWRITEBYTECODE
  # Two test processes more than cores: much of the suite waits on servers, sockets and the
  # app's own processes.
  exec .venv/bin/python -m pytest -n "$(($(nproc) + 2))" --dist worksteal "$@"
}

venv() {
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".$1"
}

case "${1:-}" in
  start)
    # shellcheck disable=SC2086
    apt_install $SYSTEM_PACKAGES_RUN
    venv ""
    exec .venv/bin/fps-desktop
    ;;
  test)
    # shellcheck disable=SC2086
    apt_install $SYSTEM_PACKAGES_RUN $SYSTEM_PACKAGES_TEST
    venv "[test]"
    .venv/bin/python -m ruff check .
    .venv/bin/python -m ruff format --check .
    suite "${@:2}"
    ;;
  suite)
    suite "${@:2}"
    ;;
  *)
    echo "usage: scripts/dev.sh start|test|suite [pytest args]" >&2
    exit 2
    ;;
esac
