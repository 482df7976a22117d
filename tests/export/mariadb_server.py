"""A private MariaDB server for tests and benchmarks: tmp datadir, free port, real auth."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pymysql

from tests.processes import end, tied_to_this_process, wait_until_listening

USER, PASSWORD = "fps", "fps-test-password"
# mariadbd cannot be told "any port" (--port=0 means 3306), so it gets one that was free a
# moment ago; when another program took it meanwhile, the server says so and gets another.
PORT_TAKEN = b"Address already in use"
PORT_ATTEMPTS = 5


def client(db, **options) -> pymysql.Connection:
    """A test's own connection to ``db``, as a writer next to the app would have.

    Without TLS, as the app connects to this server: otherwise every connect builds a TLS
    context from the system's certificates (~25 ms of CPU each)."""
    return pymysql.connect(host=db.host, port=db.port, user=db.user, password=db.password,
                           database=db.database, ssl_disabled=True, **options)  # fmt: skip


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _binary(*names: str) -> str | None:
    for name in names:
        for folder in ("/usr/sbin", "/usr/bin", "/usr/local/bin"):
            candidate = Path(folder) / name
            if candidate.exists():
                return str(candidate)
        if found := shutil.which(name):
            return found
    return None


class MariaDbServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = 0
        self.socket = root / "mysqld.sock"
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return bool(_binary("mariadbd", "mysqld") and _binary("mariadb-install-db",
                                                               "mysql_install_db"))  # fmt: skip

    def start(self) -> MariaDbServer:
        data = self.root / "data"
        data.mkdir(parents=True)
        # Its own temporary folder, for the set-up too: a MariaDB server starting deletes
        # every "#sql" file in its tmpdir, so one sharing /tmp with ours (another test
        # process, another checkout's suite) pulls our temporary tables from under us.
        tmp = self.root / "tmp"
        tmp.mkdir()
        as_root = ["--user=root"] if os.geteuid() == 0 else []
        installed = subprocess.run(
            [_binary("mariadb-install-db", "mysql_install_db"), "--no-defaults",
             f"--datadir={data}", f"--tmpdir={tmp}", "--auth-root-authentication-method=normal",
             "--skip-test-db", *as_root],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if installed.returncode:
            raise RuntimeError(f"mariadb-install-db failed: {installed.stdout[-2000:]}"
                               f"{installed.stderr[-2000:]}")  # fmt: skip
        self.log = open(self.root / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        for _ in range(PORT_ATTEMPTS):
            self.port = _unused_port()
            logged = (self.root / "server.log").stat().st_size
            self.process = subprocess.Popen(tied_to_this_process(
                [_binary("mariadbd", "mysqld"), "--no-defaults", f"--datadir={data}",
                 f"--port={self.port}", "--bind-address=127.0.0.1", f"--socket={self.socket}",
                 f"--pid-file={self.root / 'mysqld.pid'}", f"--tmpdir={tmp}", "--skip-log-bin",
                 "--innodb-buffer-pool-size=256M", "--innodb-flush-log-at-trx-commit=2",
                 "--innodb-log-file-size=256M", "--skip-name-resolve", *as_root]),
                stdout=self.log, stderr=self.log,
            )  # fmt: skip
            if wait_until_listening(self.process, self.socket, 120):
                break
            self.stop()  # a server that did not come up must not outlive the run
            said = (self.root / "server.log").read_bytes()[logged:]
            if PORT_TAKEN not in said:
                raise RuntimeError(said[-2000:].decode(errors="replace"))
            self.log = open(self.root / "server.log", "ab")  # noqa: SIM115 - closed in stop()
        else:
            raise RuntimeError(f"every port tried was taken ({PORT_ATTEMPTS} tries)")
        admin = self.admin()
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE USER '{USER}'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}'")
            cursor.execute(f"GRANT ALL ON *.* TO '{USER}'@'127.0.0.1'")
            cursor.execute("CREATE USER 'reader'@'127.0.0.1' IDENTIFIED BY 'reader-pw'")
        admin.close()
        return self

    def admin(self, **options):
        return pymysql.connect(unix_socket=str(self.socket), user="root", autocommit=True,
                               ssl_disabled=True, **options)  # fmt: skip

    def stop(self) -> None:
        if self.process is not None:
            end(self.process)
            self.log.close()
