"""A restart right after traffic gets its port back; a real conflict is named as one."""

import errno
import socket

import pytest

from fps_desktop.errors import ListenerError
from fps_desktop.listener.server import GuidListener, ListenerConfig
from tests.listener.raw import exchange, request
from tests.net import refused_port


def test_a_restart_right_after_traffic_gets_the_same_port(fps_home):
    first = GuidListener(ListenerConfig(port=0), lambda *a: None)
    port = first.start()
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


WINSOCK_EXCLUSIVE = ~socket.SO_REUSEADDR  # WinSock's SO_EXCLUSIVEADDRUSE is ~SO_REUSEADDR


@pytest.fixture
def winsock_rules(monkeypatch):
    """Sockets that follow WinSock's rule for a listening socket: SO_EXCLUSIVEADDRUSE and
    SO_REUSEADDR together are refused (WinError 10022). Lists each bound socket's options."""
    bound: list[set[int]] = []
    native = hasattr(socket, "SO_EXCLUSIVEADDRUSE")  # Windows itself

    class WinSock(socket.socket):
        def setsockopt(self, level, option, value, *rest):
            if level == socket.SOL_SOCKET and option in (WINSOCK_EXCLUSIVE, socket.SO_REUSEADDR):
                held = self.__dict__.setdefault("address_options", set())
                if held | {option} == {WINSOCK_EXCLUSIVE, socket.SO_REUSEADDR}:
                    raise OSError(errno.EINVAL, "An invalid argument was supplied")
                held.add(option)
                if option == WINSOCK_EXCLUSIVE and not native:
                    return  # POSIX has no such option: it never shares a listening port anyway
            super().setsockopt(level, option, value, *rest)

        def bind(self, address):
            bound.append(self.__dict__.get("address_options", set()))
            super().bind(address)

    monkeypatch.setattr(socket, "SO_EXCLUSIVEADDRUSE", WINSOCK_EXCLUSIVE, raising=False)
    monkeypatch.setattr(socket, "socket", WinSock)
    return bound


def test_the_listener_takes_its_port_exclusively_under_windows_rules(winsock_rules, fps_home):
    listener = GuidListener(ListenerConfig(port=0, fallback_ports=[]), lambda *a: None)
    try:
        port = listener.start()
        health = request(port, "GET", "/api/health", [("Host", f"127.0.0.1:{port}"),
                                                      ("Connection", "close")])  # fmt: skip
        assert [status for status, _ in exchange(port, health)] == [200]
    finally:
        listener.stop()
    assert winsock_rules[-1] == {WINSOCK_EXCLUSIVE}  # never SO_REUSEADDR beside it


@pytest.mark.allow_log_warnings
def test_a_bind_the_system_refuses_for_its_own_reason_says_so(monkeypatch, fps_home):
    class Refusing(socket.socket):
        def bind(self, address):
            raise OSError(errno.EINVAL, "An invalid argument was supplied")

    with refused_port() as port:
        monkeypatch.setattr(socket, "socket", Refusing)
        with pytest.raises(ListenerError) as raised:
            GuidListener(ListenerConfig(port=port, fallback_ports=[]), lambda *a: None).start()
    assert str(port) in raised.value.message
    assert "An invalid argument was supplied" in raised.value.message
    assert "another port" not in raised.value.message  # IT's choice of port is not the cause
    assert "another program" not in raised.value.message
