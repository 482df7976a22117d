import http.client
import io
import json
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest

from fps_desktop import __version__
from fps_desktop.audit import AuditLog
from fps_desktop.config import Paths, Settings
from fps_desktop.errors import ListenerError
from fps_desktop.listener.connections import MAX_CONNECTIONS
from fps_desktop.listener.handoff import hand_to_running_instance, raise_running_instance
from fps_desktop.listener.security import NonceMemory, signature_for
from fps_desktop.listener.server import GuidListener, ListenerConfig, instance_file
from fps_desktop.listener.wire import MAX_BODY
from tests.listener.conftest import GUID, PBMS, Client


# Wine has no curl (Windows 10 and later do); packaging/windows/ci.sh sends it to the installed app.
@pytest.mark.skipif(shutil.which("curl") is None, reason="no curl on this system")
def test_seed_curl_command_opens_the_guid(client, pushes):
    result = subprocess.run(
        ["curl", "-X", "POST", "-H", "Content-Type: application/json",
         "-d", '{"guid":"c965be9f9c1d449d9e50fed330150d7a"}', "-s", "-i",
         f"http://127.0.0.1:{client.port}/api/set_guid"],
        capture_output=True, text=True, timeout=10,
    )  # fmt: skip
    assert result.stdout.startswith("HTTP/1.1 200")
    assert json.loads(result.stdout.split("\n\n", 1)[1])["guid"] == GUID
    assert pushes == [(GUID, "local")]


def test_health_and_version(client):
    response, body = client.request("GET", "/api/health")
    assert response.status == 200 and body == {"ok": True, "status": "listening"}
    response, body = client.request("GET", "/api/version")
    assert body["version"] == __version__


def test_dashed_guid_is_normalised(client, pushes):
    response, body = client.push("C965BE9F-9C1D-449D-9E50-FED330150D7A")
    assert response.status == 200 and body["guid"] == GUID
    assert pushes == [(GUID, "local")]


@pytest.mark.parametrize("host", ["evil.example.com:24360", "127.0.0.1:1", "", "10.0.0.5"])
def test_foreign_host_header_is_refused(client, pushes, host):
    response, body = client.push(host=host or "x")
    assert response.status == 403 and body["error"] == "bad_host"
    assert pushes == []


def test_unlisted_origin_is_refused_without_cors(client, pushes):
    response, body = client.push(headers={"Origin": "https://evil.example.com"})
    assert response.status == 403 and body["error"] == "origin_not_allowed"
    assert response.getheader("Access-Control-Allow-Origin") is None
    assert pushes == []


def test_allowed_origin_gets_exact_cors_and_is_shown(client, pushes):
    response, _ = client.push(headers={"Origin": PBMS})
    assert response.status == 200
    assert response.getheader("Access-Control-Allow-Origin") == PBMS
    assert response.getheader("Vary") == "Origin"
    assert response.getheader("Access-Control-Allow-Credentials") is None
    assert pushes == [(GUID, PBMS)]


