"""The upload panel: pick or drop files and folders, watch tasks, pause, resume, share.

Uploads run as the core's upload Jobs on the job queue; their progress events carry
the numbers the task list and the progress bar show (no polling, no store reads while
uploading). The task list is a table model over the store, reloaded when a job ends.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt
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
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fps_desktop.config import Settings
from fps_desktop.errors import QT_TRANSLATE_NOOP, FpsError
from fps_desktop.jobs import Job, JobResult
from fps_desktop.ui.connection_test import ConnectionTest, show_status
from fps_desktop.ui.job_queue import JobEntry, JobQueue
from fps_desktop.ui.secret_edit import SecretEdit
from fps_desktop.upload import manifest
from fps_desktop.upload.client import (
    SECRET_NAME,
    Access,
    OssConfig,
    access_notes,
    describe_access,
)
from fps_desktop.upload.jobs import NewUpload, upload_job
from fps_desktop.upload.progress import UploadProgress, duration_text, size_text
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
    TaskCounts,
    TaskStore,
    error_text,
)
from fps_desktop.upload.tasks import normalise_prefix
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
COLUMNS = (
    QT_TRANSLATE_NOOP("UploadPanel", "Task"),
    QT_TRANSLATE_NOOP("UploadPanel", "Destination"),
    QT_TRANSLATE_NOOP("UploadPanel", "State"),
    QT_TRANSLATE_NOOP("UploadPanel", "Files"),
    QT_TRANSLATE_NOOP("UploadPanel", "Bytes"),
    QT_TRANSLATE_NOOP("UploadPanel", "Saved (instant)"),
    QT_TRANSLATE_NOOP("UploadPanel", "Failed"),
)


class UploadTaskModel(QAbstractTableModel):
    """The store's tasks, newest first; a running task's row follows its progress events.

    The store is read when the list is (re)loaded and when a task's job ends; while a
    task uploads, its counts come from the job's ``UploadProgress``.
    """

    def __init__(self, store: TaskStore, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.rows: list[tuple[Task, TaskCounts]] = []
        self.live: dict[str, UploadProgress] = {}  # uploading tasks' latest progress
        self.active: set[str] = set()  # tasks with a job queued or running
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = [(task, self.store.counts(task.id)) for task in self.store.tasks()]
        self.endResetModel()

    def row_of(self, task_id: str) -> int | None:
        return next((n for n, (task, _) in enumerate(self.rows) if task.id == task_id), None)

    def task_at(self, row: int) -> Task:
        return self.rows[row][0]

    def started(self, task_id: str) -> None:
        self.active.add(task_id)
        self._changed(task_id)

    def show_progress(self, progress: UploadProgress) -> None:
        self.live[progress.task_id] = progress
        self.active.add(progress.task_id)
        if self.row_of(progress.task_id) is None:  # a new task: its first event
            self.reload()
        self._changed(progress.task_id)

    def ended(self, task_id: str | None) -> None:
        """A task's job ended: its row is read again from the store."""
        if task_id is None or self.row_of(task_id) is None:
            self.reload()
            return
        self.active.discard(task_id)
        self.live.pop(task_id, None)
        row = self.row_of(task_id)
        task = self.store.task(task_id)
        self.rows[row] = (task, self.store.counts(task_id))
        self._changed(task_id)

    def _changed(self, task_id: str) -> None:
        row = self.row_of(task_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("UploadPanel", COLUMNS[section])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._cells(*self.rows[index.row()])[index.column()]

    def _cells(self, task: Task, counts: TaskCounts) -> list[str]:
        live = self.live.get(task.id)
        if task.id in self.active:
            state = STATE_LABELS[RUNNING]
        elif task.state == RUNNING:
            state = INTERRUPTED
        else:
            state = STATE_LABELS.get(task.state, task.state)
        if live is not None:
            files, total_files = live.files_finished, live.files_total
            done, total, saved, failed = (live.bytes_done, live.bytes_total, live.saved_bytes,
                                          live.failed_files)  # fmt: skip
        else:
            files, total_files = counts.finished_files, counts.files
            done, total = counts.progress_bytes, counts.bytes
            saved, failed = counts.saved_bytes, counts.failed_files
        return [
            task.id,
            f"oss://{task.bucket}/{task.prefix}",
            QCoreApplication.translate("UploadPanel", state),
            f"{files:,} / {total_files:,}",
            f"{size_text(done)} / {size_text(total)}",
            size_text(saved),
            f"{failed:,}",
        ]


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
        self.secret = SecretEdit(SECRET_NAME, self)
        self.connection = ConnectionTest(self)
        self.connection.button.clicked.connect(self.test_connection)
        account = QGroupBox(self.tr("OSS account"), self)
        form = QFormLayout(account)
        form.addRow(self.tr("Endpoint"), self.endpoint)
        form.addRow(self.tr("Bucket"), self.bucket)
        form.addRow(self.tr("AccessKey ID"), self.key_id)
        form.addRow(self.tr("AccessKey secret"), self.secret)
        form.addRow(self.connection)

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
        self.model = UploadTaskModel(self.store, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._reselect)
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

        self.selected_id: str | None = None
        jobs.dataChanged.connect(self._job_changed)
        jobs.ended.connect(self._job_ended)
        QCoreApplication.instance().aboutToQuit.connect(self.pause_all)
        self._reselect()

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
        self.secret.keep()
        return OssConfig.from_settings(self.settings, env={})

    def test_connection(self) -> None:
        """Uploads need a write; reading and listing only make instant upload cheaper."""
        try:
            config = self.config()
            prefix = normalise_prefix(self.prefix.text())
        except FpsError as exc:
            self.connection.say(exc.translated(QCoreApplication.translate), False)
            return
        self.connection.start(
            lambda cancel: describe_access(config.connect(pool_size=1), config, prefix, cancel),
            lambda access: self._access_text(config, access),
        )

    def _access_text(self, config: OssConfig, access: Access) -> str:
        text = self.tr("Connected to bucket {bucket}.").format(bucket=config.bucket)
        if self.secret.kept:
            text += " " + self.secret.kept
        for note in access_notes(access):
            text += " " + QCoreApplication.translate("OssAccess", note)
        return text

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
            self.connection.say(self.tr("Add files or folders first."), False)
            return
        try:
            config = self.config()
        except FpsError as exc:
            self.connection.say(exc.translated(QCoreApplication.translate), False)
            return
        new = NewUpload(paths, self.prefix.text(), self.zip_first.isChecked())
        self._submit(config, new)
        self.sources.clear()

    def resume(self, task_id: str | None = None) -> None:
        task = self.store.task(task_id) if task_id else self.selected_task()
        if task is None or task.id in self.running:
            return
        try:
            config = self.config()
        except FpsError as exc:
            self.connection.say(exc.translated(QCoreApplication.translate), False)
            return
        self._submit(config, task.id)

    def retry_failed(self) -> None:
        task = self.selected_task()
        if task is not None and task.id not in self.running:
            self.store.retry_failed(task.id)
            self.resume(task.id)

    def _submit(self, config: OssConfig, task: str | NewUpload) -> None:
        parallel_parts = self.settings.get("oss.parallel_parts")
        job, uploader = upload_job(self.store, config, parallel_parts, task)
        job.title = QCoreApplication.translate("Jobs", job.title)
        entry = self.jobs.submit(job)
        if isinstance(task, str):
            self.running[task] = (uploader, entry)
            self.model.started(task)
        else:
            self.running[f"new-{id(entry)}"] = (uploader, entry)
        self._show_selected()

    def _running_key(self, entry: JobEntry) -> str | None:
        return next((k for k, (_, e) in self.running.items() if e is entry), None)

    def _job_changed(self, top_left: QModelIndex, *_) -> None:
        """A job's progress, from the job queue."""
        entry = self.jobs.entries[top_left.row()]
        key = self._running_key(entry)
        if key is None:
            return
        if isinstance(entry.detail, UploadProgress) and entry.detail.task_id:
            if key != entry.detail.task_id:
                self.running[entry.detail.task_id] = self.running.pop(key)
            self.model.show_progress(entry.detail)
        self._show_selected()

    def _job_ended(self, entry: JobEntry) -> None:
        """An upload's end, whichever way it ended (done, failed, paused, cancelled)."""
        key = self._running_key(entry)
        if key is None:
            return
        del self.running[key]
        self.model.ended(None if key.startswith("new-") else key)
        self._show_failures()
        self._show_selected()

    def _stop(self, pause: bool) -> None:
        task = self.selected_task()
        for key, (uploader, entry) in self.running.items():
            if task is not None and key != task.id:
                continue
            if pause:
                uploader.pause()
            self.jobs.cancel(entry)

    # -- views ---------------------------------------------------------------------------
    def selected_task(self) -> Task | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.task_at(rows[0].row()) if rows else None

    def _reselect(self) -> None:
        """After a reload: the same task stays selected, else the newest."""
        row = self.model.row_of(self.selected_id) if self.selected_id else None
        if row is None and self.model.rowCount():
            row = 0
        if row is not None:
            self.table.selectRow(row)
        self._selection_changed()

    def _selection_changed(self, *_) -> None:
        task = self.selected_task()
        self.selected_id = task.id if task else None
        self._show_failures()
        self._show_selected()

    def _show_failures(self) -> None:
        task = self.selected_task()
        lines = []
        if task is not None:
            if task.error:
                lines.append(error_text(task.error, QCoreApplication.translate))
            for n, row in enumerate(self.store.files(task.id, (FAILED,))):
                if n == FAILURES_SHOWN:
                    lines.append("…")
                    break
                lines.append(f"{row.rel}: {error_text(row.error, QCoreApplication.translate)}")
        self.failures.setPlainText("\n".join(lines))

    def _show_selected(self) -> None:
        """Buttons and progress of the selected task, from the model (no store reads)."""
        task = self.selected_task()
        running = task is not None and task.id in self.running
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running)
        resumable = task is not None and task.state in (NEW, PAUSED, RUNNING, STOPPED, CANCELLED)
        self.resume_button.setEnabled(resumable and not running)
        self.retry_button.setEnabled(
            task is not None and not running and task.state == WITH_FAILURES
        )
        self.export_button.setEnabled(task is not None)
        self._show_progress(task)

    def _show_progress(self, task: Task | None) -> None:
        live = self.model.live.get(task.id) if task else None
        self.progress.setMaximum(1000)
        if live is None:
            counts = self.model.rows[self.model.row_of(task.id)][1] if task else None
            done = counts.progress_bytes if counts else 0
            self.progress.setValue(
                int(1000 * done / counts.bytes) if counts and counts.bytes else 0
            )
            self.progress_label.clear()
            return
        self.progress.setValue(int(1000 * live.bytes_done / max(live.bytes_total, 1)))
        left = self.tr("{time} left").format(time=duration_text(live.seconds_left))
        self.progress_label.setText(
            self.tr(
                "{files} of {total_files} files · {done} of {total} · {rate}/s · {left} · "
                "{saved} saved by instant upload · {failed} failed"
            ).format(
                files=f"{live.files_finished:,}",
                total_files=f"{live.files_total:,}",
                done=size_text(live.bytes_done),
                total=size_text(live.bytes_total),
                rate=size_text(live.rate),
                left=left,
                saved=size_text(live.saved_bytes),
                failed=live.failed_files,
            )
        )

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
            show_status(self.link_status, exc.translated(QCoreApplication.translate), False)
            return

        def run(progress, cancel) -> JobResult:
            rows = manifest.server_rows(self.store, task, config)
            count = manifest.write_manifest(rows, manifest.SERVER_COLUMNS, Path(target), fmt)
            return JobResult(
                QT_TRANSLATE_NOOP("Jobs", "Objects listed: {count}"),
                Path(target),
                summary_params={"count": count},
            )

        self.jobs.submit(Job(QT_TRANSLATE_NOOP("Jobs", "Export upload manifest"), run))

    def copy_link(self) -> None:
        key = self.link_key.text().strip()
        if not key:
            return
        try:
            link = manifest.temporary_link(
                self.config(), key, self.settings.get("oss.link_minutes")
            )
        except FpsError as exc:
            show_status(self.link_status, exc.translated(QCoreApplication.translate), False)
            return
        QGuiApplication.clipboard().setText(link)
        show_status(
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
