"""The upload panel: pick or drop files and folders, watch tasks, pause, resume, share.

All work runs as Jobs on the job queue; the panel only reads the task store and
the running uploader's progress snapshot (a few numbers) on a timer.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fps_desktop.config import KEPT_IN_KEYRING, Settings, keep_secret
from fps_desktop.errors import QT_TRANSLATE_NOOP, FpsError
from fps_desktop.jobs import Job, JobResult
from fps_desktop.ui.job_queue import JobEntry, JobQueue, JobState
from fps_desktop.upload import manifest
from fps_desktop.upload.client import SECRET_NAME, OssConfig, describe_access
from fps_desktop.upload.store import (
    CANCELLED,
    COMPLETED,
    FAILED,
    NEW,
    PAUSED,
    RUNNING,
    STOPPED,
    WITH_FAILURES,
    Task,
    TaskStore,
    error_text,
)
from fps_desktop.upload.tasks import create_task, normalise_prefix
from fps_desktop.upload.uploader import Uploader

STATE_LABELS = {
    NEW: QT_TRANSLATE_NOOP("UploadPanel", "New"),
    RUNNING: QT_TRANSLATE_NOOP("UploadPanel", "Uploading"),
    PAUSED: QT_TRANSLATE_NOOP("UploadPanel", "Paused"),
    COMPLETED: QT_TRANSLATE_NOOP("UploadPanel", "Completed"),
    WITH_FAILURES: QT_TRANSLATE_NOOP("UploadPanel", "Finished with failures"),
    CANCELLED: QT_TRANSLATE_NOOP("UploadPanel", "Cancelled"),
    STOPPED: QT_TRANSLATE_NOOP("UploadPanel", "Stopped"),
}
INTERRUPTED = QT_TRANSLATE_NOOP("UploadPanel", "Interrupted (resume it)")
FAILURES_SHOWN = 200


def size_text(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:,.0f} {unit}" if unit == "B" else f"{count:,.1f} {unit}"
        count /= 1024
    return ""


class DropList(QListWidget):
    """The files and folders of the next task; accepts drops from the file manager."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

    def paths(self) -> list[Path]:
        return [Path(self.item(i).text()) for i in range(self.count())]

    def add_paths(self, paths: list[str]) -> None:
        known = {str(p) for p in self.paths()}
        for path in paths:
            if path and path not in known:
                self.addItem(path)
                known.add(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    dragMoveEvent = dragEnterEvent  # noqa: N815

    def paintEvent(self, event) -> None:  # noqa: N802
        """An empty list says what to do with it, like a line edit's placeholder."""
        super().paintEvent(event)
        if self.count() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.toolTip(),
            )

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.add_paths([url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()])
        event.acceptProposedAction()


