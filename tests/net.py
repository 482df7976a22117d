"""Loopback helpers shared by the server fixtures.

A server in a test binds port 0 and says which port it got. A port found free and bound
later is a race: another test process, or another checkout's suite on the same machine,
can take it in between.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A loopback port where nobody listens, for the block: it is bound (never listening),
    so a connection to it is refused and no other program can start listening there."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]
