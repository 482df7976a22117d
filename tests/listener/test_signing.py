"""Signed pushes: a capture never replays, not after a restart, not on another address."""

import json
import re
import time
from pathlib import Path

from fps_desktop.config import Settings
from fps_desktop.listener.server import GuidListener, ListenerConfig
from tests.listener.conftest import GUID, Client
from tests.listener.test_listener import signed

SECRET = "a-long-shared-secret-42"


def start(pushes, printed=None, **options) -> GuidListener:
    settings = Settings()
    config = ListenerConfig.from_settings(settings)
    config.port, config.fallback_ports, config.hmac_secret = 0, [], SECRET
    for name, value in options.items():
        setattr(config, name, value)
    on_print = None if printed is None else lambda push, origin, job: printed.append(push)
    listener = GuidListener(config, lambda *a: pushes.append(a), on_print)
    listener.start()
    return listener


def test_a_captured_push_does_not_replay_after_a_restart(pushes):
    body = signed(SECRET)
    first = start(pushes, require_signature=True)
    try:
        assert Client(first.port).request("POST", "/api/set_guid", body)[0].status == 200
    finally:
        first.stop()
    again = start(pushes, require_signature=True)
    try:
        response, answer = Client(again.port).request("POST", "/api/set_guid", body)
        fresh_body = signed(SECRET, nonce="nonce-0002")
        fresh = Client(again.port).request("POST", "/api/set_guid", fresh_body)
    finally:
        again.stop()
    assert (response.status, answer["error"]) == (401, "replayed")
    assert fresh[0].status == 200
    assert len(pushes) == 2


def test_without_a_nonce_file_pushes_signed_before_the_start_are_refused(pushes):
    listener = start(pushes, require_signature=True, nonce_file=None)
    try:
        client = Client(listener.port)
        earlier = signed(SECRET, ts=int(time.time()) - 30)
        response, answer = client.request("POST", "/api/set_guid", earlier)
        assert client.request("POST", "/api/set_guid", signed(SECRET))[0].status == 200
    finally:
        listener.stop()
    assert (response.status, answer["error"]) == (401, "signed_before_start")


def test_the_signature_covers_the_address_and_every_field(pushes):
    printed = []
    listener = start(pushes, printed, allow_silent_print=True)
    try:
        client = Client(listener.port)
        push_body = signed(SECRET, nonce="nonce-0001")
        as_print = client.request("POST", "/api/print", push_body)
        order = signed(SECRET, nonce="nonce-0002", path="/api/print", printer="HP-3F", copies=1)
        other_printer = client.request("POST", "/api/print", {**order, "printer": "HP-LOBBY"})
        more_copies = client.request("POST", "/api/print", {**order, "copies": 20})
        added_layout = client.request("POST", "/api/print", {**order, "layout": "two-up"})
        genuine = client.request("POST", "/api/print", order)
    finally:
        listener.stop()
    refused = [as_print, other_printer, more_copies, added_layout]
    assert [(r.status, a["error"]) for r, a in refused] == [(401, "bad_signature")] * 4
    assert genuine[0].status == 202
    assert [(p.guid, p.printer, p.copies) for p in printed] == [(GUID, "HP-3F", 1)]


def test_the_recipe_in_the_integration_guide_signs_what_the_listener_checks(pushes):
    guide = (Path(__file__).parents[2] / "docs" / "pbms-integration.md").read_text("utf-8")
    (recipe,) = re.findall(r"```python\n(.*?)```", guide, re.S)
    namespace: dict = {}
    exec(recipe, namespace)  # the guide's own code, as PBMS's developers will copy it
    listener = start(pushes, printed := [], allow_silent_print=True, require_signature=True)
    try:
        client = Client(listener.port)
        push = json.loads(namespace["signed_body"]("/api/set_guid", {"guid": GUID}, SECRET))
        order = json.loads(namespace["signed_body"](
            "/api/print", {"guid": GUID, "printer": "财务室 HP", "copies": 2}, SECRET
        ))  # fmt: skip
        statuses = [client.request("POST", path, body)[0].status
                    for path, body in (("/api/set_guid", push), ("/api/print", order))]  # fmt: skip
    finally:
        listener.stop()
    assert statuses == [200, 202]
    assert [p.printer for p in printed] == ["财务室 HP"]
