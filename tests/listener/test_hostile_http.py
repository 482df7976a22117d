"""Requests no browser sends: each gets an answer and an audit line, never a silent close."""

import json
import socket
import time

import pytest

from fps_desktop.audit import AuditLog
from fps_desktop.config import Paths
from tests.listener.conftest import GUID, PBMS
from tests.listener.raw import exchange, request


def push_head(port: int, body: bytes, extra: list[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    return [("Host", f"127.0.0.1:{port}"), ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))), *extra]  # fmt: skip


def answer_of(port: int, data: bytes) -> tuple[int, dict | None]:
    answers = exchange(port, data, until=1)
    assert answers, "the listener closed the connection without an answer"
    return answers[0]


@pytest.mark.parametrize("length", ["²", "1²", "١٢", "+5", "-1", "0x10", "1_0", " 5 5", "9" * 5000])
def test_a_content_length_int_would_misread_is_refused_with_an_answer(client, pushes, length):
    body = json.dumps({"guid": GUID}).encode()
    head = [("Host", f"127.0.0.1:{client.port}"), ("Content-Type", "application/json"),
            ("Content-Length", length)]  # fmt: skip
    data = request(client.port, "POST", "/api/set_guid", head, body)
    status, answer = answer_of(client.port, data)
    assert status == 400 and answer["error"] == "bad_length"
    assert pushes == []
    (entry,) = AuditLog(Paths.default()).entries()
    assert (entry["accepted"], entry["reason"]) == (False, "bad_length")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"ts": 10**400}, "bad_signature_fields"),
        ({"ts": 2**70}, "bad_signature_fields"),
        ({"ts": -(2**70)}, "bad_signature_fields"),
        ({"sig": "é" * 64}, "bad_signature_fields"),
        ({"sig": "z" * 64}, "bad_signature_fields"),
        ({"nonce": "\ud800" * 10}, "bad_json"),
    ],
)
def test_signature_fields_that_broke_the_check_get_an_answer(make_listener, pushes, fields, error):
    _, client = make_listener(require_signature=True, hmac_secret="shared-secret")
    payload = {"guid": GUID, "ts": int(time.time()), "nonce": "nonce-0001", "sig": "0" * 64}
    body = json.dumps({**payload, **fields}).encode()
    data = request(client.port, "POST", "/api/set_guid", push_head(client.port, body), body)
    status, answer = answer_of(client.port, data)
    assert status == 400 and answer["error"] == error
    assert pushes == []
    assert AuditLog(Paths.default()).entries()[0]["reason"] == error


DUPLICATES = [
    ("Host", "127.0.0.1:{port}", "evil.example.com"),
    ("Host", "evil.example.com", "127.0.0.1:{port}"),
    ("Origin", PBMS, "https://evil.example.com"),
    ("Content-Length", "{length}", "0"),
    ("Content-Type", "application/json", "text/plain"),
]


@pytest.mark.parametrize(("name", "first", "second"), DUPLICATES)
def test_a_header_sent_twice_is_refused_not_guessed(make_listener, pushes, name, first, second):
    _, client = make_listener()
    body = json.dumps({"guid": GUID}).encode()
    values = {"port": client.port, "length": len(body)}
    head = [(n, v) for n, v in push_head(client.port, body) if n != name]
    head += [(name, first.format(**values)), (name, second.format(**values))]
    answers = exchange(client.port, request(client.port, "POST", "/api/set_guid", head, body))
    assert [(status, a["error"]) for status, a in answers] == [(400, "ambiguous_request")]
    assert pushes == []


def test_content_length_with_transfer_encoding_is_refused(client, pushes):
    inner = json.dumps({"guid": GUID}).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(inner), inner)
    head = push_head(client.port, chunked, [("Transfer-Encoding", "chunked")])
    answers = exchange(client.port, request(client.port, "POST", "/api/set_guid", head, chunked))
    assert [(status, a["error"]) for status, a in answers] == [(400, "ambiguous_request")]
    assert pushes == []


