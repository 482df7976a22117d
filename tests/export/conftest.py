from __future__ import annotations

import itertools
import os

import pytest

from fps_desktop.export.db import DbSettings
from fps_desktop.export.demo_data import TABLES, create_demo_database
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


@pytest.fixture(scope="session")
def demo_template(mariadb) -> str:
    """The 300-invoice demo database, built once; each test gets a copy."""
    name = "fps_template"
    create_demo_database(DbSettings("127.0.0.1", mariadb.port, USER, PASSWORD, name), 300)
    return name


@pytest.fixture
def db(mariadb, demo_template) -> DbSettings:
    """A fresh database filled with a small demo data set (a copy of the template)."""
    name = f"fps_test_{next(_names)}"
    admin = mariadb.admin()
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        for table in TABLES:
            cursor.execute(f"CREATE TABLE `{name}`.`{table}` LIKE `{demo_template}`.`{table}`")
            cursor.execute(
                f"INSERT INTO `{name}`.`{table}` SELECT * FROM `{demo_template}`.`{table}`"
            )
    admin.close()
    return DbSettings("127.0.0.1", mariadb.port, USER, PASSWORD, name)


@pytest.fixture
def db_env(db, monkeypatch):
    """The seed's environment variables, as cron would set them."""
    for key, value in {"DB_HOST": db.host, "DB_PORT": str(db.port), "DB_USER": db.user,
                       "DB_PASSWORD": db.password, "DB_NAME": db.database}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    return db
