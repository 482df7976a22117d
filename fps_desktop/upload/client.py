"""Talking to OSS through oss2: credentials, retries with backoff, errors in plain words.

oss2 never retries a request itself, so every call goes through ``Retrying``:
transient failures (5xx, resets, timeouts, data changed in transit) are retried with
exponential backoff; anything the user must fix becomes an ``UploadError``, and so
does an answer oss2 cannot read (a proxy's HTML page, a listing cut short).
"""

from __future__ import annotations

import logging
import os
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar
from xml.etree import ElementTree

import oss2
import requests
from oss2.exceptions import InconsistentError, NotFound, OssError, RequestError, ServerError

from fps_desktop.config import Settings, get_secret
from fps_desktop.errors import QT_TRANSLATE_NOOP, UploadError, UsageError
from fps_desktop.jobs import CancelToken

log = logging.getLogger(__name__)
logging.getLogger("oss2").setLevel(logging.WARNING)  # it logs every request and error at INFO

SECRET_NAME = "oss.access_key_secret"
TOKEN_NAME = "oss.security_token"
# Seed 002's environment variables, for cron and scripts; they win over the settings.
ENV = {
    "endpoint": "OSS_ENDPOINT",
    "bucket": "OSS_BUCKET_NAME",
    "access_key_id": "OSS_ACCESS_KEY_ID",
    "secret": "OSS_ACCESS_KEY_SECRET",
    "token": "OSS_SECURITY_TOKEN",
}
_REGION = re.compile(r"oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com")

T = TypeVar("T")
# What oss2 raises for an answer it cannot parse: a missing element, text that is not
# XML, a number that is not one.
UNREADABLE = (
    ElementTree.ParseError,
    RuntimeError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
)


@dataclass(frozen=True)
class OssConfig:
    endpoint: str
    bucket: str
    access_key_id: str
    secret: str
    security_token: str | None = None
    region: str | None = None  # set: signature V4; unset: V1 (custom endpoints)
    retries: int = 3
    timeout: float = 60.0
    backoff: float = 0.5  # first wait in seconds; doubles each retry

    def __repr__(self) -> str:  # never print the secret
        return f"OssConfig({self.endpoint!r}, {self.bucket!r}, {self.access_key_id!r})"

    @classmethod
    def from_settings(
        cls, settings: Settings, bucket: str | None = None, env: dict[str, str] | None = None
    ) -> OssConfig:
        env = os.environ if env is None else env
        endpoint = env.get(ENV["endpoint"]) or settings.get("oss.endpoint")
        key_id = env.get(ENV["access_key_id"]) or settings.get("oss.access_key_id")
        if env.get(ENV["secret"]):  # the environment gives the whole set of credentials
            secret, token = env[ENV["secret"]], env.get(ENV["token"]) or None
        else:
            secret, token = get_secret(SECRET_NAME), get_secret(TOKEN_NAME) or None
        bucket = bucket or env.get(ENV["bucket"]) or settings.get("oss.bucket")
        if not (endpoint and key_id and secret and bucket):
            raise UsageError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "OSS is not set up: enter the endpoint, bucket, AccessKey ID and secret in "
                    "the upload settings.",
                )
            )
        return cls(
            endpoint_url(endpoint),
            bucket,
            key_id,
            secret,
            token,
            region_of(endpoint),
            retries=settings.get("oss.retries"),
        )

    def connect(self, pool_size: int = 10) -> oss2.Bucket:
        if self.security_token:
            auth = oss2.StsAuth(
                self.access_key_id,
                self.secret,
                self.security_token,
                auth_version="v4" if self.region else "v1",
            )
        elif self.region:
            auth = oss2.AuthV4(self.access_key_id, self.secret)
        else:
            auth = oss2.Auth(self.access_key_id, self.secret)
        session = oss2.Session(pool_size=pool_size)
        _read_environment_once(session.session, self.endpoint)
        return oss2.Bucket(
            auth,
            self.endpoint,
            self.bucket,
            region=self.region,
            connect_timeout=self.timeout,
            enable_crc=False,  # the uploader checks CRC64 itself, over whole buffers
            session=session,
        )


def _read_environment_once(session: requests.Session, endpoint: str) -> None:
    """Take the proxy and CA bundle from the environment now, not on every request.

    requests re-reads the whole environment (proxies, no_proxy, netrc) for each
    request, about a third of the CPU a small file's upload costs.
    """
    session.proxies.update(requests.utils.get_environ_proxies(endpoint))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.trust_env = False


