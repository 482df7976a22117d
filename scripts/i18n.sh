#!/usr/bin/env bash
# Refresh the Chinese catalogue from the sources, then build the .qm the app loads.
set -euo pipefail
cd "$(dirname "$0")/.."
ts=resources/translations/fps_desktop_zh_CN.ts
.venv/bin/pyside6-lupdate $(git ls-files --cached --others --exclude-standard 'fps_desktop/*.py') -no-obsolete -ts "$ts"
.venv/bin/pyside6-lrelease "$ts" -qm resources/translations/fps_desktop_zh_CN.qm
# Qt's own dialogs: what Qt's zh_CN catalogue leaves in English, kept by hand.
.venv/bin/pyside6-lrelease resources/translations/qt_supplement_zh_CN.ts \
  -qm resources/translations/qt_supplement_zh_CN.qm
