"""The upload panel against the OSS-protocol server: real jobs, real store, real clipboard."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from PySide6.QtGui import QGuiApplication

from fps_desktop.config import Settings, get_secret
from fps_desktop.jobs import CancelToken, no_progress
from fps_desktop.ui.job_queue import JobQueue
from fps_desktop.ui.upload_panel import UploadPanel
from fps_desktop.upload.store import COMPLETED, PAUSED, TaskStore
from fps_desktop.upload.uploader import Uploader
from tests.journeys.conftest import SLOW
from tests.upload.conftest import BUCKET, KEY_ID, SECRET, make_tree

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_panel(qtbot, oss, fps_home):
    def make() -> UploadPanel:
        settings = Settings()
        settings.set("oss.retries", 1)  # one backed-off retry still shows; three cost seconds
        panel = UploadPanel(settings, JobQueue())
        qtbot.addWidget(panel)
        panel.endpoint.setText(oss.endpoint)
        panel.bucket.setText(BUCKET)
        panel.key_id.setText(KEY_ID)
        return panel

    return make


def cell(panel: UploadPanel, row: int, column: int) -> str:
    return panel.model.index(row, column).data()


def connection_tested(qtbot, panel: UploadPanel) -> None:
    """Test the connection and wait for its answer (it runs on a pool thread)."""
    panel.test_connection()
    qtbot.waitUntil(panel.connection.button.isEnabled, timeout=SLOW)


@pytest.fixture
def panel(make_panel):
    panel = make_panel()
    panel.secret.setText(SECRET)
    return panel


def test_test_connection_keeps_the_secret_in_the_keyring(qtbot, panel):
    connection_tested(qtbot, panel)
    assert "Connected to bucket fps-test" in panel.connection.status.text()
    assert get_secret("oss.access_key_secret") == SECRET
    assert SECRET not in panel.settings.paths.user_settings.read_text(encoding="utf-8")


def test_wrong_secret_is_said_plainly(qtbot, panel):
    panel.secret.setText("nope")
    connection_tested(qtbot, panel)
    assert "refused the AccessKey secret" in panel.connection.status.text()


def test_upload_shows_progress_failures_retry_and_survives_a_restart(
    qtbot, panel, make_panel, oss, tmp_path
):
    folder = make_tree(tmp_path / "scans", {"a.pdf": 2000, "b.pdf": 3000, "sub/c.pdf": 100})
    oss.inject("PutObject", "500", times=1000, key="2024/scans/b.pdf")
    panel.sources.add_paths([str(folder)])
    panel.prefix.setText("2024")
    with qtbot.waitSignal(panel.jobs.ended, timeout=SLOW):
        panel.start()
    qtbot.waitUntil(lambda: not panel.running, timeout=SLOW)
    assert cell(panel, 0, 2) == "Finished with failures"
    assert cell(panel, 0, 3) == "3 / 3"
    assert "scans/b.pdf: OSS answered 500 InternalError" in panel.failures.toPlainText()
    assert panel.retry_button.isEnabled()
    panel.grab().save(str(tmp_path / "upload-panel.png"))

    oss.faults.clear()
    panel.bucket.setText("another-bucket")  # the panel moved on: Retry keeps the task's bucket
    with qtbot.waitSignal(panel.jobs.ended, timeout=SLOW):
        panel.retry_failed()
    qtbot.waitUntil(lambda: cell(panel, 0, 2) == "Completed", timeout=SLOW)
    assert oss.read_object("2024/scans/b.pdf") == (folder / "b.pdf").read_bytes()

    panel.close()
    reopened = make_panel()
    assert reopened.model.rowCount() == 1
    assert cell(reopened, 0, 2) == "Completed"


def test_failure_reasons_follow_the_language(qtbot, panel, oss, tmp_path, chinese):
    folder = make_tree(tmp_path / "scans", {"a.pdf": 2000})
    oss.inject("PutObject", "500", times=1000, key="scans/a.pdf")
    panel.sources.add_paths([str(folder)])
    with qtbot.waitSignal(panel.jobs.ended, timeout=SLOW):
        panel.start()
    qtbot.waitUntil(lambda: not panel.running, timeout=SLOW)
    qtbot.waitUntil(lambda: "scans/a.pdf" in panel.failures.toPlainText(), timeout=SLOW)
    assert "scans/a.pdf: OSS 返回 500 InternalError：" in panel.failures.toPlainText()
    panel.grab().save(str(tmp_path / "upload-panel-zh.png"))


def test_copy_temporary_link_to_the_clipboard(panel, oss):
    oss.put_object("share/a.pdf", b"%PDF")
    panel.link_key.setText("share/a.pdf")
    panel.copy_link()
    link = QGuiApplication.clipboard().text()
    assert "5 minutes" in panel.link_status.text()
    assert requests.get(link, timeout=5).content == b"%PDF"


def test_test_connection_names_what_a_write_only_key_may_not_do(qtbot, panel, oss):
    oss.write_only.add(KEY_ID)
    connection_tested(qtbot, panel)
    text = panel.connection.status.text()
    assert "Connected to bucket fps-test" in text
    assert "neither read object information nor list the bucket" in text
    assert "ask the OSS administrator for oss:GetObject or oss:ListObjects" in text

    oss.write_only.clear()
    oss.read_only.add(KEY_ID)
    connection_tested(qtbot, panel)
    assert "may not write to oss://fps-test/" in panel.connection.status.text()


@pytest.mark.allow_log_warnings
@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_the_secret_is_kept_for_the_session_and_said(qtbot, panel, make_panel):
    assert panel.secret.placeholderText() == "kept until FPS Desktop closes"  # before typing
    connection_tested(qtbot, panel)
    status = panel.connection.status.text()
    assert "Connected to bucket fps-test" in status
    assert "kept only until FPS Desktop closes" in status
    assert panel.secret.placeholderText() == "kept until FPS Desktop closes"
    assert get_secret("oss.access_key_secret") == SECRET
    assert SECRET not in panel.settings.paths.user_settings.read_text(encoding="utf-8")


def test_test_connection_leaves_the_window_usable_and_can_be_cancelled(qtbot, panel, oss):
    oss.inject("PutObject", "slow", times=1, delay=5)
    panel.test_connection()  # returns at once: the probe runs on a pool thread
    assert panel.connection.cancel_button.isVisibleTo(panel)
    assert not panel.connection.button.isEnabled()
    assert "Checking the connection" in panel.connection.status.text()
    panel.connection.cancel()
    assert panel.connection.button.isEnabled() and not panel.connection.busy.isVisibleTo(panel)
    assert "cancelled" in panel.connection.status.text()
    oss.faults.clear()
    connection_tested(qtbot, panel)  # a new test after a cancelled one answers normally
    assert "Connected to bucket fps-test" in panel.connection.status.text()


def test_progress_reaches_the_task_list_through_the_job(qtbot, panel, tmp_path):
    folder = make_tree(tmp_path / "scans", {f"f{n}.pdf": 500 + n for n in range(5)})
    panel.sources.add_paths([str(folder)])
    with qtbot.waitSignal(panel.jobs.ended, timeout=SLOW):
        panel.start()
    (entry,) = panel.jobs.entries
    assert entry.detail.files_finished == 5 and entry.detail.bytes_done == entry.detail.bytes_total
    assert cell(panel, 0, 2) == "Completed" and cell(panel, 0, 3) == "5 / 5"


def test_closing_the_panel_window_pauses_its_uploads_resumably(qtbot, oss, config, tmp_path):
    from fps_desktop.ui.main_window import MainWindow
    from tests.menus import menu_action
    from tests.upload.quit_app import start_upload, started

    folder = make_tree(tmp_path / "scans", {f"f{n:02}.pdf": 1000 + n for n in range(30)})
    oss.inject("PutObject", "slow", times=10_000, delay=0.2)
    window = MainWindow(Settings(), JobQueue())
    qtbot.addWidget(window)
    window.show()
    menu_action(window, "Upload to OSS…").trigger()
    panel = start_upload(window, oss.endpoint, folder)
    qtbot.waitUntil(lambda: started(panel), timeout=SLOW)
    window.panels["upload"].close()
    qtbot.waitUntil(lambda: not panel.running, timeout=SLOW)
    (task,) = panel.store.tasks()
    assert task.state == PAUSED
    assert panel.store.counts(task.id).finished_files < 30
    window.shutdown()
    finish_and_check(panel.store, task.id, config, oss, folder)


def test_quitting_the_app_while_uploading_leaves_the_task_resumable(oss, config, tmp_path):
    folder = make_tree(tmp_path / "scans", {f"f{n:02}.pdf": 1000 + n for n in range(30)})
    oss.inject("PutObject", "slow", times=10_000, delay=0.2)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    app = [sys.executable, "-m", "tests.upload.quit_app", oss.endpoint, str(folder)]
    done = subprocess.run(app, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    store = TaskStore.default(Settings().paths.data_dir)
    try:
        (task,) = store.tasks()
        assert task.state == PAUSED
        assert store.counts(task.id).finished_files < 30
        finish_and_check(store, task.id, config, oss, folder)
    finally:
        store.close()


def finish_and_check(store, task_id, config, oss, folder):
    """Resume the task without faults: every file arrives whole."""
    oss.faults.clear()
    Uploader(store, config).run(task_id, no_progress, CancelToken())
    assert store.task(task_id).state == COMPLETED
    for path in folder.iterdir():
        assert oss.read_object(f"scans/{path.name}") == path.read_bytes()


def test_pause_keeps_the_parts_sent_and_the_jobs_list_says_paused(qtbot, panel, oss, tmp_path):
    """Progress counts the parts of an unfinished file, stays put on pause and resume."""
    from fps_desktop.ui.job_list import rate_text
    from fps_desktop.ui.job_queue import JobState, state_label

    mib = 1024 * 1024
    folder = make_tree(tmp_path / "scans", {"big.pdf": 21 * mib})  # five parts of 5 MiB
    panel.settings.set("oss.parallel_parts", 1)
    oss.inject("UploadPart", "slow", times=10_000, delay=0.3)
    shown: list[tuple[int, int]] = []  # bytes done in the events, the bar
    seen_rates: list[str] = []

    def watch(*_) -> None:
        entry = panel.jobs.entries[0]
        if entry.detail is not None and entry.state == JobState.RUNNING:
            shown.append((entry.detail.bytes_done, panel.progress.value()))
            seen_rates.append(rate_text(entry))

    panel.jobs.dataChanged.connect(watch)
    panel.sources.add_paths([str(folder)])
    panel.start()
    qtbot.waitUntil(lambda: bool(panel.store.tasks()), timeout=SLOW)
    (task,) = panel.store.tasks()

    def kept() -> int:
        return sum(panel.store.kept_parts(task.id).values())

    qtbot.waitUntil(lambda: kept() >= 2 * 5 * mib, timeout=SLOW)
    panel.table.selectRow(0)
    panel._stop(pause=True)
    qtbot.waitUntil(lambda: not panel.running, timeout=SLOW)

    (entry,) = panel.jobs.entries
    assert entry.state == JobState.PAUSED and state_label(entry.state) == "Paused"
    assert "Paused" in panel.jobs.index(0).data()
    assert cell(panel, 0, 2) == "Paused"
    sent_before = max(done for done, _ in shown)
    held = kept()
    assert held >= sent_before >= 2 * 5 * mib  # every byte counted was a part OSS holds
    assert panel.store.counts(task.id).progress_bytes == held
    assert panel.progress.value() == int(1000 * held / (21 * mib))
    assert panel.progress.value() >= max(bar for _, bar in shown)
    assert cell(panel, 0, 4).startswith(f"{held / mib:,.1f} MiB")
    assert any("/s · " in text and text.endswith(" left") for text in seen_rates)
    panel.grab().save(str(tmp_path / "upload-panel-paused.png"))

    shown.clear()
    oss.faults.clear()
    with qtbot.waitSignal(panel.jobs.ended, timeout=30_000):
        panel.resume(task.id)
    assert shown and min(done for done, _ in shown) >= held  # resumed where it stood
    assert cell(panel, 0, 2) == "Completed"
    assert oss.read_object("scans/big.pdf") == (folder / "big.pdf").read_bytes()


def _unreachable(oss, panel) -> None:
    oss.stop()  # nothing listens at the endpoint any more


ACCESS_CASES = {
    "key id": (lambda oss, panel: panel.key_id.setText("who"),
               "OSS does not know the AccessKey ID who. Check it in the upload settings.",
               "OSS 不认识 AccessKey ID who"),
    "secret": (lambda oss, panel: panel.secret.setText("nope"),
               "OSS refused the AccessKey secret: it does not match the AccessKey ID test-ak.",
               "OSS 拒绝了 AccessKey 密钥：它与 AccessKey ID test-ak 不匹配"),
    "bucket": (lambda oss, panel: panel.bucket.setText("no-bucket"),
               "There is no bucket no-bucket at http://127.0.0.1:",
               "上没有名为 no-bucket 的 Bucket"),
    "region": (lambda oss, panel: oss.elsewhere.update({BUCKET: "oss-cn-beijing.aliyuncs.com"}),
               "The bucket fps-test is in another region than the endpoint http://127.0.0.1:",
               "Bucket fps-test 不在 Endpoint"),
    "clock": (lambda oss, panel: setattr(oss, "clock_offset", 3600),
              "This computer's clock is more than 15 minutes off, so OSS refuses the request. "
              "Correct the date and time, then try again.",
              "本机时钟偏差超过 15 分钟"),
    "write": (lambda oss, panel: oss.read_only.add(KEY_ID),
              "The AccessKey test-ak may not write to oss://fps-test/2024/. Ask the OSS "
              "administrator for write access (oss:PutObject) there.",
              "AccessKey test-ak 无权写入 oss://fps-test/2024/"),
    "list": (lambda oss, panel: oss.no_list.add(KEY_ID),
             "The key may not list the bucket (oss:ListObjects), so each file is checked",
             "该密钥不能列举 Bucket（oss:ListObjects）"),
    "read": (lambda oss, panel: oss.write_only.add(KEY_ID),
             "neither read object information nor list the bucket",
             "既不能读取对象信息，也不能列举 Bucket"),
    "reach": (_unreachable,
              "(Connection refused). Check the endpoint, the network and any proxy, then test "
              "again.",
              "请检查 Endpoint、网络和代理，然后再测试"),
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("case", list(ACCESS_CASES))
def test_the_connection_test_names_the_true_reason_and_what_to_do(
    qtbot, request, panel, oss, case, language
):
    """Each setup problem is one sentence naming it and the fix, in the window's language;
    a test that cannot reach OSS speaks of no upload to resume."""
    if language == "zh_CN":
        request.getfixturevalue("chinese")
    change, english, chinese = ACCESS_CASES[case]
    panel.prefix.setText("2024")
    change(oss, panel)
    connection_tested(qtbot, panel)
    text = panel.connection.status.text()
    assert (english if language == "en" else chinese) in text
    assert "resume" not in text and "Resume" not in text
