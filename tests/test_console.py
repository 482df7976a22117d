"""The command line whatever its console: UTF-8 under any locale, the window from the
console exe, as a Windows build has them."""

import errno
import json
import logging
import os
import stat
import subprocess
import sys
import time

import pytest

from fps_desktop.cli.console import prepare_streams

GUID = "c965be9f9c1d449d9e50fed330150d7a"


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])  # cp1252: an English Windows
def test_chinese_names_reach_a_pipe_as_utf8_whatever_the_locale(encoding, fps_home, tmp_path):
    root = tmp_path / "share"
    (root / GUID / "发票").mkdir(parents=True)
    (root / GUID / "发票" / "坏的发票.pdf").write_bytes(b"%PDF-1.7\nnot a PDF after all")
    (fps_home / "config").mkdir(parents=True)
    settings = {"source.kind": "folder", "source.folder.root": str(root)}
    (fps_home / "config" / "settings.json").write_text(json.dumps(settings))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONIOENCODING": encoding, "LC_ALL": "C"}
    result = subprocess.run([sys.executable, "-m", "fps_desktop", "fetch", GUID, "--out", str(out)],
                            capture_output=True, env=env, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8").strip() == str(out / "坏的发票.pdf")
    assert result.stderr.decode("utf-8").startswith("warning: 坏的发票.pdf: ")


@pytest.mark.unix_only("a shell script stands in for the windowed exe")
def test_the_console_exe_leaves_the_window_to_the_windowed_exe(fps_home, tmp_path):
    """``fps-desktop-cli open GUID`` in a terminal: the windowed exe beside it opens the
    GUID, and the terminal gets its prompt back at once."""
    build = tmp_path / "FPS Desktop"
    build.mkdir()
    opened = tmp_path / "opened.txt"
    windowed = build / "fps-desktop.exe"  # stands in for the windowed exe: notes its arguments
    windowed.write_text(
        f'#!/bin/sh\necho "$@" > "{opened}.part" && mv "{opened}.part" "{opened}"\n'
    )
    windowed.chmod(windowed.stat().st_mode | stat.S_IEXEC)
    script = (
        "import sys; sys.frozen = True;"
        f"sys.executable = {str(build / 'fps-desktop-cli.exe')!r};"
        "from fps_desktop.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "none"}  # a window started here would fail
    for arguments, expected in (["open", GUID], f"open {GUID}"), ([], ""):
        opened.unlink(missing_ok=True)
        result = subprocess.run([sys.executable, "-c", script, *arguments], env=env,
                                capture_output=True, text=True, timeout=60)  # fmt: skip
        assert result.returncode == 0, result.stderr
        deadline = time.monotonic() + 30
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert opened.read_text().strip() == expected


class FullDisk(logging.Handler):
    """A log file on a full disk: each record fails and is reported on stderr."""

    def emit(self, record):
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError:
            self.handleError(record)


def test_a_log_that_cannot_be_written_leaves_a_start_without_console_running(no_console):
    no_console.detach()
    prepare_streams()
    output = logging.getLogger("fps_desktop.output")
    full = FullDisk()
    output.addHandler(full)
    try:
        print("3 files written")  # reported as a logging error on stderr, i.e. the log again
    finally:
        output.removeHandler(full)
    assert "stdout: 3 files written" in no_console.written()