def test_preflight_with_private_network_access(client, pushes):
    response, _ = client.request(
        "OPTIONS", "/api/set_guid",
        headers={"Origin": PBMS, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Private-Network": "true"},
    )  # fmt: skip
    assert response.status == 204
    assert response.getheader("Access-Control-Allow-Private-Network") == "true"
    assert "POST" in response.getheader("Access-Control-Allow-Methods")
    assert pushes == []


@pytest.mark.parametrize(
    ("body", "headers", "status", "error"),
    [
        ('{"guid": "c965"}', {}, 400, "bad_guid"),
        ("not json", {}, 400, "bad_json"),
        ('["c965be9f9c1d449d9e50fed330150d7a"]', {}, 400, "bad_schema"),
        ('{"guid": "c965be9f9c1d449d9e50fed330150d7a", "cmd": "rm"}', {}, 400, "bad_schema"),
        ('{"guid": "c965be9f9c1d449d9e50fed330150d7a", "printer": "HP"}', {}, 400, "bad_schema"),
        ('{"guid": "c965be9f9c1d449d9e50fed330150d7a", "ts": true, "nonce": "12345678", '
         '"sig": "' + "0" * 64 + '"}', {}, 400, "bad_signature_fields"),
        ('{"guid": ' + "[" * 5000 + "]" * 5000 + "}", {}, 400, "bad_json"),
        ("guid=c965be9f9c1d449d9e50fed330150d7a", {"Content-Type": "text/plain"}, 415,
         "json_only"),
        ("{" + " " * MAX_BODY + "}", {}, 413, "too_large"),
    ],
)  # fmt: skip
def test_bad_bodies_are_refused(client, pushes, body, headers, status, error):
    response, answer = client.request("POST", "/api/set_guid", body, headers)
    assert (response.status, answer["error"]) == (status, error)
    assert pushes == []


def test_wrong_method_and_unknown_path(client):
    assert client.request("GET", "/api/set_guid")[0].status == 405
    assert client.request("DELETE", "/api/set_guid")[0].status == 405
    assert client.request("GET", "/../../etc/passwd")[0].status == 404
    head, body = client.request("HEAD", "/api/health")
    assert head.status == 405 and body is None  # HEAD answers carry no body


def test_a_refused_body_never_leaks_into_the_next_request(client, pushes):
    """Browsers reuse connections: the unread body of a refusal must not parse as a request."""
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=5)
    host = {"Host": f"127.0.0.1:{client.port}"}
    connection.request(
        "POST", "/api/set_guid", "guid=" + GUID, {**host, "Content-Type": "text/plain"}
    )
    refused = connection.getresponse()
    assert refused.status == 415 and refused.read()
    connection.request("POST", "/api/set_guid", json.dumps({"guid": GUID}),
                       {**host, "Content-Type": "application/json"})  # fmt: skip
    assert connection.getresponse().status == 200
    connection.close()
    assert pushes == [(GUID, "local")]


