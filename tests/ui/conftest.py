from __future__ import annotations

import pytest

from fps_desktop.config import Settings
from fps_desktop.ui.job_queue import JobQueue
from fps_desktop.ui.main_window import MainWindow


@pytest.fixture
def settings(fps_home):
    return Settings()


@pytest.fixture
def window(qtbot, settings):
    main = MainWindow(settings, JobQueue())
    qtbot.addWidget(main)
    main.show()
    yield main
    main.shutdown()
