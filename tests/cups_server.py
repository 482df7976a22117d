"""A private CUPS scheduler for tests and benchmarks: its own config, spool and socket.

Queues print to ``file:///dev/null`` through the generic PDF driver, so a job runs the
real filter chain and completes in milliseconds; the file a job carried stays in the
spool to be read back. What a job carried (title, copies,
sides, colour mode, state) is read back with ``ipptool``, CUPS's own IPP tool, never
with the app's client. The app finds the scheduler through ``CUPS_SERVER`` as libcups
and Qt do; the test session sets it before anything asks (``tests/conftest.py``).
"""

from __future__ import annotations

import csv
import getpass
import os
import shutil
import subprocess
import urllib.parse
from pathlib import Path

from tests.processes import end, tied_to_this_process, wait_until_listening

GENERIC_PPD = Path("/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd")
JOB_COLUMNS = ("job-id", "job-name", "job-state", "job-state-reasons", "copies", "sides",
               "print-color-mode", "job-originating-user-name")  # fmt: skip
GET_JOBS = """{{
  NAME "Get-Jobs"
  OPERATION Get-Jobs
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR keyword which-jobs all
  ATTR keyword requested-attributes {}
  STATUS successful-ok
  {}
}}
""".format(",".join(JOB_COLUMNS), "\n  ".join(f"DISPLAY {c}" for c in JOB_COLUMNS))


def available() -> bool:
    return all(shutil.which(tool, path="/usr/sbin:/usr/bin") for tool in
               ("cupsd", "lpadmin", "cupsreject", "cupsdisable", "ipptool")) and (
        GENERIC_PPD.exists()
    )  # fmt: skip


class CupsServer:
    """``cupsd -f`` listening only on ``socket_path``; stopped with the session."""

    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path
        self.root = socket_path.parent
        self.process: subprocess.Popen | None = None
        self._names = 0
        self.queues: list[str] = []

    def start(self) -> CupsServer:
        # A folder of this name is left by a killed process that had this process's id:
        # its queues must not come back.
        shutil.rmtree(self.root, ignore_errors=True)
        for folder in ("conf/ppd", "spool", "cache", "state", "log"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)  # filters run as lp and read the queue's PPD in here
        (self.root / "conf" / "cupsd.conf").write_text(
            f"Listen {self.socket_path}\nLogLevel info\nWebInterface No\nBrowsing No\n"
            "DefaultAuthType None\nMaxJobs 0\nPreserveJobHistory Yes\nPreserveJobFiles Yes\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  JobPrivateAccess all\n  JobPrivateValues none\n"
            "  SubscriptionPrivateAccess all\n  SubscriptionPrivateValues none\n"
            "  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
        )
        import grp  # Unix only, as cupsd is

        user = "" if os.geteuid() == 0 else (
            f"User {getpass.getuser()}\nGroup {grp.getgrgid(os.getgid()).gr_name}\n")  # fmt: skip
        files = self.root / "conf" / "cups-files.conf"
        files.write_text(
            f"FileDevice Yes\nServerRoot {self.root}/conf\nRequestRoot {self.root}/spool\n"
            f"CacheDir {self.root}/cache\nStateDir {self.root}/state\n"
            f"TempDir {self.root}/spool\nAccessLog {self.root}/log/access_log\n"
            f"ErrorLog {self.root}/log/error_log\nPageLog {self.root}/log/page_log\n"
            f"Printcap {self.root}/printcap\n{user}"
        )
        self.process = subprocess.Popen(
            tied_to_this_process(["/usr/sbin/cupsd", "-f", "-c",
                                  str(self.root / "conf" / "cupsd.conf"), "-s", str(files)]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if not wait_until_listening(self.process, self.socket_path, 60):
            raise RuntimeError(self.log_tail())
        return self

    def log_tail(self) -> str:
        path = self.root / "log" / "error_log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "no log"

    def run(self, *command: str) -> str:
        """A CUPS command-line tool against this scheduler; its output."""
        env = {**os.environ, "CUPS_SERVER": str(self.socket_path)}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip()}")
        return done.stdout

    def add_queue(self, prefix: str = "Office", duplex: bool = True,
                  device: str = "file:///dev/null") -> str:  # fmt: skip
        """A new queue, accepting and enabled; without a duplexer when ``duplex`` is False.

        ``device``: where its jobs go; ``socket://`` to a port that refuses keeps a job
        printing (the backend waits for the printer) until it is cancelled.
        """
        self._names += 1
        name = f"{prefix}-{self._names:03d}"  # listed in the order they were added
        ppd = GENERIC_PPD
        if not duplex:
            ppd = self.root / "conf" / "simplex.ppd"
            if not ppd.exists():
                lines = GENERIC_PPD.read_text(encoding="latin-1").splitlines(keepends=True)
                kept = [line for line in lines if "Duplex" not in line]
                ppd.write_text("".join(kept), encoding="latin-1")
        self.run("lpadmin", "-p", name, "-E", "-v", device, "-P", str(ppd))
        self.queues.append(name)
        return name

    def remove_queues(self) -> None:
        """Delete every queue added so far (one already deleted by its test is skipped)."""
        present = set(self.run("lpstat", "-e").split())
        for name in self.queues:
            if name in present:
                self.run("lpadmin", "-x", name)
        self.queues.clear()

    def jobs(self, queue: str) -> list[dict[str, str]]:
        """Every job of ``queue`` as the scheduler reports it, oldest first."""
        test = self.root / "get-jobs.test"
        if not test.exists():
            test.write_text(GET_JOBS)
        uri = "ipp://{}/printers/{}".format(urllib.parse.quote(str(self.socket_path), safe=""),
                                            urllib.parse.quote(queue))  # fmt: skip
        out = subprocess.run(["ipptool", "-c", uri, str(test)], capture_output=True, text=True,
                             timeout=60, check=True).stdout  # fmt: skip
        return sorted(csv.DictReader(out.splitlines()), key=lambda row: int(row["job-id"]))

    def document(self, job_id: int) -> bytes:
        """The file job ``job_id`` carried, as the scheduler spooled it (kept after printing)."""
        return (self.root / "spool" / f"d{job_id:05d}-001").read_bytes()

    def stop(self) -> None:
        end(self.process)
        shutil.rmtree(self.root, ignore_errors=True)