def test_rate_limit_per_origin(make_listener, pushes):
    _, client = make_listener(rate_per_minute=3)
    statuses = [client.push()[0].status for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert client.push(headers={"Origin": PBMS})[0].status == 200  # another origin's budget


def test_origin_spellings_share_one_rate_budget(make_listener, pushes):
    _, client = make_listener(rate_per_minute=3)
    spellings = [PBMS, "HTTPS://PBMS.example.edu/", PBMS + "/", PBMS.upper()]
    statuses = [client.push(headers={"Origin": origin})[0].status for origin in spellings]
    assert statuses == [200, 200, 200, 429]


def test_forged_hosts_do_not_use_up_the_pbms_budget(make_listener, pushes):
    _, client = make_listener(rate_per_minute=5)
    forged = [client.push(headers={"Origin": PBMS}, host="pbms.example.edu")[0].status
              for _ in range(20)]  # fmt: skip
    assert set(forged) == {403}
    assert client.push(headers={"Origin": PBMS})[0].status == 200


def test_a_looping_page_leaves_one_line_and_a_count(make_listener):
    listener, client = make_listener()
    evil = {"Origin": "https://evil.example.com"}
    assert {client.push(headers=evil)[0].status for _ in range(50)} == {403}
    assert {client.request("GET", "/api/set_guid")[0].status for _ in range(20)} == {405}
    audit = AuditLog(Paths.default())
    assert [(e["origin"], e["reason"]) for e in audit.entries()] == [
        ("no-origin", "method_not_allowed"),
        ("https://evil.example.com", "origin_not_allowed"),
    ]
    listener.stop()  # writes out the counts still open
    newest = audit.entries(2)
    counts = {(e["origin"], e["reason"]): e["repeats"] for e in newest}
    assert counts == {("no-origin", "method_not_allowed"): 19,
                      ("https://evil.example.com", "origin_not_allowed"): 49}  # fmt: skip
    assert all(e["first"] <= e["last"] for e in newest)


def signed(secret, guid=GUID, ts=None, nonce="nonce-0001", path="/api/set_guid", **options):
    """A body signed as PBMS signs it: method, path and every field."""
    fields = {"guid": guid, "ts": int(time.time()) if ts is None else ts, "nonce": nonce, **options}
    return {**fields, "sig": signature_for(secret, "POST", path, fields)}


def test_signed_pushes_reject_unsigned_stale_forged_and_replayed(make_listener, pushes):
    _, client = make_listener(require_signature=True, hmac_secret="shared-secret")
    send = lambda body: client.request("POST", "/api/set_guid", body)  # noqa: E731
    assert send({"guid": GUID})[1]["error"] == "signature_required"
    assert send(signed("wrong-secret"))[1]["error"] == "bad_signature"
    assert (
        send(signed("shared-secret", ts=int(time.time()) - 3600))[1]["error"] == "stale_signature"
    )
    assert send(signed("shared-secret"))[0].status == 200
    assert send(signed("shared-secret"))[1]["error"] == "replayed"
    assert pushes == [(GUID, "local")]


def test_the_signature_covers_the_guid_as_sent(make_listener, pushes):
    _, client = make_listener(require_signature=True, hmac_secret="shared-secret")
    dashed = "C965BE9F-9C1D-449D-9E50-FED330150D7A"
    response, _ = client.request("POST", "/api/set_guid", signed("shared-secret", guid=dashed))
    assert response.status == 200 and pushes == [(GUID, "local")]


def test_a_signed_refusal_is_audited_with_its_guid(make_listener):
    _, client = make_listener(require_signature=True, hmac_secret="shared-secret")
    client.request("POST", "/api/set_guid", signed("wrong-secret"))
    (entry,) = AuditLog(Paths.default()).entries()
    assert (entry["guid"], entry["accepted"], entry["reason"]) == (GUID, False, "bad_signature")


def test_nonces_are_remembered_as_long_as_their_timestamp_is_accepted(monkeypatch):
    from fps_desktop.listener import security

    clock = [1_700_000_000]  # the listener's clock, moved by the test, not by the machine
    monkeypatch.setattr(security, "time", SimpleNamespace(time=lambda: clock[0]))
    nonces = NonceMemory(window=300)
    stamped_ahead = clock[0] + 250  # a PBMS clock a little fast
    assert nonces.first_use("nonce-0001", stamped_ahead)
    clock[0] += 350  # longer than the window since it arrived, yet its ts is still valid
    assert not nonces.first_use("nonce-0001", stamped_ahead)
    clock[0] += 300
    assert nonces.first_use("nonce-0001", clock[0])


def test_silent_print_is_off_by_default_and_needs_a_signature(make_listener):
    _, client = make_listener()
    response, body = client.request("POST", "/api/print", {"guid": GUID})
    assert response.status == 403 and body["error"] == "print_disabled"


def test_signed_print_request_reaches_the_print_callback_only(fps_home, pushes):
    printed = []
    config = ListenerConfig(port=0, allow_silent_print=True, hmac_secret="s3cret")
    listener = GuidListener(
        config, lambda *a: pushes.append(a), lambda p, o, job: printed.append(p)
    )
    listener.start()
    try:
        client = Client(listener.port)
        assert client.request("POST", "/api/print", {"guid": GUID})[0].status == 401
        options = {"printer": "HP-3F", "copies": 2, "layout": "two-up"}
        body = signed("s3cret", path="/api/print", **options)
        response, _ = client.request("POST", "/api/print", body)
        bad_copies = signed("s3cret", nonce="nonce-0002", path="/api/print", copies=500)
        assert client.request("POST", "/api/print", bad_copies)[0].status == 400
    finally:
        listener.stop()
    assert response.status == 202
    assert [(p.guid, p.printer, p.copies, p.layout) for p in printed] == [
        (GUID, "HP-3F", 2, "two-up")
    ]
    assert pushes == []  # a print request never opens a window by itself either


def test_paused_listener_refuses_pushes(make_listener, pushes):
    listener, client = make_listener()
    listener.paused = True
    assert client.push()[0].status == 503
    assert client.request("GET", "/api/health")[1]["status"] == "paused"
    assert pushes == []


def test_every_push_is_audited_with_its_outcome(client):
    client.push()
    client.push(headers={"Origin": "https://evil.example.com"})
    client.push("bad")
    entries = AuditLog(Paths.default()).entries()
    assert [(e["accepted"], e["reason"], e["origin"]) for e in entries] == [
        (False, "bad_guid", "no-origin"),
        (False, "origin_not_allowed", "https://evil.example.com"),
        (True, "", "local"),
    ]


@pytest.mark.parametrize("client_timeout", [0.5, 30])
def test_slow_clients_are_dropped_and_do_not_block_others(make_listener, pushes, client_timeout):
    """With a short deadline the slow client is dropped; with a long one, a push is still
    answered long before it (a blocked push would wait the whole deadline out)."""
    _, client = make_listener(client_timeout=client_timeout)
    slow = socket.create_connection(("127.0.0.1", client.port))
    slow.sendall(b"POST /api/set_guid HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finishes
    started = time.monotonic()
    assert client.push()[0].status == 200
    if client_timeout > 1:
        assert time.monotonic() - started < client_timeout / 2
    else:
        slow.settimeout(20)
        assert slow.recv(1000).startswith(b"HTTP/1.1 408 ")  # the listener gave up on it
    slow.close()


def test_a_trickling_client_is_dropped_at_the_deadline(make_listener):
    """A byte now and then resets a socket timeout; the request deadline still ends it,
    long before the trickle (some 30 s of it) would."""
    _, client = make_listener(client_timeout=0.6)
    slow = socket.create_connection(("127.0.0.1", client.port))
    started = time.monotonic()
    dropped = False
    head = b"POST /api/set_guid HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 250
    for byte in head:
        try:
            slow.send(bytes([byte]))
        except OSError:
            dropped = True
            break
        slow.settimeout(0.1)
        try:
            if slow.recv(1000) == b"":
                dropped = True
                break
        except TimeoutError:
            pass
    slow.close()
    assert dropped and time.monotonic() - started < 15


@pytest.mark.allow_log_warnings  # the taken port is logged on purpose
def test_port_taken_names_the_port_and_falls_back(fps_home):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    taken = blocker.getsockname()[1]
    listener = GuidListener(ListenerConfig(port=taken, fallback_ports=[0]), lambda *a: None)
    assert listener.start() == listener.port not in (taken, 0)
    listener.stop()
    alone = GuidListener(ListenerConfig(port=taken), lambda *a: None)
    with pytest.raises(ListenerError, match=str(taken)):
        alone.start()
    blocker.close()


def test_second_launch_hands_the_guid_to_the_running_instance(make_listener, pushes):
    listener, client = make_listener()
    settings = Settings()
    assert hand_to_running_instance(GUID, settings) is False  # nothing running yet
    listener.write_instance_file(instance_file(settings))
    assert hand_to_running_instance(GUID, settings) is True
    assert pushes == [(GUID, "local")]
    forged = client.request("POST", "/api/handoff", {"guid": GUID},
                            {"X-FPS-Instance-Token": "guess"})[0]  # fmt: skip
    assert forged.status == 403
    from_page = client.request(
        "POST", "/api/handoff", {"guid": GUID},
        {"X-FPS-Instance-Token": listener.instance_token, "Origin": PBMS},
    )[0]  # fmt: skip
    assert from_page.status == 403  # a web page never gets past the token check
    assert pushes == [(GUID, "local")]


def test_a_fpsdesktop_link_goes_to_the_running_instance(make_listener, pushes):
    from fps_desktop.cli import main

    listener, _ = make_listener()
    listener.write_instance_file(instance_file(Settings()))
    assert main(["open-url", f"fpsdesktop://open/?guid={GUID.upper()}"]) == 0
    assert pushes == [(GUID, "link")]
    assert AuditLog(Paths.default()).entries()[0]["origin"] == "link"


def test_malformed_traffic_never_breaks_the_listener(make_listener, pushes):
    """Thousands of hostile requests, then a well-formed push still works."""
    _, client = make_listener(rate_per_minute=1_000_000, client_timeout=0.5)
    rng = random.Random(24360)

    def post(body: bytes) -> bytes:
        head = (
            f"POST /api/set_guid HTTP/1.1\r\nHost: 127.0.0.1:{client.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    templates = [
        lambda: bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 300))),
        lambda: b"GET /" + b"A" * rng.randint(1, 70000) + b" HTTP/1.1\r\n\r\n",
        lambda: b"POST /api/set_guid HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X: y\r\n" * 120 + b"\r\n",
        lambda: (b"POST /api/set_guid HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: "
                 b"application/json\r\nContent-Length: 9999999\r\n\r\n{" % client.port),
        lambda: (b"%s /api/set_guid HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n"
                 % (rng.choice([b"BREW", b"TRACE", b"CONNECT", b"\x00\x01"]), client.port)),
        lambda: post(json.dumps({"guid": "".join(rng.choice("0123456789abcdefABCDEFg-{} ")
                                                 for _ in range(rng.randint(0, 40)))}).encode()),
        lambda: post(json.dumps(rng.choice([
            {"guid": GUID, "ts": "now", "nonce": 1, "sig": None}, {"guid": GUID, "copies": -1},
            {"guid": 7}, {"GUID": GUID}, [GUID], None, {"guid": GUID, "nonce": "x" * 999},
        ])).encode()),
        lambda: post(json.dumps({"guid": GUID}).encode()[: rng.randint(0, 40)]),
        lambda: post(bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 200)))),
    ]  # fmt: skip
    deadline = time.monotonic() + 8
    sent = 0
    while sent < 2000 and time.monotonic() < deadline:
        with socket.create_connection(("127.0.0.1", client.port), timeout=2) as sock:
            try:
                sock.sendall(rng.choice(templates)())
                sock.shutdown(socket.SHUT_WR)
                sock.recv(4096)
            except OSError:
                pass
        sent += 1
    assert sent >= 500
    assert client.push()[0].status == 200
    assert pushes[-1] == (GUID, "local")
    assert all(len(guid) == 32 for guid, _ in pushes)


