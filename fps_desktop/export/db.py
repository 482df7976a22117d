"""Connecting to the export database, with errors an admin can act on.

The seed's environment variables (``DB_HOST``, ``DB_PORT``, ``DB_USER``,
``DB_PASSWORD``, ``DB_NAME``) override the settings, so cron jobs keep working.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import pymysql
import pymysql.cursors

from fps_desktop.config import Settings, get_secret
from fps_desktop.errors import QT_TRANSLATE_NOOP, DatabaseError

log = logging.getLogger(__name__)

PASSWORD_SECRET = "db.password"


@dataclass(frozen=True)
class DbSettings:
    host: str
    port: int
    user: str
    password: str
    database: str
    tls: bool = False
    timeout: int = 60  # seconds of silence after which the server counts as hung (DB_TIMEOUT)

    @classmethod
    def from_settings(cls, settings: Settings, env: dict[str, str] | None = None) -> DbSettings:
        env = os.environ if env is None else env
        return cls(
            host=env.get("DB_HOST") or settings.get("db.host"),
            port=int(env.get("DB_PORT") or settings.get("db.port")),
            user=env.get("DB_USER") or settings.get("db.user"),
            password=env.get("DB_PASSWORD") or get_secret(PASSWORD_SECRET) or "",
            database=env.get("DB_NAME") or settings.get("db.name"),
            tls=settings.get("db.tls"),
            timeout=int(env.get("DB_TIMEOUT") or 60),
        )


def connect(
    db: DbSettings,
    streaming: bool = False,
    database: bool = True,
    read_timeout: int | None = None,
):
    """Open a connection; ``streaming`` gives an unbuffered cursor that returns bytes.

    ``read_timeout`` (default: the settings' ``timeout``) also bounds the handshake: a
    server that accepts and never answers.
    """
    read_timeout = read_timeout or db.timeout
    try:
        return pymysql.connect(
            host=db.host,
            port=db.port,
            user=db.user,
            password=db.password,
            database=db.database if database else None,
            charset="utf8mb4",
            connect_timeout=10,
            read_timeout=read_timeout,
            write_timeout=read_timeout,
            ssl={"ssl": {}} if db.tls else None,
            ssl_disabled=not db.tls,  # as configured; no TLS attempt (and context) per connect
            cursorclass=pymysql.cursors.SSCursor if streaming else pymysql.cursors.Cursor,
            use_unicode=not streaming,
            autocommit=True,
            local_infile=False,
        )
    except pymysql.Error as exc:
        raise explain(exc, db, read_timeout) from exc


_LOST = {1053, 1927, 2006, 2013, 2055}  # shutdown, killed, gone away, lost


def explain(exc: Exception, db: DbSettings, timeout: int | None = None) -> DatabaseError:
    """Turn a driver error into a sentence; the raw error goes to the log. ``timeout``:
    the seconds of silence the connection allowed, for a server that stopped answering."""
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
    log.warning("database error %s: %s", code, exc)
    where = {"host": db.host, "port": db.port, "user": db.user, "database": db.database}
    if code == 1045:
        return DatabaseError(
            QT_TRANSLATE_NOOP(
                "FpsError", "The database refused user {user}: wrong user name or password."
            ),
            **where,
        )
    if code in (2003, 2005):
        return DatabaseError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "Cannot reach the database at {host}:{port}. Is the server running and the "
                "address right?",
            ),
            **where,
        )
    if code == 1049:
        return DatabaseError(
            QT_TRANSLATE_NOOP("FpsError", "The database {database} does not exist on {host}."),
            **where,
        )
    if code == 1146:
        return DatabaseError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "A table the export needs is missing in {database} ({detail}). "
                "Check the table mapping in Settings.",
            ),
            detail=str(exc.args[1] if len(exc.args) > 1 else exc)[:120],
            **where,
        )
    if code in (1044, 1142, 1143, 1227):
        return DatabaseError(
            QT_TRANSLATE_NOOP(
                "FpsError", "User {user} may not read the export tables. Ask the DBA for access."
            ),
            **where,
        )
    if code in _LOST and "timed out" in str(exc):
        return DatabaseError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "The database at {host}:{port} stopped answering (nothing for {seconds} s). "
                "Nothing was marked as exported; check the server and run the export again.",
            ),
            seconds=timeout or db.timeout,
            **where,
        )
    if code in _LOST:
        return DatabaseError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "The connection to the database was lost. Nothing was marked as exported; "
                "run the export again.",
            ),
            **where,
        )
    return DatabaseError(
        QT_TRANSLATE_NOOP("FpsError", "The database reported an error: {detail}"),
        detail=str(exc)[:200],
        **where,
    )


CHECK_TIMEOUT = 10  # seconds a connection test waits for each answer


def check_connection(db: DbSettings) -> str:
    """The server's version string, or a DatabaseError saying what is wrong, within
    seconds: a test that hangs on a silent server tells the admin nothing."""
    connection = connect(db, read_timeout=CHECK_TIMEOUT)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT VERSION()")
            (version,) = cursor.fetchone()
            cursor.execute("SELECT 1 FROM invoices LIMIT 1")
        return str(version)
    except pymysql.Error as exc:
        raise explain(exc, db, CHECK_TIMEOUT) from exc
    finally:
        connection.close()
