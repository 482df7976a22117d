"""What a cron user sees: refused arguments, --verbose details, a closed pipe."""

import os
import subprocess
import sys

import pytest

from fps_desktop.cli import main


@pytest.mark.parametrize(("flag", "value"), [("-l", "-1"), ("-l", "0"), ("-t", "-3"), ("-t", "0")])
def test_counts_below_one_are_refused(flag, value, capsys, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        main(["export", "invoices", "-o", str(out), flag, value])
    assert exit_.value.code == 2
    assert "at least 1" in capsys.readouterr().err
    assert not out.exists()


def test_verbose_logs_groups_timings_and_the_query_plan(db_env, tmp_path, capsys):
    assert main(["export", "invoices", "-o", str(tmp_path / "out"), "--verbose"]) == 0
    log = capsys.readouterr().err
    assert "group 1/CN: 20 files" in log
    assert "rows streamed and written in" in log
    assert "query plan:" in log


def test_a_closed_pipe_ends_quietly(db_env, tmp_path):
    """``fps-desktop export invoices | head -1``: no traceback when head stops reading."""
    reader, writer = os.pipe()
    os.close(reader)
    result = subprocess.run(
        [sys.executable, "-m", "fps_desktop", "export", "invoices", "-o", str(tmp_path / "o")],
        stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120,
        env={**os.environ, "FPS_HOME": str(tmp_path / "home")},
    )  # fmt: skip
    os.close(writer)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert result.returncode == 0
    assert len(list((tmp_path / "o").rglob("*.json"))) == 300


def test_an_export_runs_without_a_console_as_a_scheduled_task_runs_it(db_env, tmp_path, no_console):
    no_console.detach()
    assert main(["export", "invoices", "-o", str(tmp_path / "o")]) == 0
    with pytest.raises(SystemExit) as refused:
        main(["export", "invoices", "-o", str(tmp_path / "p"), "-l", "0"])
    assert refused.value.code == 2
    assert len(list((tmp_path / "o").rglob("*.json"))) == 300
    written = no_console.written()
    assert any(line.startswith("stdout: ") for line in written)
    assert any("at least 1" in line for line in written)


@pytest.mark.unix_only("a pseudo-terminal is POSIX")
@pytest.mark.parametrize("columns", [80, 40])
def test_the_progress_line_fits_the_terminal(columns):
    import fcntl
    import pty
    import struct
    import termios

    from fps_desktop.cli.terminal import TerminalProgress

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    with os.fdopen(terminal, "w", encoding="utf-8") as stream:
        progress = TerminalProgress("Export invoices", stream)
        progress(52_523, 525_230, "12345/CN" + " with a long group name" * 5)
        progress.finish()
        shown = os.read(controller, 4096).decode()
    os.close(controller)
    (line,) = [part for part in shown.replace("\r\n", "\n").split("\r") if part.strip()]
    assert len(line.rstrip("\n")) == columns - 1
    assert line.startswith("Export invoices:  10.0% 52,523/525,230")


def test_help_says_defaults_variables_margin_privilege_and_exit_codes(capsys):
    from fps_desktop.export.invoices import HOLD_WARNING, SAFETY_MARGIN

    with pytest.raises(SystemExit):
        main(["export", "invoices", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    expected = [
        "DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME",
        "DB_TIMEOUT",
        f"up to {SAFETY_MARGIN.seconds // 60} minutes ago (the margin, --margin)",
        f"over {HOLD_WARNING.seconds // 60} minutes (--warn-held) is named in a warning and "
        "the run exits 12",
        f"(default: {SAFETY_MARGIN.seconds})",
        f"(default: {HOLD_WARNING.seconds // 60})",
        "12 every invoice written, but an open transaction held the time back",
        "GRANT PROCESS ON *.* TO",
        "exit codes: 0 every invoice written",
        "7 database error",
        "default: the export.output_dir setting",
        "(default: the setting, 1)",
    ]
    assert [words for words in expected if words not in text] == []


def test_the_report_follows_the_language_and_the_list_does_not(db_env, tmp_path):
    """``LANG=zh_CN.UTF-8 fps-desktop export invoices``: the report and errors in Chinese, the
    files and the CSV list exactly as in English."""

    def export(out, language, **env):
        return subprocess.run(
            [sys.executable, "-m", "fps_desktop", "export", "invoices", "-o", str(out),
             "--index", "csv"],
            capture_output=True, text=True, encoding="utf-8", timeout=120,
            env={**os.environ, "FPS_HOME": str(tmp_path / "home"), "LANG": language, **env},
        )  # fmt: skip

    chinese = export(tmp_path / "zh", "zh_CN.UTF-8")
    english = export(tmp_path / "en", "C.UTF-8")
    assert chinese.returncode == english.returncode == 0, chinese.stderr
    assert "导出完成" in chinese.stdout and "成功文件:" in chinese.stdout
    assert "Export finished" in english.stdout and "导出" not in english.stdout
    (zh_list,) = (tmp_path / "zh").glob("*.csv")
    (en_list,) = (tmp_path / "en").glob("*.csv")
    assert zh_list.read_text(encoding="utf-8-sig").splitlines()[0] == \
        en_list.read_text(encoding="utf-8-sig").splitlines()[0]  # fmt: skip
    names = {p.relative_to(tmp_path / "zh") for p in (tmp_path / "zh").rglob("*.json")}
    assert len(names) == 300
    assert names == {p.relative_to(tmp_path / "en") for p in (tmp_path / "en").rglob("*.json")}

    refused = export(tmp_path / "x", "zh_CN.UTF-8", DB_PASSWORD="wrong")
    assert refused.returncode == 7
    assert "\nerror: 数据库拒绝了用户 fps：用户名或密码错误。\n" in refused.stderr, refused.stderr