def test_url_scheme_links_are_parsed_strictly():
    from fps_desktop.cli.listener import guid_from_url
    from fps_desktop.errors import UsageError

    assert guid_from_url(f"fpsdesktop://open?guid={GUID}") == GUID
    assert guid_from_url(f"FPSDesktop://Open/?guid={GUID}") == GUID
    for bad in (
        "http://open?guid=x",
        "fpsdesktop://print?guid=x",
        "fpsdesktop://open?x=1",
        f"fpsdesktop://open/print?guid={GUID}",
        "fpsdesktop://open?guid=123",
    ):
        with pytest.raises(UsageError):
            guid_from_url(bad)


def test_a_second_launch_without_a_guid_raises_the_running_window(fps_home, pushes):
    raised = []
    settings = Settings()
    listener = GuidListener(
        ListenerConfig(port=0),
        lambda *a: pushes.append(a),
        on_raise=lambda: raised.append(1),
    )
    listener.start()
    headless = GuidListener(ListenerConfig(port=0), lambda *a: None)
    headless.start()
    try:
        assert raise_running_instance(settings) is False  # nothing running yet
        listener.write_instance_file(instance_file(settings))
        assert raise_running_instance(settings) is True
        forged = Client(listener.port).request(
            "POST", "/api/raise", headers={"X-FPS-Instance-Token": "guess"}
        )[0]
        assert forged.status == 403
        headless.write_instance_file(instance_file(settings))
        assert raise_running_instance(settings) is False  # no window there: start one
    finally:
        listener.stop()
        headless.stop()
    assert raised == [1] and pushes == []


