"""A small OSS-protocol server on loopback that the unmodified oss2 SDK talks to.

It checks request signatures (V1 and V4, headers and signed URLs), stores objects
on disk, answers put/head/get/delete/list, multipart init/part/complete/list/abort
with the ETag and ``x-oss-hash-crc64ecma`` headers OSS sends, and injects faults
(5xx answers, dropped connections, slow requests, bodies corrupted in transit, answers
that are not what OSS would send) so tests can prove recovery.

It is no kinder than OSS: HEAD errors carry a status and nothing else (no ``x-oss-err``
header, no body), continuation tokens are opaque, a listing page holds at most 1,000
keys, Content-MD5 is checked before anything is stored, and a key can be write-only.
"""

from __future__ import annotations

import base64
import calendar
import contextlib
import email.utils
import hashlib
import hmac
import itertools
import os
import secrets
import shutil
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from fps_desktop.upload.crc64 import crc64, crc64_combine

CHUNK = 1 << 20
MIN_PART_SIZE = 100 * 1024
MAX_SKEW = 15 * 60
MAX_KEYS = 1000  # OSS refuses larger listing and ListParts pages
# What a write-only key (a RAM policy granting oss:PutObject alone) may do.
WRITE_OPS = frozenset(
    {"PutObject", "InitiateMultipartUpload", "UploadPart", "CompleteMultipartUpload"}
)
STATUS_CODES = {
    500: "InternalError",
    501: "NotImplemented",
    503: "ServiceUnavailable",
    403: "AccessDenied",
}

# Query parameters that V1 signs (the subresources of the OSS documentation we serve).
V1_SUBRESOURCES = frozenset(
    {
        "acl",
        "uploads",
        "uploadId",
        "partNumber",
        "security-token",
        "continuation-token",
        "bucketInfo",
        "objectMeta",
        "response-content-type",
        "response-content-disposition",
        "response-cache-control",
        "response-content-encoding",
        "response-expires",
        "response-content-language",
        "x-oss-process",
        "location",
        "stat",
    }
)


