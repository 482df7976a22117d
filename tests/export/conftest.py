from __future__ import annotations

import itertools
import os

import pytest

from fps_desktop.export.db import DbSettings
from fps_desktop.export.demo_data import create_demo_database
from tests.export.mariadb_server import PASSWORD, USER, MariaDbServer

_names = itertools.count(1)


@pytest.fixture(scope="session")
def mariadb(tmp_path_factory):
    if not MariaDbServer.available():
        if os.environ.get("CI"):
            pytest.fail("mariadb-server is not installed; CI must install it (scripts/dev.sh)")
        pytest.skip("mariadb-server is not installed")
    server = MariaDbServer(tmp_path_factory.mktemp("mariadb")).start()
    yield server
    server.stop()


@pytest.fixture
def db(mariadb) -> DbSettings:
    """A fresh database filled with a small demo data set."""
    settings = DbSettings("127.0.0.1", mariadb.port, USER, PASSWORD, f"fps_test_{next(_names)}")
    create_demo_database(settings, invoices=300)
    return settings


@pytest.fixture
def db_env(db, monkeypatch):
    """The seed's environment variables, as cron would set them."""
    for key, value in {"DB_HOST": db.host, "DB_PORT": str(db.port), "DB_USER": db.user,
                       "DB_PASSWORD": db.password, "DB_NAME": db.database}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    return db