def test_a_closing_instance_leaves_a_newer_instance_file_alone(make_listener):
    first, _ = make_listener()
    second, _ = make_listener()
    path = instance_file(Settings())
    first.write_instance_file(path)
    second.write_instance_file(path)
    first.remove_instance_file(path)
    assert json.loads(path.read_text())["port"] == second.port
    second.remove_instance_file(path)
    assert not path.exists()


@pytest.mark.unix_only("stopped by SIGINT or SIGTERM, which Windows cannot send a process")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_runs_headless_and_prints_each_pushed_guid(fps_home, stop):
    server = subprocess.Popen(
        [sys.executable, "-m", "fps_desktop", "serve", "--port", "0"],
        stdout=subprocess.PIPE, text=True,
        # as from a terminal: a suite started in the background has SIGINT ignored, and
        # the child would inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        port = int(re.search(r"127\.0\.0\.1:(\d+) ", server.stdout.readline()).group(1))
        assert Client(port).push(headers={"Origin": PBMS})[0].status == 403  # no site origins
        assert Client(port).push("C965BE9F-9C1D-449D-9E50-FED330150D7A")[0].status == 200
        assert server.stdout.readline().split() == [GUID, "local"]
    finally:
        server.send_signal(stop)
        try:
            server.wait(timeout=30)
        finally:  # a server that did not stop must not outlive the test
            server.kill()
            server.wait()
            server.stdout.close()
    assert not instance_file(Settings()).exists()  # a clean stop leaves no stale hand-off


def this_machines_network_address() -> str | None:
    """The address other machines reach this one at, if it has a route out."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def test_other_machines_cannot_reach_the_listener(client):
    address = this_machines_network_address()
    if address is None:
        pytest.skip("this machine has no network address besides loopback")
    with pytest.raises(OSError):
        socket.create_connection((address, client.port), timeout=2).close()


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6 on this machine")
def test_ipv6_loopback_when_enabled(make_listener, pushes):
    listener, _ = make_listener(ipv6=True)
    connection = http.client.HTTPConnection("::1", listener.port, timeout=5)
    body = json.dumps({"guid": GUID})
    connection.request("POST", "/api/set_guid", body, {"Content-Type": "application/json"})
    assert connection.getresponse().status == 200  # Host: [::1]:PORT is a loopback name
    connection.close()
    assert pushes == [(GUID, "local")]


def test_origins_typed_by_it_with_capitals_or_a_slash_still_match(fps_home, pushes):
    settings = Settings()
    settings.set("listener.port", 0)
    settings.set("listener.allowed_origins", [" https://PBMS.example.edu/ "])
    listener = GuidListener(ListenerConfig.from_settings(settings), lambda *a: pushes.append(a))
    listener.start()
    try:
        response, _ = Client(listener.port).push(headers={"Origin": PBMS})
    finally:
        listener.stop()
    assert response.status == 200
    assert response.getheader("Access-Control-Allow-Origin") == PBMS
    assert pushes == [(GUID, PBMS)]


def test_idle_connections_cannot_take_more_than_a_bounded_number_of_threads(make_listener, pushes):
    _, client = make_listener(client_timeout=2)
    before = threading.active_count()
    idle = [
        socket.create_connection(("127.0.0.1", client.port)) for _ in range(MAX_CONNECTIONS + 20)
    ]
    time.sleep(0.3)
    assert threading.active_count() - before <= MAX_CONNECTIONS
    for sock in idle:
        sock.close()
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)  # the handler threads notice the closed sockets and end
    assert client.push()[0].status == 200 and pushes == [(GUID, "local")]


@pytest.mark.allow_log_warnings  # the missing secret is logged for IT on purpose
def test_required_signature_without_a_secret_refuses_and_says_why(make_listener, pushes, caplog):
    _, client = make_listener(require_signature=True)
    response, body = client.request("POST", "/api/set_guid", signed("any-secret"))
    assert response.status == 403 and body["error"] == "signing_not_configured"
    assert "no listener.hmac_secret" in caplog.text
    assert pushes == []


def test_it_stores_the_signing_secret_from_stdin_and_pushes_then_verify(
    monkeypatch, capsys, fps_home, pushes
):
    from fps_desktop.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO("too-short\n"))
    assert main(["listener-secret"]) == 2  # a usage error, nothing stored
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-shared-secret-42\n"))
    assert main(["listener-secret"]) == 0
    assert "a-long-shared-secret-42" not in capsys.readouterr().out
    settings = Settings()
    settings.set("listener.port", 0)
    settings.set("listener.require_signature", True)
    listener = GuidListener(ListenerConfig.from_settings(settings), lambda *a: pushes.append(a))
    listener.start()
    try:
        client = Client(listener.port)
        accepted = client.request("POST", "/api/set_guid", signed("a-long-shared-secret-42"))[0]
        forged = client.request("POST", "/api/set_guid", signed("too-short", nonce="nonce-0002"))[0]
    finally:
        listener.stop()
    assert (accepted.status, forged.status) == (200, 401)
    assert pushes == [(GUID, "local")]