class UploadPanel(QWidget):
    def __init__(self, settings: Settings, jobs: JobQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.jobs = jobs
        self.store = TaskStore.default(settings.paths.data_dir)
        self.running: dict[str, tuple[Uploader, JobEntry]] = {}
        self.setAcceptDrops(True)

        # Account.
        self.endpoint = QLineEdit(settings.get("oss.endpoint"), self)
        self.endpoint.setPlaceholderText("https://oss-cn-guangzhou.aliyuncs.com")
        self.bucket = QLineEdit(settings.get("oss.bucket"), self)
        self.key_id = QLineEdit(settings.get("oss.access_key_id"), self)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(self.tr("kept in the system keyring"))
        self.secret.setToolTip(QCoreApplication.translate("Secrets", KEPT_IN_KEYRING))
        self.secret_kept = ""  # where the last typed secret went, said after the next check
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_button.clicked.connect(self.test_connection)
        self.connection_status = QLabel(self)
        self.connection_status.setWordWrap(True)
        account = QGroupBox(self.tr("OSS account"), self)
        form = QFormLayout(account)
        form.addRow(self.tr("Endpoint"), self.endpoint)
        form.addRow(self.tr("Bucket"), self.bucket)
        form.addRow(self.tr("AccessKey ID"), self.key_id)
        form.addRow(self.tr("AccessKey secret"), self.secret)
        form.addRow(self.test_button, self.connection_status)

        # Next task.
        self.sources = DropList(self)
        self.sources.setToolTip(self.tr("Drop files or folders here"))
        self.sources.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        add_files = QPushButton(self.tr("Add files…"), self)
        add_files.clicked.connect(self._pick_files)
        add_folder = QPushButton(self.tr("Add folder…"), self)
        add_folder.clicked.connect(self._pick_folder)
        clear = QPushButton(self.tr("Clear"), self)
        clear.clicked.connect(self.sources.clear)
        self.prefix = QLineEdit(settings.get("oss.prefix"), self)
        self.prefix.setPlaceholderText(self.tr("folder in the bucket, e.g. 2024/scans"))
        self.zip_first = QCheckBox(self.tr("Pack everything into one ZIP first"), self)
        self.start_button = QPushButton(self.tr("Start upload"), self)
        self.start_button.clicked.connect(self.start)
        picker = QHBoxLayout()
        for button in (add_files, add_folder, clear):
            picker.addWidget(button)
        picker.addStretch(1)
        upload = QGroupBox(self.tr("New upload (drop files or folders)"), self)
        form = QFormLayout(upload)
        form.addRow(self.sources)
        form.addRow(picker)
        form.addRow(self.tr("Prefix"), self.prefix)
        form.addRow(self.zip_first)
        form.addRow(self.start_button)

        # Tasks.
        self.table = QTableWidget(0, 7, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Task"),
                self.tr("Destination"),
                self.tr("State"),
                self.tr("Files"),
                self.tr("Bytes"),
                self.tr("Saved (instant)"),
                self.tr("Failed"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.progress = QProgressBar(self)
        self.progress_label = QLabel(self)
        self.pause_button = QPushButton(self.tr("Pause"), self)
        self.pause_button.clicked.connect(lambda: self._stop(pause=True))
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(lambda: self._stop(pause=False))
        self.resume_button = QPushButton(self.tr("Resume"), self)
        self.resume_button.clicked.connect(self.resume)
        self.retry_button = QPushButton(self.tr("Retry failed"), self)
        self.retry_button.clicked.connect(self.retry_failed)
        self.export_button = QPushButton(self.tr("Export manifest…"), self)
        self.export_button.clicked.connect(self.export_manifest)
        actions = QHBoxLayout()
        for button in (
            self.pause_button,
            self.cancel_button,
            self.resume_button,
            self.retry_button,
            self.export_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        self.failures = QPlainTextEdit(self)
        self.failures.setReadOnly(True)
        self.failures.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        self.failures.setPlaceholderText(self.tr("Failures of the selected task, with reasons"))
        self.link_key = QLineEdit(self)
        self.link_key.setPlaceholderText(self.tr("object key, e.g. 2024/scans/a.pdf"))
        link_button = QPushButton(self.tr("Copy temporary link"), self)
        link_button.clicked.connect(self.copy_link)
        self.link_status = QLabel(self)
        link_row = QHBoxLayout()
        link_row.addWidget(self.link_key, 1)
        link_row.addWidget(link_button)
        link_row.addWidget(self.link_status)

        top = QHBoxLayout()
        top.addWidget(account, 1)
        top.addWidget(upload, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)
        layout.addLayout(actions)
        layout.addWidget(self.failures)
        layout.addLayout(link_row)

        self._ticks = 0
        self.timer = QTimer(self)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        QCoreApplication.instance().aboutToQuit.connect(self.pause_all)
        self.refresh()

    # -- account -------------------------------------------------------------------------
    def config(self) -> OssConfig:
        """Save the form (the secret to the keyring) and return the account."""
        for key, field in (
            ("oss.endpoint", self.endpoint),
            ("oss.bucket", self.bucket),
            ("oss.access_key_id", self.key_id),
        ):
            if self.settings.get(key) != field.text().strip():
                self.settings.set(key, field.text().strip())
        if self.secret.text():
            kept = keep_secret(SECRET_NAME, self.secret.text())
            self.secret_kept = QCoreApplication.translate("Secrets", kept)
            self.secret.clear()
        return OssConfig.from_settings(self.settings, env={})

    def test_connection(self) -> None:
        """Uploads need a write; reading and listing only make instant upload cheaper."""
        try:
            config = self.config()
            prefix = normalise_prefix(self.prefix.text())
            access = describe_access(config.connect(pool_size=1), config, prefix)
        except FpsError as exc:
            self._status(self.connection_status, exc.translated(QCoreApplication.translate), False)
            return
        text = self.tr("Connected to bucket {bucket}.").format(bucket=config.bucket)
        if self.secret_kept:
            text += " " + self.secret_kept
        if not (access.can_read or access.can_list):
            text += " " + self.tr(
                "The key may upload but neither read nor list, so every file is sent, even "
                "one already there."
            )
        elif not access.can_read:
            text += " " + self.tr(
                "The key may not read object information; files already there are found "
                "only through the listing."
            )
        elif not access.can_list:
            text += " " + self.tr("The key may not list the bucket; each file is checked alone.")
        self._status(self.connection_status, text, True)

    def _status(self, label: QLabel, text: str, good: bool) -> None:
        label.setStyleSheet("color: #137333;" if good else "color: #b00020;")
        label.setText(text)

    # -- sources -------------------------------------------------------------------------
    def _pick_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Files to upload"))
        self.sources.add_paths(files)

    def _pick_folder(self) -> None:
        self.sources.add_paths(
            [QFileDialog.getExistingDirectory(self, self.tr("Folder to upload"))]
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        self.sources.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.sources.dropEvent(event)

    # -- running -------------------------------------------------------------------------
    def start(self) -> None:
        paths = self.sources.paths()
        if not paths:
            self._status(self.connection_status, self.tr("Add files or folders first."), False)
            return
        try:
            config = self.config()
        except FpsError as exc:
            self._status(self.connection_status, exc.translated(QCoreApplication.translate), False)
            return
        prefix, zip_first = self.prefix.text(), self.zip_first.isChecked()
        uploader = self._uploader(config)

        def run(progress, cancel) -> JobResult:
            task = create_task(
                self.store,
                paths,
                config.bucket,
                prefix,
                zip_first,
                progress=progress,
                cancel=cancel,
            )
            return self._result(uploader.run(task.id, progress, cancel))

        self._submit(uploader, QT_TRANSLATE_NOOP("Jobs", "Upload to OSS"), run)
        self.sources.clear()

    def resume(self, task_id: str | None = None) -> None:
        task = self.store.task(task_id) if task_id else self.selected_task()
        if task is None or task.id in self.running:
            return
        try:
            config = self.config()
        except FpsError as exc:
            self._status(self.connection_status, exc.translated(QCoreApplication.translate), False)
            return
        uploader = self._uploader(config)
        self._submit(
            uploader,
            QT_TRANSLATE_NOOP("Jobs", "Upload to OSS"),
            lambda p, c: self._result(uploader.run(task.id, p, c)),
            task.id,
        )

    def retry_failed(self) -> None:
        task = self.selected_task()
        if task is not None and task.id not in self.running:
            self.store.retry_failed(task.id)
            self.resume(task.id)

    def _uploader(self, config: OssConfig) -> Uploader:
        return Uploader(self.store, config, self.settings.get("oss.parallel_parts"))

    def _result(self, summary) -> JobResult:
        return JobResult(summary.lines()[0], data=summary)

    def _submit(self, uploader: Uploader, title: str, run, task_id: str | None = None) -> None:
        entry = self.jobs.submit(Job(QCoreApplication.translate("Jobs", title), run, "upload"))
        self.running[task_id or f"new-{id(entry)}"] = (uploader, entry)
        self.refresh()

    def _stop(self, pause: bool) -> None:
        task = self.selected_task()
        for key, (uploader, entry) in self.running.items():
            if task is not None and key != task.id and uploader.task_id != task.id:
                continue
            if pause:
                uploader.pause()
            self.jobs.cancel(entry)

    # -- views ---------------------------------------------------------------------------
    def selected_task(self) -> Task | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.store.task(self.table.item(rows[0].row(), 0).text())

    def _running_ids(self) -> dict[str, Uploader]:
        return {
            u.task_id: u
            for u, e in self.running.values()
            if u.task_id and e.state in (JobState.QUEUED, JobState.RUNNING)
        }

    def refresh(self) -> None:
        """Reload the task list from the store (it survives restarts)."""
        selected = self.selected_task()
        live = self._running_ids()
        tasks = self.store.tasks()
        self.table.setRowCount(len(tasks))
        for row, task in enumerate(tasks):
            counts = self.store.counts(task.id)
            state = task.state
            label = (
                self.tr(INTERRUPTED)
                if state == RUNNING and task.id not in live
                else self.tr(STATE_LABELS.get(state, state))
            )
            cells = [
                task.id,
                f"oss://{task.bucket}/{task.prefix}",
                label,
                f"{counts.finished_files:,} / {counts.files:,}",
                f"{size_text(counts.done_bytes + counts.saved_bytes)} / {size_text(counts.bytes)}",
                size_text(counts.saved_bytes),
                f"{counts.failed_files:,}",
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
            if selected is not None and task.id == selected.id:
                self.table.selectRow(row)
        if selected is None and tasks:
            self.table.selectRow(0)
        self._selection_changed()

    def _selection_changed(self) -> None:
        task = self.selected_task()
        live = self._running_ids()
        running = task is not None and task.id in live
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running)
        resumable = task is not None and task.state in (NEW, PAUSED, RUNNING, STOPPED, CANCELLED)
        self.resume_button.setEnabled(resumable and not running)
        self.retry_button.setEnabled(
            task is not None and not running and task.state == WITH_FAILURES
        )
        self.export_button.setEnabled(task is not None)
        lines = []
        if task is not None:
            if task.error:
                lines.append(error_text(task.error))
            for n, row in enumerate(self.store.files(task.id, (FAILED,))):
                if n == FAILURES_SHOWN:
                    lines.append("…")
                    break
                lines.append(f"{row.rel}: {error_text(row.error)}")
        self.failures.setPlainText("\n".join(lines))
        self._show_progress(task, live.get(task.id) if task else None)

    def _show_progress(self, task: Task | None, uploader: Uploader | None) -> None:
        snapshot = uploader.snapshot() if uploader else None
        if snapshot is None:
            counts = self.store.counts(task.id) if task else None
            done = counts.done_bytes + counts.saved_bytes if counts else 0
            self.progress.setMaximum(1000)
            self.progress.setValue(
                int(1000 * done / counts.bytes) if counts and counts.bytes else 0
            )
            self.progress_label.clear()
            return
        total = max(snapshot.bytes_total, 1)
        self.progress.setMaximum(1000)
        self.progress.setValue(int(1000 * snapshot.bytes_done / total))
        left = (
            self.tr("{minutes} min {seconds} s left").format(
                minutes=int(snapshot.seconds_left // 60), seconds=int(snapshot.seconds_left % 60)
            )
            if snapshot.seconds_left is not None
            else ""
        )
        self.progress_label.setText(
            self.tr(
                "{files} of {total_files} files · {done} of {total} · {rate}/s · {left} · "
                "{saved} saved by instant upload · {failed} failed"
            ).format(
                files=f"{snapshot.files_finished:,}",
                total_files=f"{snapshot.files_total:,}",
                done=size_text(snapshot.bytes_done),
                total=size_text(snapshot.bytes_total),
                rate=size_text(snapshot.rate),
                left=left,
                saved=size_text(snapshot.saved_bytes),
                failed=snapshot.failed_files,
            )
        )

    def _tick(self) -> None:
        """Progress 4 times a second; the task list once a second while uploads run."""
        self._ticks += 1
        finished = [
            key
            for key, (_, entry) in self.running.items()
            if entry.state not in (JobState.QUEUED, JobState.RUNNING)
        ]
        for key in finished:
            del self.running[key]
        shown = self._shown()
        appeared = any(u.task_id and u.task_id not in shown for u, _ in self.running.values())
        if finished or appeared or (self.running and self._ticks % 4 == 0):
            self.refresh()
            return
        task = self.selected_task()
        if task is not None:
            self._show_progress(task, self._running_ids().get(task.id))

    def _shown(self) -> set[str]:
        return {self.table.item(r, 0).text() for r in range(self.table.rowCount())}

    # -- sharing -------------------------------------------------------------------------
    def export_manifest(self) -> None:
        task = self.selected_task()
        if task is None:
            return
        target, chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Export manifest"),
            f"manifest-{task.id}.csv",
            self.tr("CSV (*.csv);;JSON (*.json)"),
        )
        if not target:
            return
        fmt = "json" if target.lower().endswith(".json") or "json" in chosen.lower() else "csv"
        try:
            config = self.config()
        except FpsError as exc:
            self._status(self.link_status, exc.translated(QCoreApplication.translate), False)
            return

        def run(progress, cancel) -> JobResult:
            rows = manifest.server_rows(self.store, task, config)
            count = manifest.write_manifest(rows, manifest.SERVER_COLUMNS, Path(target), fmt)
            return JobResult(
                "{count} objects listed", Path(target), summary_params={"count": count}
            )

        self.jobs.submit(Job(QCoreApplication.translate("Jobs", "Export upload manifest"), run))

    def copy_link(self) -> None:
        key = self.link_key.text().strip()
        if not key:
            return
        try:
            link = manifest.temporary_link(
                self.config(), key, self.settings.get("oss.link_minutes")
            )
        except FpsError as exc:
            self._status(self.link_status, exc.translated(QCoreApplication.translate), False)
            return
        QGuiApplication.clipboard().setText(link)
        self._status(
            self.link_status,
            self.tr("Link copied; it works for {minutes} minutes.").format(
                minutes=self.settings.get("oss.link_minutes")
            ),
            True,
        )

    def window_closed(self, _result: int = 0) -> None:
        """Closing the panel's window pauses its uploads; Resume carries on."""
        self.pause_all()

    def pause_all(self) -> None:
        """Every running upload stops at a resumable point (closing, quitting)."""
        for uploader, entry in self.running.values():
            uploader.pause()
            self.jobs.cancel(entry)
