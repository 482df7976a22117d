"""A restart right after traffic gets its port back; a real conflict is named as one."""

import socket

import pytest

from fps_desktop.errors import ListenerError
from fps_desktop.listener.server import GuidListener, ListenerConfig
from tests.listener.raw import exchange, request
from tests.net import free_port


def test_a_restart_right_after_traffic_gets_the_same_port(fps_home):
    port = free_port()
    first = GuidListener(ListenerConfig(port=port), lambda *a: None)
    first.start()
    health = request(port, "GET", "/api/health", [("Host", f"127.0.0.1:{port}"),
                                                  ("Connection", "close")])  # fmt: skip
    for _ in range(20):  # the listener closes each: its side of each connection lingers
        assert [status for status, _ in exchange(port, health)] == [200]
    first.stop()
    again = GuidListener(ListenerConfig(port=port), lambda *a: None)
    try:
        assert again.start() == port
        assert [status for status, _ in exchange(port, health)] == [200]
    finally:
        again.stop()


@pytest.mark.allow_log_warnings  # the unavailable port is logged on purpose
def test_a_port_nobody_answers_on_is_not_blamed_on_another_program(fps_home):
    holder = socket.socket()  # bound, never listening: like connections still closing
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    try:
        with pytest.raises(ListenerError) as raised:
            GuidListener(ListenerConfig(port=port), lambda *a: None).start()
    finally:
        holder.close()
    assert str(port) in raised.value.message
    assert "earlier run" in raised.value.message
    assert "another program" not in raised.value.message


@pytest.mark.allow_log_warnings
def test_a_program_listening_on_the_port_is_named_as_the_conflict(fps_home):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(ListenerError, match="another program"):
            GuidListener(ListenerConfig(port=port), lambda *a: None).start()


@pytest.mark.allow_log_warnings
def test_a_failed_ipv6_bind_leaves_the_ipv4_port_free(fps_home):
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    with socket.socket(socket.AF_INET6) as blocker:
        try:
            blocker.bind(("::1", 0))
        except OSError:
            pytest.skip("no IPv6 loopback on this machine")
        port = blocker.getsockname()[1]
        with pytest.raises(ListenerError):
            GuidListener(ListenerConfig(port=port, ipv6=True), lambda *a: None).start()
    alone = GuidListener(ListenerConfig(port=port), lambda *a: None)
    try:
        assert alone.start() == port  # nothing of the failed attempt still holds it
    finally:
        alone.stop()
