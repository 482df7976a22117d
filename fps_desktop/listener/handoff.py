"""Hand a GUID to an already running instance (one instance per user session)."""

from __future__ import annotations

import http.client
import json
import logging

from fps_desktop.config import Settings
from fps_desktop.documents.guid import normalize_guid
from fps_desktop.listener.server import instance_file

log = logging.getLogger(__name__)


def hand_to_running_instance(guid: str, settings: Settings) -> bool:
    """True when a running instance took the GUID, so this process may exit."""
    guid = normalize_guid(guid)
    try:
        info = json.loads(instance_file(settings).read_text(encoding="utf-8"))
        port, token = int(info["port"]), str(info["token"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    body = json.dumps({"guid": guid})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        connection.request(
            "POST",
            "/api/handoff",
            body,
            {"Content-Type": "application/json", "X-FPS-Instance-Token": token,
             "Host": f"127.0.0.1:{port}"},
        )  # fmt: skip
        answered = connection.getresponse().status == 200
    except OSError as exc:
        log.info("no running instance on port %d: %s", port, exc)
        return False
    finally:
        connection.close()
    return answered