def endpoint_url(endpoint: str) -> str:
    endpoint = endpoint.strip().rstrip("/")
    return endpoint if "://" in endpoint else "https://" + endpoint


def region_of(endpoint: str) -> str | None:
    match = _REGION.search(endpoint)
    return match.group(1) if match else None


def is_transient(exc: Exception) -> bool:
    """Worth sending again: the network, a busy server, or data changed on the way.

    501 Not Implemented never gets better; 400 InvalidDigest is OSS saying the body
    it received does not match its Content-MD5, the same as a CRC mismatch.
    """
    if isinstance(exc, RequestError | InconsistentError):
        return True
    if not isinstance(exc, ServerError):
        return False
    if exc.status == 400:
        return exc.code == "InvalidDigest"
    return (exc.status >= 500 and exc.status != 501) or exc.status in (408, 429)


def is_refused(exc: Exception) -> bool:
    """403: the key may not do this (HEAD answers carry the status and nothing else)."""
    return isinstance(exc, ServerError) and exc.status == 403 and not is_fatal(exc)


def unreadable_answer(what: str, exc: Exception) -> UploadError:
    return UploadError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "OSS answered {what} with something FPS Desktop cannot read ({reason}). A proxy "
            "or gateway between this computer and OSS may be changing the answers.",
        ),
        what=what,
        reason=_short(f"{type(exc).__name__}: {exc}"),
    )


def plain_error(exc: Exception, config: OssConfig, code: str = "") -> UploadError:
    """An OSS or network failure in words an admin can act on (``code``: known better)."""
    code = code or getattr(exc, "code", "")
    status = getattr(exc, "status", 0)
    if isinstance(exc, RequestError):
        return UploadError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "Cannot reach OSS at {endpoint} ({reason}). The upload stopped; resume the "
                "task once the network and OSS are back, and it carries on where it stopped.",
            ),
            endpoint=config.endpoint,
            reason=network_reason(exc),
        )
    if isinstance(exc, InconsistentError) or code == "InvalidDigest":
        return changed_in_transit()
    if region_endpoint := _endpoint_named(exc):
        return UploadError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "The bucket {bucket} is in another region than the endpoint {endpoint}: OSS "
                "says to use {right}. Set the endpoint to {right} in the upload settings.",
            ),
            bucket=config.bucket,
            endpoint=config.endpoint,
            right=region_endpoint,
        )
    if not code and status in (403, 404):  # HEAD: the status is all OSS says
        code = "AccessDenied" if status == 403 else "NotFound"
    messages = {
        "InvalidAccessKeyId": QT_TRANSLATE_NOOP(
            "FpsError",
            "OSS does not know the AccessKey ID {key_id}. Check it in the upload settings.",
        ),
        "SignatureDoesNotMatch": QT_TRANSLATE_NOOP(
            "FpsError",
            "OSS refused the AccessKey secret: it does not match the AccessKey ID "
            "{key_id}. Enter the secret again in the upload settings.",
        ),
        "NoSuchBucket": QT_TRANSLATE_NOOP(
            "FpsError",
            "There is no bucket {bucket} at {endpoint}. Check the bucket name and "
            "the endpoint (region).",
        ),
        "RequestTimeTooSkewed": QT_TRANSLATE_NOOP(
            "FpsError",
            "This computer's clock is more than 15 minutes off, so OSS refuses "
            "the request. Correct the date and time, then try again.",
        ),
        "AccessDenied": QT_TRANSLATE_NOOP(
            "FpsError",
            "The AccessKey {key_id} has no permission for this in bucket {bucket}. "
            "Ask the OSS administrator for write access.",
        ),
        "NotImplemented": QT_TRANSLATE_NOOP(
            "FpsError",
            "The server at {endpoint} does not support this OSS request; it may be a "
            "storage service that only imitates OSS.",
        ),
        "NotFound": QT_TRANSLATE_NOOP(
            "FpsError", "OSS answered 404: there is no such object or bucket {bucket}."
        ),
        "InvalidSecurityToken": QT_TRANSLATE_NOOP(
            "FpsError", "The temporary (STS) security token is invalid. Get a new one."
        ),
        "SecurityTokenExpired": QT_TRANSLATE_NOOP(
            "FpsError", "The temporary (STS) security token has expired. Get a new one."
        ),
    }
    params = {"key_id": config.access_key_id, "bucket": config.bucket, "endpoint": config.endpoint}
    if status == 501:
        code = "NotImplemented"
    if code in messages:
        return UploadError(messages[code], **params)
    return UploadError(
        QT_TRANSLATE_NOOP("FpsError", "OSS answered {status} {code}: {detail}"),
        status=status,
        code=code or "-",
        detail=_short(getattr(exc, "message", "") or str(exc)),
    )


