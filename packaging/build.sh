#!/usr/bin/env bash
# Build the onedir app with PyInstaller, then smoke-test the frozen binary:
# --version, and an offscreen self-test that reads every kind of file the app opens, loads
# the Chinese and English catalogues, opens a demo GUID, merges and prints to PDF. On Linux
# a C compiler and binutils slim ICU's data (packaging/slim.py); without them it ships whole.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pip install -q -e ".[build]"
bash scripts/i18n.sh >/dev/null
nice -n 10 .venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build packaging/fps-desktop.spec
app=dist/fps-desktop/fps-desktop
"$app" --version
home=$(mktemp -d)
FPS_HOME="$home" QT_QPA_PLATFORM=offscreen timeout 120 "$app" gui --self-test
rm -rf "$home"
du -sh dist/fps-desktop
