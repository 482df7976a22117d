"""What OSS already holds, so content already at its key is not sent again (dedupe).

One listing of the task's prefix answers for most files; keys past its end, and
buckets that may not be listed, are asked with HEAD. Content counts as already
there when size and MD5 match: the plain ETag of an object sent in one piece (OSS's
own MD5 of what it holds wins over any metadata), else the MD5 recorded in
``x-oss-meta-md5`` of an object joined from parts.
"""

from __future__ import annotations

import logging

import oss2
from oss2.exceptions import NotFound, OssError

from fps_desktop.errors import UploadError
from fps_desktop.upload.client import Retrying, is_refused, listed_objects

log = logging.getLogger(__name__)

META_MD5 = "x-oss-meta-md5"
ABSENT = object()


class ExistingObjects:
    """What is already under the task's prefix, from one listing instead of a HEAD per file.

    Keys past the listing's end (it stops at ``limit`` keys) and buckets that refuse
    to be listed (upload-only keys often may not) fall back to HEAD.
    """

    def __init__(self, objects: dict[str, tuple[int, str, str]], listed_to: str | None) -> None:
        self.objects = objects
        self.listed_to = listed_to  # None: complete; "": nothing known; else the last key

    @classmethod
    def listed(
        cls, bucket: oss2.Bucket, prefix: str, retrying: Retrying, limit: int
    ) -> ExistingObjects:
        objects: dict[str, tuple[int, str, str]] = {}
        last = ""
        try:
            for obj in listed_objects(bucket, prefix, retrying):
                objects[obj.key] = (obj.size, obj.etag or "", obj.type or "")
                last = obj.key
                if len(objects) >= limit:
                    return cls(objects, last)
            return cls(objects, None)
        except (OssError, UploadError) as exc:  # what was listed holds; HEAD for the rest
            log.info("cannot list %s past %r (%s); checking with HEAD", prefix, last, exc)
            return cls(objects, last)

    def lookup(self, key: str):
        """(size, etag, type) if listed, ABSENT if surely not there, None if unknown."""
        found = self.objects.get(key)
        if found is not None:
            return found
        if self.listed_to is None or key <= self.listed_to:
            return ABSENT
        return None


class RemoteCopies:
    """Asks whether a file's content is already at its key: the listing first, then HEAD."""

    def __init__(
        self, bucket: oss2.Bucket, retrying: Retrying, existing: ExistingObjects, can_read: bool
    ) -> None:
        self.bucket = bucket
        self.retrying = retrying
        self.existing = existing
        self.can_read = can_read  # False: the key may not HEAD, so unlisted files are sent

    def head(self, key: str):
        head = self.retrying(f"HEAD {key}", lambda: self.bucket.head_object(key))
        head.resp.read()  # no body; reading hands the connection back to the pool
        return head

    def already_there(self, key: str, md5: str, size: int) -> bool:
        listed = self.existing.lookup(key)
        if listed is ABSENT:
            return False
        if listed is not None:
            listed_size, listed_etag, kind = listed
            if listed_size != size:
                return False
            if kind == "Normal" and listed_etag:  # OSS's own MD5 of the content decides
                return listed_etag.strip('"').lower() == md5
        return self.can_read and self.stored_with(key, md5, size)

    def stored_with(self, key: str, md5: str, size: int) -> bool:
        """Ask OSS itself (HEAD): the MD5 in the object's metadata, or a plain ETag.

        A HEAD refused for this key (a policy by prefix) cannot tell: the file is sent.
        """
        try:
            head = self.head(key)
        except NotFound:
            return False
        except OssError as exc:
            if not is_refused(exc):
                raise
            log.info("HEAD %s refused; sending the file", key)
            return False
        if head.content_length != size:
            return False
        if head.object_type == "Normal" and head.etag:  # OSS's own MD5 beats any metadata
            return head.etag.strip('"').lower() == md5
        return (head.headers.get(META_MD5) or "").lower() == md5  # joined from parts
