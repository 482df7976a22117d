"""A TCP proxy to the test MariaDB that goes silent, as a hung server does, once a client
sends a statement holding a given text: the connection stays open and nothing comes back."""

from __future__ import annotations

import contextlib
import socket
import threading


class HangingProxy:
    def __init__(self, target_port: int, hang_on: bytes) -> None:
        self.target_port = target_port
        self.hang_on = hang_on
        self.hung = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, server]
            silent = threading.Event()
            threading.Thread(target=self._pump, args=(client, server, silent, True),
                             daemon=True).start()  # fmt: skip
            threading.Thread(target=self._pump, args=(server, client, silent, False),
                             daemon=True).start()  # fmt: skip

    def _pump(self, source, sink, silent: threading.Event, from_client: bool) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                if from_client and self.hang_on in chunk:
                    silent.set()
                    self.hung.set()
                if not from_client and silent.is_set():
                    continue  # the server's answers are swallowed: the client hears nothing
                sink.sendall(chunk)

    def close(self) -> None:
        self.stopped.set()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()
