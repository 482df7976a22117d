"""A PBMS-like file service on loopback, with the faults real servers have."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse


@dataclass
class PbmsFile:
    file_id: str
    name: str
    data: bytes
    category: str | None = None


@dataclass
class PbmsState:
    files: dict[str, list[PbmsFile]] = field(default_factory=dict)
    list_mode: str = "ok"  # ok | html | error500 | slow | flaky
    flaky_failures: int = 0  # with list_mode flaky: how many 503s before success
    download_delay: float = 0.0  # seconds per 64 KiB chunk
    downloads: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: PbmsServer

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        state = self.server.state
        url = urlparse(self.path)
        if url.path == "/api/files":
            self._list(state, parse_qs(url.query).get("guid", [""])[0])
        elif url.path.startswith("/api/download/"):
            _, _, _, guid, file_id = url.path.split("/", 4)
            self._download(state, guid, unquote(file_id))
        else:
            self._send(404, b"not found", "text/plain")

    def _list(self, state: PbmsState, guid: str) -> None:
        mode = state.list_mode
        if mode == "slow":
            time.sleep(2)
        if mode == "html":
            self._send(200, b"<html><body>Please log in</body></html>", "text/html")
            return
        if mode == "error500":
            self._send(500, b"boom", "text/plain")
            return
        if mode == "flaky":
            with state.lock:
                if state.flaky_failures > 0:
                    state.flaky_failures -= 1
                    self._send(503, b"busy", "text/plain")
                    return
        if guid not in state.files:
            self._send(404, b"{}", "application/json")
            return
        payload = {
            "files": [
                {"id": f.file_id, "name": f.name, "category": f.category, "size": len(f.data)}
                for f in state.files[guid]
            ]
        }
        self._send(200, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

    def _download(self, state: PbmsState, guid: str, file_id: str) -> None:
        match = [f for f in state.files.get(guid, []) if f.file_id == file_id]
        if not match:
            self._send(404, b"", "text/plain")
            return
        with state.lock:
            state.downloads[(guid, file_id)] += 1
        data = match[0].data
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        step = 64 * 1024
        try:
            for start in range(0, len(data), step):
                if state.download_delay:
                    time.sleep(state.download_delay)
                self.wfile.write(data[start : start + step])
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class PbmsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = PbmsState()
        self.thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def list_url(self) -> str:
        return self.base + "/api/files?guid={guid}"

    @property
    def download_url(self) -> str:
        return self.base + "/api/download/{guid}/{file_id}"

    def start(self) -> PbmsServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
