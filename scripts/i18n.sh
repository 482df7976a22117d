#!/usr/bin/env bash
# Refresh the Chinese catalogue from the sources, then build the .qm the app loads; the
# English one holds only the plural forms ("1 file", "2 files") of the texts with %n.
set -euo pipefail
cd "$(dirname "$0")/.."
sources=$(git ls-files --cached --others --exclude-standard 'fps_desktop/*.py')
for language in zh_CN en; do
  ts=resources/translations/fps_desktop_$language.ts
  extra=""; [ "$language" = en ] && extra="-pluralonly"
  # shellcheck disable=SC2086
  .venv/bin/pyside6-lupdate $sources -no-obsolete $extra -source-language en -target-language "$language" -ts "$ts"
  .venv/bin/pyside6-lrelease "$ts" -qm "resources/translations/fps_desktop_$language.qm"
done
# Qt's own dialogs: what Qt's zh_CN catalogue leaves in English, kept by hand.
.venv/bin/pyside6-lrelease resources/translations/qt_supplement_zh_CN.ts \
  -qm resources/translations/qt_supplement_zh_CN.qm