class OssFailure(Exception):
    def __init__(self, status: int, code: str, message: str, **elements: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.elements = elements  # more of the error document, as OSS adds for some codes


@dataclass
class Fault:
    """Misbehave on the next ``times`` matching requests, after letting ``skip`` pass."""

    op: str
    # "500", "501", "503", "403": that error; "drop" (no answer, nothing stored);
    # "lost" (stored, no answer); "slow"; "corrupt" (a body byte flipped in transit: with
    # Content-MD5 a 400 InvalidDigest, without it stored as received); "no-etag" (a 200
    # without ETag); "no-token" (a listing page truncated without a continuation token, a
    # ListParts page truncated whose marker does not move on);
    # "garbled" (a 200 whose body is not XML, as from a captive portal); "gone" (the
    # multipart upload is dropped first, as by a lifecycle rule: 404 NoSuchUpload)
    kind: str
    times: int = 1
    skip: int = 0
    key: str | None = None
    part: int | None = None
    delay: float = 0.5


@dataclass
class StoredObject:
    size: int
    etag: str
    crc: int
    segments: list[Path]
    headers: dict[str, str]
    modified: float
    kind: str = "Normal"


@dataclass
class Upload:
    bucket: str
    key: str
    headers: dict[str, str]
    folder: Path
    parts: dict[int, tuple[int, str, int, float]] = field(default_factory=dict)  # size, etag, crc


@dataclass(frozen=True)
class Record:
    op: str
    key: str
    part: int | None
    status: int


FAULT_KINDS = frozenset(
    {"500", "501", "503", "403", "drop", "lost", "slow", "corrupt", "no-etag", "no-token"}
    | {"garbled", "gone"}
)


class OssServer:
    """``with OssServer(tmp) as oss:`` then point oss2 at ``oss.endpoint``."""

    def __init__(
        self,
        root: Path,
        access_key_id: str = "test-ak",
        access_key_secret: str = "test-secret",
        region: str = "cn-hangzhou",
        buckets: tuple[str, ...] = ("fps-test",),
    ) -> None:
        self.root = Path(root)
        self.region = region
        self.keys: dict[str, tuple[str, str | None]] = {access_key_id: (access_key_secret, None)}
        self.read_only: set[str] = set()
        self.write_only: set[str] = set()  # keys that may put, but not head, get or list
        self.no_list: set[str] = set()  # keys that may not list the bucket
        self.clock_offset = 0.0
        self.records: list[Record] = []
        self.faults: list[Fault] = []
        self.objects: dict[tuple[str, str], StoredObject] = {}
        self.uploads: dict[str, Upload] = {}
        self.tokens: dict[str, str] = {}  # opaque continuation token -> last key listed
        self.buckets = set(buckets)
        # Buckets of another region, by the endpoint OSS names when they are asked for here.
        self.elsewhere: dict[str, str] = {}
        self.in_flight = 0
        self._lock = threading.Lock()
        self._names = itertools.count(1)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control -----------------------------------------------------------------------
    def start(self, port: int = 0) -> OssServer:
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        handler = type("Handler", (_Handler,), {"oss": self})
        self._httpd = _QuietServer(("127.0.0.1", port), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd.drop_connections()
            self._thread.join(5)
            self._httpd = None

    def __enter__(self) -> OssServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def add_sts(self, access_key_id: str, secret: str, token: str) -> None:
        self.keys[access_key_id] = (secret, token)

    def inject(self, op: str, kind: str, **options) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}")
        fault = Fault(op, kind, **options)
        with self._lock:
            self.faults.append(fault)
        return fault

    def count(self, op: str, status: int | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.records if r.op == op and status in (None, r.status))

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until no request is being served (a killed client's last parts land)."""
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.01)

    def stored_parts(self, key: str) -> list[int]:
        """Part numbers stored for ``key``, one entry per successful UploadPart."""
        with self._lock:
            return [
                r.part
                for r in self.records
                if r.op == "UploadPart" and r.key == key and r.status == 200
            ]

    def read_object(self, key: str, bucket: str = "fps-test") -> bytes:
        stored = self.objects[(bucket, key)]
        return b"".join(p.read_bytes() for p in stored.segments)

    def put_object(
        self, key: str, data: bytes, bucket: str = "fps-test", multipart: bool = False, **headers
    ) -> None:
        """Store an object as another client would (``multipart``: joined from one part)."""
        path = self._new_file()
        path.write_bytes(data)
        etag = hashlib.md5(data).hexdigest().upper()
        if multipart:
            etag = hashlib.md5(bytes.fromhex(etag)).hexdigest().upper() + "-1"
        self._store(
            bucket,
            key,
            StoredObject(
                len(data),
                etag,
                crc64(data),
                [path],
                {k.lower(): v for k, v in headers.items()},
                time.time(),
                "Multipart" if multipart else "Normal",
            ),
        )

    # -- internals shared with the handler ----------------------------------------------
    def _new_file(self) -> Path:
        return self.root / "data" / f"{next(self._names)}-{uuid.uuid4().hex[:8]}"

    def _store(self, bucket: str, key: str, stored: StoredObject) -> None:
        with self._lock:
            old = self.objects.get((bucket, key))
            self.objects[(bucket, key)] = stored
        if old is not None:
            for path in old.segments:
                path.unlink(missing_ok=True)

    def _take_fault(self, op: str, key: str, part: int | None) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.op != op or fault.times <= 0:
                    continue
                if (fault.key not in (None, key)) or (fault.part not in (None, part)):
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    return None
                fault.times -= 1
                return fault
        return None

    def _record(self, op: str, key: str, part: int | None, status: int) -> None:
        with self._lock:
            self.records.append(Record(op, key, part, status))


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def process_request(self, request, client_address) -> None:
        with self.connections_lock:
            self.open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self.connections_lock:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        """A stopped server keeps no kept-alive connection either, as a dead one would."""
        with self.connections_lock:
            for connection in self.open_connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request, client_address) -> None:
        """Clients that hang up (dropped faults, killed uploaders) are normal here."""


