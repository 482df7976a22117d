#!/usr/bin/env bash
# The wheel carries everything the app needs: build it, install it into a fresh venv
# (no checkout on the path), run the offscreen self-test there (it checks the icons,
# translations and schema.sql are inside the package), then the same for an editable
# install of this checkout. Takes a few minutes (it installs PySide6): not in the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.venv/bin/python -m pip wheel --no-deps -q -w "$work/dist" . 2>/dev/null
wheel=$(ls "$work"/dist/fps_desktop-*.whl)
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$wheel"
self_test() {
  (cd "$work" && env -u PYTHONPATH FPS_HOME="$work/home-$1" QT_QPA_PLATFORM=offscreen \
    timeout 180 "$work/venv/bin/fps-desktop" gui --self-test)
}
echo "wheel $(basename "$wheel"):"
self_test wheel
"$work/venv/bin/pip" install -q -e .
echo "editable install of $(pwd):"
self_test editable