_ERRNO_TEXT = re.compile(r"\[Errno -?\d+\] ([^'\"\])]+)")


def network_reason(exc: RequestError) -> str:
    """The operating system's reason inside the HTTP stack's wrapping: "Connection refused"."""
    text = str(exc.exception or exc)
    if match := _ERRNO_TEXT.search(text):
        return match.group(1).strip()
    lowered = text.lower()
    if "timed out" in lowered or "timeout" in lowered:
        return "no answer in time"
    if "aborted" in lowered or "disconnected" in lowered or "reset" in lowered:
        return "the connection was closed"
    return _short(text)


# Failures that will hit every file alike: stop the batch instead of failing each file.
FATAL_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "NoSuchBucket",
    "RequestTimeTooSkewed",
    "InvalidSecurityToken",
    "SecurityTokenExpired",
}


def is_fatal(exc: Exception) -> bool:
    """Also OSS out of reach after the retries: every other file would wait as long."""
    return isinstance(exc, RequestError) or getattr(exc, "code", "") in FATAL_CODES


def changed_in_transit() -> UploadError:
    return UploadError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "The data changed on the way to OSS every time it was sent (Content-MD5 or "
            "CRC check failed). Check the network, proxy or antivirus between here and OSS.",
        )
    )


PROBE = ".fps-access-check"


@dataclass(frozen=True)
class Access:
    """What a key may do besides writing, which every upload needs."""

    can_read: bool  # HEAD: instant upload by MD5, and checks after a lost answer
    can_list: bool | None = None  # one listing instead of a HEAD per file; None: not asked


def check_access(
    bucket: oss2.Bucket, config: OssConfig, prefix: str = "", retrying: Retrying | None = None
) -> Access:
    """Test what an upload needs, a write (an empty probe object), then whether HEAD works.

    A wrong key, secret, bucket, clock or token shows up in the write's answer; a
    missing bucket by its 404 alone, since a write cannot miss its key. The probe is
    removed again where the key may delete.
    """
    probe = prefix + PROBE
    call = retrying or Retrying(config, CancelToken())
    try:
        call("access check", lambda: bucket.put_object(probe, b""))
    except OssError as exc:
        raise _write_refused(exc, config, prefix) from exc
    try:
        call("access check", lambda: bucket.head_object(probe).resp.read())
        can_read = True
    except NotFound:  # removed meanwhile by someone else: HEAD itself works
        can_read = True
    except OssError as exc:
        if not is_refused(exc):
            raise plain_error(exc, config) from exc
        can_read = False
    try:
        bucket.delete_object(probe)
    except OssError as exc:
        log.info("could not remove the access probe %s: %s", probe, _brief(exc))
    return Access(can_read)


def describe_access(
    bucket: oss2.Bucket, config: OssConfig, prefix: str = "", cancel: CancelToken | None = None
) -> Access:
    """``check_access`` plus whether the key may list, for the test button and command;
    ``cancel`` stops the retries between attempts."""
    try:
        access = check_access(bucket, config, prefix, Retrying(config, cancel or CancelToken()))
    except UploadError as exc:
        if isinstance(exc.__cause__, RequestError):  # no upload to resume: a test
            raise UploadError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "Cannot reach OSS at {endpoint} ({reason}). Check the endpoint, the "
                    "network and any proxy, then test again.",
                ),
                endpoint=config.endpoint,
                reason=network_reason(exc.__cause__),
            ) from exc.__cause__
        raise
    try:
        bucket.list_objects_v2(prefix, max_keys=1)
        can_list = True
    except OssError as exc:
        if is_fatal(exc):
            raise plain_error(exc, config) from exc
        can_list = False
    except UNREADABLE as exc:  # an answer oss2 cannot read: the upload lists no better
        log.info("cannot read the listing of %s: %s", prefix, exc)
        can_list = False
    return Access(access.can_read, can_list)