@pytest.mark.parametrize("method", ["GET", "OPTIONS", "HEAD", "DELETE"])
def test_a_body_on_a_bodiless_method_is_never_read_as_a_second_request(client, pushes, method):
    smuggled = request(client.port, "POST", "/api/set_guid",
                       push_head(client.port, b'{"guid": "%s"}' % GUID.encode()),
                       b'{"guid": "%s"}' % GUID.encode())  # fmt: skip
    head = [("Host", f"127.0.0.1:{client.port}"), ("Content-Length", str(len(smuggled)))]
    answers = exchange(client.port, request(client.port, method, "/api/health", head, smuggled))
    assert [status for status, _ in answers] == [400]
    assert pushes == []


@pytest.mark.parametrize(
    "raw",
    [
        b"POST /api/set_guid HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX: a\rContent-Length: 44\r\n"
        b"\r\n",
        b"POST /api/set_guid HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length : 44\r\n\r\n",
        b"POST /api/set_guid HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 4\r\n 4\r\n\r\n",
        b"POST /api/set_guid HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nno colon here\r\n"
        b"Content-Length: 44\r\n\r\n",
        b"POST  /api/set_guid  HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        b"POST /api/set_guid\r\nHost: 127.0.0.1:{port}\r\n\r\n",
    ],
)
def test_header_framing_that_parsers_disagree_on_is_refused(client, pushes, raw):
    body = b'{"guid": "%s"}' % GUID.encode()
    answers = exchange(client.port, raw.replace(b"{port}", str(client.port).encode()) + body)
    assert [status for status, _ in answers] == [400]
    assert pushes == []


@pytest.mark.allow_log_warnings  # the failure's traceback goes to the log on purpose
def test_an_unexpected_failure_still_answers_audits_and_logs(make_listener, caplog):
    listener, client = make_listener()

    def broken(guid, origin):
        raise RuntimeError("window gone")

    listener.on_guid = broken
    body = json.dumps({"guid": GUID}).encode()
    data = request(client.port, "POST", "/api/set_guid", push_head(client.port, body), body)
    status, answer = answer_of(client.port, data)
    assert status == 500 and answer["error"] == "internal"
    assert "window gone" in caplog.text
    assert AuditLog(Paths.default()).entries()[0]["reason"] == "internal"


@pytest.mark.allow_log_warnings  # the unwritable audit log is logged on purpose
def test_an_unwritable_audit_log_never_silences_the_listener(make_listener, pushes, caplog):
    listener, client = make_listener()
    listener.audit.path.mkdir(parents=True)  # a folder where the log file should be
    body = json.dumps({"guid": GUID}).encode()
    data = request(client.port, "POST", "/api/set_guid", push_head(client.port, body), body)
    assert answer_of(client.port, data)[0] == 200
    refused = request(client.port, "POST", "/api/set_guid", push_head(client.port, b"{}"), b"{}")
    assert answer_of(client.port, refused)[0] == 400
    assert pushes == [(GUID, "local")]
    assert "cannot write to the audit log" in caplog.text


def test_a_request_cut_off_mid_head_is_still_answered(client):
    with socket.create_connection(("127.0.0.1", client.port), timeout=5) as sock:
        sock.sendall(b"POST /api/set_guid HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
        sock.shutdown(socket.SHUT_WR)  # the client stops sending but still reads
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 400 ")


def test_a_non_ascii_instance_token_is_refused_with_an_answer(client, pushes):
    body = json.dumps({"guid": GUID}).encode()
    head = push_head(client.port, body, [("X-FPS-Instance-Token", "é" * 20)])
    data = request(client.port, "POST", "/api/handoff", head, body)
    assert answer_of(client.port, data) == (
        403, {"ok": False, "error": "bad_token",
              "message": "Only this desktop's own app may hand over."},
    )  # fmt: skip
    assert pushes == []


def test_a_request_that_stalls_is_told_so_before_the_connection_closes(make_listener):
    _, client = make_listener(client_timeout=0.5)
    stalled = b"POST /api/set_guid HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % client.port
    assert [(status, a["error"]) for status, a in exchange(client.port, stalled)] == [
        (408, "timeout")
    ]