def _uri_encode(text: str, keep_slash: bool) -> str:
    return quote(text, safe="-_.~" + ("/" if keep_slash else ""))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    oss: OssServer

    def log_message(self, format, *args) -> None:  # quiet: tests read records instead
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    # -- dispatch ------------------------------------------------------------------------
    def _serve(self, method: str) -> None:
        split = urlsplit(self.path)
        self.params = dict(parse_qsl(split.query, keep_blank_values=True))
        path = unquote(split.path)[1:]
        self.bucket, _, self.key = path.partition("/")
        self.method = method
        self._body_read = False
        self.headers_lower = {k.lower(): v for k, v in self.headers.items()}
        op = self._operation()
        part = int(self.params["partNumber"]) if "partNumber" in self.params else None
        with self.oss._lock:
            self.oss.in_flight += 1
        try:
            self._answer(op, part)
        finally:
            with self.oss._lock:
                self.oss.in_flight -= 1

    def _answer(self, op: str, part: int | None) -> None:
        method = self.method
        fault = self.oss._take_fault(op, self.key, part)
        kind = fault.kind if fault is not None else ""
        self.corrupt, self.no_token = kind == "corrupt", kind == "no-token"
        try:
            if fault is not None and fault.kind == "gone":
                with self.oss._lock:
                    self.oss.uploads.pop(self.params.get("uploadId", ""), None)
            if fault is not None and fault.kind == "slow":
                time.sleep(fault.delay)
            if fault is not None and fault.kind == "drop":
                self._drop()
                self.oss._record(op, self.key, part, 0)
                return
            if fault is not None and fault.kind.isdigit():
                self._read_body_to(None)
                status = int(fault.kind)
                raise OssFailure(status, STATUS_CODES[status], "Injected error.")
            if self.bucket in self.oss.elsewhere:  # before the signature, as OSS does
                raise OssFailure(
                    403,
                    "AccessDenied",
                    "The bucket you are attempting to access must be addressed using the "
                    "specified endpoint. Please send all future requests to this endpoint.",
                    Bucket=self.bucket,
                    Endpoint=self.oss.elsewhere[self.bucket],
                )
            self._authenticate()
            if self.bucket not in self.oss.buckets:
                raise OssFailure(404, "NoSuchBucket", "The specified bucket does not exist.")
            if method in ("PUT", "POST", "DELETE") and self._access_key in self.oss.read_only:
                raise OssFailure(403, "AccessDenied", "You have no right to access this object.")
            if op.startswith("ListObjects") and self._access_key in self.oss.no_list:
                raise OssFailure(403, "AccessDenied", "You have no right to list this bucket.")
            if self._access_key in self.oss.write_only and op not in WRITE_OPS:
                raise OssFailure(403, "AccessDenied", "You have no right to access this object.")
            status, headers, body = getattr(self, "_op_" + op)()
            if fault is not None and fault.kind == "no-etag":
                headers.pop("ETag")
            if fault is not None and fault.kind == "garbled":
                headers["Content-Type"] = "text/html"
                body = b"<html><body>Please log in to the network first.</body></html>"
            if fault is not None and fault.kind == "lost":
                self._drop()
                self.oss._record(op, self.key, part, status)
                return
        except OssFailure as failure:
            self.oss._record(op, self.key, part, failure.status)
            if not self._body_read:
                self._read_body_to(None)
            self._send_error(failure)
            return
        except (ConnectionError, TimeoutError):
            self.oss._record(op, self.key, part, 0)
            self.close_connection = True
            return
        self.oss._record(op, self.key, part, status)
        self._send(status, headers, body)

    def _operation(self) -> str:
        p, m = self.params, self.method
        if not self.key:
            if m == "GET" and "bucketInfo" in p:
                return "GetBucketInfo"
            return "ListObjectsV2" if p.get("list-type") == "2" else "ListObjects"
        if "uploads" in p and m == "POST":
            return "InitiateMultipartUpload"
        if "uploadId" in p:
            return {
                "PUT": "UploadPart",
                "POST": "CompleteMultipartUpload",
                "GET": "ListParts",
                "DELETE": "AbortMultipartUpload",
            }[m]
        return {
            "PUT": "PutObject",
            "GET": "GetObject",
            "HEAD": "HeadObject",
            "DELETE": "DeleteObject",
            "POST": "PostObject",
        }[m]

    # -- signatures ----------------------------------------------------------------------
    def _secret(self, access_key: str, token: str | None) -> str:
        if access_key not in self.oss.keys:
            raise OssFailure(
                403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist."
            )
        secret, expected_token = self.oss.keys[access_key]
        if expected_token is not None and token != expected_token:
            raise OssFailure(403, "InvalidSecurityToken", "The security token is invalid.")
        self._access_key = access_key
        return secret

    def _check_time(self, when: float) -> None:
        if abs(time.time() + self.oss.clock_offset - when) > MAX_SKEW:
            raise OssFailure(
                403,
                "RequestTimeTooSkewed",
                "The difference between the request time and the current time is too large.",
            )

    def _authenticate(self) -> None:
        auth = self.headers_lower.get("authorization", "")
        if auth.startswith("OSS4-HMAC-SHA256 "):
            self._check_v4(auth)
        elif auth.startswith("OSS "):
            access_key, _, signature = auth[4:].partition(":")
            secret = self._secret(access_key, self.headers_lower.get("x-oss-security-token"))
            date = self.headers_lower.get("x-oss-date") or self.headers_lower.get("date", "")
            parsed = email.utils.parsedate_tz(date)
            if parsed is None:
                raise OssFailure(403, "AccessDenied", "The Date header is missing or invalid.")
            self._check_time(email.utils.mktime_tz(parsed))
            self._compare(signature, self._v1_signature(secret, date, self.params))
        elif "OSSAccessKeyId" in self.params:
            params = dict(self.params)
            access_key, expires = params.pop("OSSAccessKeyId"), params.pop("Expires", "0")
            signature = params.pop("Signature", "")
            secret = self._secret(access_key, params.get("security-token"))
            if time.time() + self.oss.clock_offset > int(expires):
                raise OssFailure(403, "AccessDenied", "Request has expired.")
            self._compare(signature, self._v1_signature(secret, expires, params))
        elif self.params.get("x-oss-signature-version") == "OSS4-HMAC-SHA256":
            self._check_v4_url()
        else:
            raise OssFailure(403, "AccessDenied", "You have no right to access this object.")

    def _compare(self, given: str, expected: str) -> None:
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise OssFailure(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )

    def _v1_signature(self, secret: str, date: str, params: dict[str, str]) -> str:
        h = self.headers_lower
        oss_headers = "".join(f"{k}:{v}\n" for k, v in sorted(h.items()) if k.startswith("x-oss-"))
        sub = sorted((k, v) for k, v in params.items() if k in V1_SUBRESOURCES)
        query = "&".join(f"{k}={v}" if v else k for k, v in sub)
        resource = f"/{self.bucket}/{self.key}" + (f"?{query}" if query else "")
        text = "\n".join(
            [
                self.method,
                h.get("content-md5", ""),
                h.get("content-type", ""),
                date,
                oss_headers + resource,
            ]
        )
        digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()

    def _v4_signature(
        self,
        secret: str,
        stamp: str,
        scope: str,
        params: dict[str, str],
        additional: list[str],
        payload: str,
    ) -> str:
        h = self.headers_lower
        signed = sorted(
            (k, v)
            for k, v in h.items()
            if k.startswith("x-oss-") or k in ("content-type", "content-md5") or k in additional
        )
        query = sorted((_uri_encode(k, False), _uri_encode(v, False)) for k, v in params.items())
        canonical = "\n".join(
            [
                self.method,
                _uri_encode(f"/{self.bucket}/{self.key}", True),
                "&".join(f"{k}={v}" if v else k for k, v in query),
                "".join(f"{k}:{v}\n" for k, v in signed),
                ";".join(sorted(additional)),
                payload,
            ]
        )
        text = "\n".join(
            ["OSS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()]
        )
        date, region, product, _ = scope.split("/")
        key = ("aliyun_v4" + secret).encode()
        for part in (date, region, product, "aliyun_v4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()

    def _v4_scope(self, credential: str, stamp: str) -> tuple[str, str]:
        access_key, _, scope = credential.partition("/")
        date, region, _, terminal = [*scope.split("/"), "", "", "", ""][:4]
        if date != stamp[:8] or region != self.oss.region or terminal != "aliyun_v4_request":
            raise OssFailure(403, "SignatureDoesNotMatch", "Invalid credential scope.")
        return access_key, scope

    def _check_v4(self, auth: str) -> None:
        fields = dict(item.strip().partition("=")[::2] for item in auth[17:].split(","))
        stamp = self.headers_lower.get("x-oss-date", "")
        access_key, scope = self._v4_scope(fields.get("Credential", ""), stamp)
        secret = self._secret(access_key, self.headers_lower.get("x-oss-security-token"))
        self._check_time(calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ")))
        additional = [a for a in fields.get("AdditionalHeaders", "").split(";") if a]
        payload = self.headers_lower.get("x-oss-content-sha256", "UNSIGNED-PAYLOAD")
        expected = self._v4_signature(secret, stamp, scope, self.params, additional, payload)
        self._compare(fields.get("Signature", ""), expected)

    def _check_v4_url(self) -> None:
        params = dict(self.params)
        signature = params.pop("x-oss-signature", "")
        stamp = params["x-oss-date"]
        access_key, scope = self._v4_scope(params["x-oss-credential"], stamp)
        secret = self._secret(access_key, params.get("x-oss-security-token"))
        issued = calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ"))
        if time.time() + self.oss.clock_offset > issued + int(params["x-oss-expires"]):
            raise OssFailure(403, "AccessDenied", "Request has expired.")
        additional = [a for a in params.get("x-oss-additional-headers", "").split(";") if a]
        expected = self._v4_signature(secret, stamp, scope, params, additional, "UNSIGNED-PAYLOAD")
        self._compare(signature, expected)

    # -- bodies --------------------------------------------------------------------------
    def _chunks(self):
        self._body_read = True
        if self.headers_lower.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return
                left = size
                while left:
                    data = self.rfile.read(min(CHUNK, left))
                    if not data:
                        raise ConnectionError("client went away")
                    left -= len(data)
                    yield data
                self.rfile.readline()
        left = int(self.headers_lower.get("content-length", "0"))
        while left:
            data = self.rfile.read(min(CHUNK, left))
            if not data:
                raise ConnectionError("client went away")
            left -= len(data)
            yield data

    def _read_body_to(self, path: Path | None) -> tuple[int, str, int, bytes]:
        """Stream the body to ``path``; return size, MD5 hex, CRC64 and raw MD5."""
        md5, crc, size = hashlib.md5(), 0, 0
        handle = open(path, "wb") if path is not None else None  # noqa: SIM115
        corrupt = self.corrupt
        try:
            for data in self._chunks():
                if corrupt and data:
                    data, corrupt = bytes([data[0] ^ 0x40]) + data[1:], False
                md5.update(data)
                crc = crc64(data, crc)
                size += len(data)
                if handle:
                    handle.write(data)
        except BaseException:
            if handle:
                handle.close()
                path.unlink(missing_ok=True)
            raise
        if handle:
            handle.close()
        return size, md5.hexdigest().upper(), crc, md5.digest()

    def _stored_body(self, path: Path) -> tuple[int, str, int]:
        """Store the body, unless its Content-MD5 (when given) says it changed in transit."""
        size, etag, crc, digest = self._read_body_to(path)
        given = self.headers_lower.get("content-md5")
        if given is not None and given != base64.b64encode(digest).decode():
            path.unlink(missing_ok=True)
            raise OssFailure(400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
        return size, etag, crc

    def _user_headers(self) -> dict[str, str]:
        keep = ("content-type", "content-disposition", "cache-control")
        return {
            k: v for k, v in self.headers_lower.items() if k.startswith("x-oss-meta-") or k in keep
        }

    # -- operations ----------------------------------------------------------------------
    def _op_PutObject(self):  # noqa: N802
        path = self.oss._new_file()
        size, etag, crc = self._stored_body(path)
        self.oss._store(
            self.bucket,
            self.key,
            StoredObject(size, etag, crc, [path], self._user_headers(), time.time()),
        )
        return 200, {"ETag": f'"{etag}"', "x-oss-hash-crc64ecma": str(crc)}, b""

    def _object(self) -> StoredObject:
        stored = self.oss.objects.get((self.bucket, self.key))
        if stored is None:
            raise OssFailure(404, "NoSuchKey", "The specified key does not exist.")
        return stored

    def _object_headers(self, stored: StoredObject) -> dict[str, str]:
        return {
            **stored.headers,
            "ETag": f'"{stored.etag}"',
            "x-oss-object-type": stored.kind,
            "x-oss-hash-crc64ecma": str(stored.crc),
            "Last-Modified": email.utils.formatdate(stored.modified, usegmt=True),
        }

    def _op_HeadObject(self):  # noqa: N802
        stored = self._object()
        return 200, {**self._object_headers(stored), "Content-Length": str(stored.size)}, None

    def _op_GetObject(self):  # noqa: N802
        stored = self._object()
        return 200, self._object_headers(stored), stored

    def _op_DeleteObject(self):  # noqa: N802
        with self.oss._lock:
            stored = self.oss.objects.pop((self.bucket, self.key), None)
        for path in stored.segments if stored else ():
            path.unlink(missing_ok=True)
        return 204, {}, b""

    def _op_InitiateMultipartUpload(self):  # noqa: N802
        upload_id = uuid.uuid4().hex.upper()
        folder = self.oss.root / "uploads" / upload_id
        folder.mkdir(parents=True)
        with self.oss._lock:
            self.oss.uploads[upload_id] = Upload(
                self.bucket, self.key, self._user_headers(), folder
            )
        body = (
            f"<InitiateMultipartUploadResult><Bucket>{escape(self.bucket)}</Bucket>"
            f"<Key>{escape(self.key)}</Key><UploadId>{upload_id}</UploadId>"
            "</InitiateMultipartUploadResult>"
        )
        return 200, {"Content-Type": "application/xml"}, body.encode()

    def _upload(self) -> Upload:
        upload = self.oss.uploads.get(self.params["uploadId"])
        if upload is None or upload.key != self.key or upload.bucket != self.bucket:
            raise OssFailure(404, "NoSuchUpload", "The specified upload does not exist.")
        return upload

    def _op_UploadPart(self):  # noqa: N802
        upload = self._upload()
        number = int(self.params["partNumber"])
        if not 1 <= number <= 10000:
            raise OssFailure(400, "InvalidArgument", "Part number must be between 1 and 10000.")
        tmp = upload.folder / f".{number}.{uuid.uuid4().hex[:6]}"
        size, etag, crc = self._stored_body(tmp)
        os.replace(tmp, upload.folder / str(number))
        with self.oss._lock:
            upload.parts[number] = (size, etag, crc, time.time())
        return 200, {"ETag": f'"{etag}"', "x-oss-hash-crc64ecma": str(crc)}, b""

    def _op_ListParts(self):  # noqa: N802
        upload = self._upload()
        marker = int(self.params.get("part-number-marker") or 0)
        limit = self._page_size("max-parts", MAX_KEYS)
        numbers = sorted(n for n in upload.parts if n > marker)
        page, truncated = numbers[:limit], len(numbers) > limit
        if self.no_token:  # "there is more", and the marker stays where it was
            page, truncated = numbers[:1], True
        items = "".join(
            f"<Part><PartNumber>{n}</PartNumber><LastModified>{_iso(upload.parts[n][3])}"
            f'</LastModified><ETag>"{upload.parts[n][1]}"</ETag>'
            f"<Size>{upload.parts[n][0]}</Size></Part>"
            for n in page
        )
        body = (
            f"<ListPartsResult><Bucket>{escape(self.bucket)}</Bucket>"
            f"<Key>{escape(self.key)}</Key><UploadId>{self.params['uploadId']}</UploadId>"
            f"<NextPartNumberMarker>{marker if self.no_token else page[-1] if page else 0}"
            "</NextPartNumberMarker>"
            f"<MaxParts>{limit}</MaxParts><IsTruncated>{str(truncated).lower()}</IsTruncated>"
            f"{items}</ListPartsResult>"
        )
        return 200, {"Content-Type": "application/xml"}, body.encode()

    def _op_CompleteMultipartUpload(self):  # noqa: N802
        upload = self._upload()
        root = ElementTree.fromstring(b"".join(self._chunks()))
        chosen = [
            (int(p.findtext("PartNumber")), p.findtext("ETag").strip('"'))
            for p in root.findall("Part")
        ]
        if not chosen or [n for n, _ in chosen] != sorted({n for n, _ in chosen}):
            raise OssFailure(400, "InvalidPartOrder", "The list of parts was not in order.")
        crc, size, digests, segments = 0, 0, b"", []
        for index, (number, etag) in enumerate(chosen):
            part = upload.parts.get(number)
            if part is None or part[1] != etag:
                raise OssFailure(400, "InvalidPart", "One or more of the parts was not found.")
            if part[0] < MIN_PART_SIZE and index < len(chosen) - 1:
                raise OssFailure(400, "EntityTooSmall", "Your proposed upload is too small.")
            crc = crc64_combine(crc, part[2], part[0])
            size += part[0]
            digests += bytes.fromhex(part[1])
            segments.append(upload.folder / str(number))
        etag = f"{hashlib.md5(digests).hexdigest().upper()}-{len(chosen)}"
        final = []
        for segment in segments:
            target = self.oss._new_file()
            os.replace(segment, target)
            final.append(target)
        with self.oss._lock:
            self.oss.uploads.pop(self.params["uploadId"], None)
        self.oss._store(
            self.bucket,
            self.key,
            StoredObject(size, etag, crc, final, upload.headers, time.time(), "Multipart"),
        )
        shutil.rmtree(upload.folder, ignore_errors=True)
        body = (
            f"<CompleteMultipartUploadResult><Bucket>{escape(self.bucket)}</Bucket>"
            f'<Key>{escape(self.key)}</Key><ETag>"{etag}"</ETag>'
            "</CompleteMultipartUploadResult>"
        )
        headers = {
            "Content-Type": "application/xml",
            "ETag": f'"{etag}"',
            "x-oss-hash-crc64ecma": str(crc),
        }
        return 200, headers, body.encode()

    def _op_AbortMultipartUpload(self):  # noqa: N802
        upload = self._upload()
        with self.oss._lock:
            self.oss.uploads.pop(self.params["uploadId"], None)
        shutil.rmtree(upload.folder, ignore_errors=True)
        return 204, {}, b""

    def _list(self, start_after: str, limit: int):
        prefix, delimiter = self.params.get("prefix", ""), self.params.get("delimiter", "")
        with self.oss._lock:
            keys = sorted(
                k
                for b, k in self.oss.objects
                if b == self.bucket and k.startswith(prefix) and k > start_after
            )
        contents, prefixes, last = [], [], ""
        for key in keys:
            if len(contents) + len(prefixes) >= limit:
                return contents, prefixes, last, True
            folded = key.find(delimiter, len(prefix)) if delimiter else -1
            if folded >= 0:
                common = key[: folded + len(delimiter)]
                if prefixes and prefixes[-1] == common:
                    continue
                prefixes.append(common)
            else:
                contents.append(key)
            last = key
        return contents, prefixes, last, False

    def _list_body(self, tag: str, head: str, contents, prefixes, truncated) -> bytes:
        url = self.params.get("encoding-type") == "url"

        def name(text: str) -> str:
            return escape(quote(text, safe="/") if url else text)

        items = []
        for key in contents:
            stored = self.oss.objects.get((self.bucket, key))
            if stored is None:
                continue
            items.append(
                f"<Contents><Key>{name(key)}</Key><LastModified>{_iso(stored.modified)}"
                f'</LastModified><ETag>"{stored.etag}"</ETag><Type>{stored.kind}</Type>'
                f"<Size>{stored.size}</Size><StorageClass>Standard</StorageClass>"
                "</Contents>"
            )
        items += [f"<CommonPrefixes><Prefix>{name(p)}</Prefix></CommonPrefixes>" for p in prefixes]
        encoding = "<EncodingType>url</EncodingType>" if url else ""
        return (
            f"<{tag}><Name>{escape(self.bucket)}</Name>{head}{encoding}"
            f"<IsTruncated>{str(truncated).lower()}</IsTruncated>{''.join(items)}</{tag}>"
        ).encode()

    def _page_size(self, name: str, default: int) -> int:
        text = self.params.get(name) or str(default)
        if not text.isdigit() or not 1 <= int(text) <= MAX_KEYS:
            raise OssFailure(400, "InvalidArgument", f"{name} must be between 1 and {MAX_KEYS}.")
        return int(text)

    def _op_ListObjects(self):  # noqa: N802
        limit = self._page_size("max-keys", 100)
        contents, prefixes, last, truncated = self._list(self.params.get("marker", ""), limit)
        head = f"<NextMarker>{escape(quote(last, safe='/'))}</NextMarker>" if truncated else ""
        body = self._list_body("ListBucketResult", head, contents, prefixes, truncated)
        return 200, {"Content-Type": "application/xml"}, body

    def _op_ListObjectsV2(self):  # noqa: N802
        limit = self._page_size("max-keys", 100)
        start = self.params.get("start-after", "")
        if self.params.get("continuation-token"):
            start = self.oss.tokens.get(self.params["continuation-token"])
            if start is None:
                raise OssFailure(400, "InvalidArgument", "The continuation token is not valid.")
        contents, prefixes, last, truncated = self._list(start, limit)
        head = ""
        if truncated and not self.no_token:
            token = base64.b64encode(secrets.token_bytes(24)).decode()
            with self.oss._lock:
                self.oss.tokens[token] = last
            head = f"<NextContinuationToken>{escape(token)}</NextContinuationToken>"
        truncated = truncated or self.no_token
        body = self._list_body("ListBucketResult", head, contents, prefixes, truncated)
        return 200, {"Content-Type": "application/xml"}, body

    # -- answers -------------------------------------------------------------------------
    def _request_id(self) -> str:
        return uuid.uuid4().hex[:24].upper()

    def _send(self, status: int, headers: dict[str, str], body) -> None:
        self.send_response(status)
        self.send_header("x-oss-request-id", self._request_id())
        self.send_header("Date", email.utils.formatdate(usegmt=True))
        for key, value in headers.items():
            self.send_header(key, value)
        if isinstance(body, StoredObject):
            self.send_header("Content-Length", str(body.size))
            self.end_headers()
            for path in body.segments:
                with open(path, "rb") as handle:
                    shutil.copyfileobj(handle, self.wfile, CHUNK)
            return
        if body is not None:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.method != "HEAD":
            self.wfile.write(body)

    def _send_error(self, failure: OssFailure) -> None:
        request_id = self._request_id()
        xml = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{failure.code}</Code>'
            f"<Message>{escape(failure.message)}</Message><RequestId>{request_id}</RequestId>"
            "<HostId>127.0.0.1</HostId>"
            + "".join(f"<{tag}>{escape(text)}</{tag}>" for tag, text in failure.elements.items())
            + "</Error>"
        ).encode()
        self.send_response(failure.status)
        self.send_header("x-oss-request-id", request_id)
        if self.method == "HEAD":  # OSS says nothing but the status: no body, no x-oss-err
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(xml)))
        self.end_headers()
        self.wfile.write(xml)

    def _drop(self) -> None:
        """Close the connection without an answer, as a reset or a crashed proxy would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _iso(stamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(stamp))


if __name__ == "__main__":  # a server in its own process, for benchmarks
    import sys

    server = OssServer(Path(sys.argv[1])).start()
    print(server.endpoint, flush=True)
    sys.stdin.read()  # runs until the parent closes our stdin
    server.stop()