def access_notes(access: Access) -> list[str]:
    """What a key that may write but not read or list costs, and what to ask for; templates
    in context "OssAccess" (the panel shows them translated, the command line as they are)."""
    if not (access.can_read or access.can_list):
        note = QT_TRANSLATE_NOOP(
            "OssAccess",
            "The key may upload but neither read object information nor list the bucket, so "
            "every file is sent, even one already at OSS. To skip those, ask the OSS "
            "administrator for oss:GetObject or oss:ListObjects.",
        )
    elif not access.can_read:
        note = QT_TRANSLATE_NOOP(
            "OssAccess",
            "The key may not read object information (oss:GetObject), so files already at "
            "OSS are found through the listing only. Uploads work; ask the OSS administrator "
            "for oss:GetObject to have each file checked too.",
        )
    elif access.can_list is False:
        note = QT_TRANSLATE_NOOP(
            "OssAccess",
            "The key may not list the bucket (oss:ListObjects), so each file is checked with "
            "a request of its own, which is slow for many files. Uploads work; ask the OSS "
            "administrator for oss:ListObjects to make it faster.",
        )
    else:
        return []
    return [note]


def listed_objects(
    bucket: oss2.Bucket, prefix: str, retrying: Retrying
) -> Iterator[oss2.models.SimplifiedObjectInfo]:
    """Every object under ``prefix``, a page of 1,000 at a time, in key order."""
    token = ""
    while True:
        page = retrying(
            f"list {prefix}",
            lambda t=token: bucket.list_objects_v2(prefix, continuation_token=t, max_keys=1000),
        )
        yield from page.object_list
        if not page.is_truncated:
            return
        if not page.next_continuation_token:  # asking again would give the first page
            raise unreadable_answer(
                f"list {prefix}", ValueError("a page said 'more' but gave no continuation token")
            )
        token = page.next_continuation_token


def _endpoint_named(exc: Exception) -> str:
    """The endpoint OSS names when a bucket is asked for at another region's endpoint (a
    403 AccessDenied that is no matter of rights), else ""."""
    details = getattr(exc, "details", None) or {}
    return details.get("Endpoint", "") if getattr(exc, "code", "") == "AccessDenied" else ""


def _write_refused(exc: OssError, config: OssConfig, prefix: str) -> UploadError:
    if getattr(exc, "status", 0) == 404:  # a write cannot miss its key: the bucket is missing
        return plain_error(exc, config, "NoSuchBucket")
    if _endpoint_named(exc):
        return plain_error(exc, config)
    if getattr(exc, "code", "") == "AccessDenied" or (is_refused(exc) and not exc.code):
        return UploadError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "The AccessKey {key_id} may not write to oss://{bucket}/{prefix}. Ask the "
                "OSS administrator for write access (oss:PutObject) there.",
            ),
            key_id=config.access_key_id,
            bucket=config.bucket,
            prefix=prefix,
        )
    return plain_error(exc, config)


def _short(text: str) -> str:
    return " ".join(text.split())[:200]


class Retrying:
    """Call OSS with retries on transient failures, backing off, honouring cancel."""

    def __init__(self, config: OssConfig, cancel: CancelToken) -> None:
        self.config = config
        self.cancel = cancel

    def __call__(
        self, what: str, call: Callable[[], T], on_retry: Callable[[], None] | None = None
    ) -> T:
        attempt = 0
        while True:
            self.cancel.check()
            try:
                return call()
            except UNREADABLE as exc:
                log.info("%s: unreadable answer", what, exc_info=True)
                raise unreadable_answer(what, exc) from exc
            except OssError as exc:
                if not is_transient(exc) or attempt >= self.config.retries:
                    raise
                attempt += 1
                wait = self.config.backoff * 2 ** (attempt - 1) * random.uniform(0.8, 1.2)
                log.info(
                    "%s failed (%s), retry %d/%d in %.1fs",
                    what,
                    _brief(exc),
                    attempt,
                    self.config.retries,
                    wait,
                )
                if on_retry is not None:
                    on_retry()
                if self.cancel.wait(wait):
                    self.cancel.check()


def _brief(exc: Exception) -> str:
    if isinstance(exc, ServerError):
        return f"{exc.status} {exc.code}"
    return _short(str(exc))
