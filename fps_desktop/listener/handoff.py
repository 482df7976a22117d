"""Hand a GUID to an already running instance (one instance per user session)."""

from __future__ import annotations

import http.client
import json
import logging
import sys

from fps_desktop.config import Settings
from fps_desktop.documents.guid import normalize_guid
from fps_desktop.listener.server import instance_file

log = logging.getLogger(__name__)


def hand_to_running_instance(guid: str, settings: Settings, via: str = "launch") -> bool:
    """True when a running instance took the GUID, so this process may exit.

    ``via`` is ``launch`` (a second ``fps-desktop open``) or ``link`` (a
    fpsdesktop:// link); the running instance shows and audits which.
    """
    body = json.dumps({"guid": normalize_guid(guid)})
    return _post_to_running_instance(settings, "/api/handoff", body, {"X-FPS-Via": via})


def raise_running_instance(settings: Settings) -> bool:
    """True when a running instance brought its window forward, so this launch may exit."""
    return _post_to_running_instance(settings, "/api/raise", "", {})


def _post_to_running_instance(settings: Settings, path: str, body: str, headers: dict) -> bool:
    try:
        info = json.loads(instance_file(settings).read_text(encoding="utf-8"))
        port, token, pid = int(info["port"]), str(info["token"]), int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    _let_raise_its_window(pid)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        connection.request(
            "POST",
            path,
            body,
            {"Content-Type": "application/json", "Host": f"127.0.0.1:{port}",
             "X-FPS-Instance-Token": token, **headers},
        )  # fmt: skip
        answered = connection.getresponse().status == 200
    except OSError as exc:
        log.info("no running instance on port %d: %s", port, exc)
        return False
    finally:
        connection.close()
    return answered


def _let_raise_its_window(pid: int) -> None:
    """Windows only lets the foreground process bring another window forward.

    The launch the clerk just started is in the foreground; it passes that right on,
    or the running window would only flash in the taskbar.
    """
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(pid)
