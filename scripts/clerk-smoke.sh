#!/usr/bin/env bash
# A clerk's first minute, black box: start the real window under Xvfb, type a demo GUID,
# press Enter, Ctrl+P, Enter (Print, "Save as PDF file" when no printer), type a file name
# in the save dialog, Enter, and check that a PDF with A4 sheets was written.
# Only the keyboard and the screen are used, as a clerk would; nothing of the code is imported.
#
#   scripts/clerk-smoke.sh [APP_COMMAND]      default: .venv/bin/fps-desktop
#   needs: apt-get install -y xvfb xdotool x11-utils imagemagick openbox
# Prints one line per step and the last line "clerk-smoke: ok ..." or "clerk-smoke: FAILED ...".
# Screenshots of every step are left in $SMOKE_DIR (default: a new temp folder).
set -u
APP=${1:-.venv/bin/fps-desktop}
GUID=${SMOKE_GUID:-c965be9f9c1d449d9e50fed330150d7a}
DIR=${SMOKE_DIR:-$(mktemp -d /tmp/clerk-smoke.XXXX)}
mkdir -p "$DIR"
for tool in Xvfb xdotool import; do
  command -v "$tool" >/dev/null || { echo "clerk-smoke: FAILED: $tool missing (apt-get install -y xvfb xdotool imagemagick openbox)"; exit 2; }
done
disp=:$((90 + RANDOM % 400))
Xvfb "$disp" -screen 0 1366x768x24 >/dev/null 2>&1 & xpid=$!
export DISPLAY=$disp
wm_pid=""
cleanup() { [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null; [ -n "$wm_pid" ] && kill "$wm_pid" 2>/dev/null; kill "$xpid" 2>/dev/null; }
trap cleanup EXIT
sleep 1
command -v openbox >/dev/null && { openbox >/dev/null 2>&1 & wm_pid=$!; sleep 0.5; }
export FPS_HOME="$DIR/home" LANG=${LANG:-en_US.UTF-8}
unset QT_QPA_PLATFORM
out="$DIR/printed.pdf"
rm -f "$out"
shot() { import -window root "$DIR/$1.png" 2>/dev/null; }
fail() { shot failed; echo "clerk-smoke: FAILED: $1 (screenshots in $DIR, app output in $DIR/app.log)"; exit 1; }

$APP >"$DIR/app.log" 2>&1 & app_pid=$!
win=""
for _ in $(seq 1 60); do
  win=$(xdotool search --onlyvisible --pid "$app_pid" 2>/dev/null | tail -n1)
  [ -n "$win" ] && break
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited at start"
  sleep 0.5
done
[ -n "$win" ] || fail "no window within 30 s"
echo "step 1: window shown"; sleep 0.5; shot 1-window
xdotool windowactivate --sync "$win" 2>/dev/null; xdotool windowfocus --sync "$win" 2>/dev/null
# What a clerk waits for, they see: the title naming the GUID, a new window in front.
active_title() { xdotool getactivewindow getwindowname 2>/dev/null; }
until_title() {  # until_title has|not TEXT: wait up to 30 s for the window in front
  for _ in $(seq 1 120); do
    case "$1:$(active_title)" in has:*"$2"*) return 0 ;; not:"$2") ;; not:?*) return 0 ;; esac
    sleep 0.25
  done
  return 1
}
xdotool type --delay 5 "$GUID"; xdotool key Return
until_title has "$GUID" || fail "the window title never named the GUID"
sleep 1; shot 2-opened
echo "step 2: GUID typed and Enter pressed"
main_title=$(active_title)
xdotool key ctrl+p
until_title not "$main_title" || fail "Ctrl+P opened no print dialog"
sleep 1.5; shot 3-print-dialog
echo "step 3: Ctrl+P pressed"
print_title=$(active_title)
xdotool key Return
until_title not "$print_title" || fail "Print asked for no file name"
sleep 0.5; shot 4-after-print
# A save dialog (Save as PDF file) asks for a name: type the full path and press Enter.
save_title=$(active_title)
xdotool key ctrl+a; xdotool type --delay 5 "$out"; sleep 0.5; xdotool key Return
echo "step 4: Print pressed, file name typed"
for i in $(seq 1 60); do
  [ -s "$out" ] && break
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited while printing"
  # Enter can land on the file name completer's list instead of Save; press it again
  if [ $((i % 4)) = 0 ] && [ "$(active_title)" = "$save_title" ]; then xdotool key Return; fi
  sleep 0.5
done
shot 5-done
[ -s "$out" ] || fail "no PDF written to $out within 30 s"
sleep 1
python3 - "$out" <<'PY' || fail "the written file is not a PDF of A4 sheets"
import re, sys
data = open(sys.argv[1], "rb").read()
assert data.startswith(b"%PDF"), "not a PDF"
boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", data)
assert boxes, "no pages"
for b in boxes:
    w, h = float(b[2]) - float(b[0]), float(b[3]) - float(b[1])
    assert abs(w - 595) < 4 and abs(h - 842) < 4, f"page {w}x{h} is not A4 portrait"
print(f"{len(boxes)} A4 sheet(s)")
PY
echo "clerk-smoke: ok: GUID typed, Ctrl+P, Print, saved $(stat -c %s "$out") bytes to a PDF of A4 sheets"
