from __future__ import annotations

import http.client
import json

import pytest

from fps_desktop.audit import AuditLog
from fps_desktop.config import Paths
from fps_desktop.listener.server import GuidListener, ListenerConfig

PBMS = "https://pbms.example.edu"
GUID = "c965be9f9c1d449d9e50fed330150d7a"


class Client:
    """Talks to the listener like a browser or curl would, Host header included."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(self, method, path, body=None, headers=None, host=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        sent = {"Host": host or f"127.0.0.1:{self.port}", **(headers or {})}
        payload = json.dumps(body) if isinstance(body, dict) else body
        if payload is not None and "Content-Type" not in sent:
            sent["Content-Type"] = "application/json"
        connection.request(method, path, payload, sent)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response, (json.loads(data) if data else None)

    def push(self, guid=GUID, **kwargs):
        return self.request("POST", "/api/set_guid", {"guid": guid}, **kwargs)


@pytest.fixture
def pushes():
    return []


@pytest.fixture
def make_listener(pushes, fps_home):
    started = []

    def make(**options) -> tuple[GuidListener, Client]:
        config = ListenerConfig(port=0, allowed_origins={PBMS}, **options)
        listener = GuidListener(
            config,
            lambda guid, origin: pushes.append((guid, origin)),
            audit=AuditLog(Paths.default()),
        )
        listener.start()
        started.append(listener)
        return listener, Client(listener.port)

    yield make
    for listener in started:
        listener.stop()


@pytest.fixture
def client(make_listener):
    return make_listener()[1]
