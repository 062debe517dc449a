"""Where the raw files are: a local directory or an `s3://bucket/prefix`, behind one interface.

Keys are relative to the source root (`log_data/2018/11/2018-11-01-events.json`), and a prefix
selects keys the way an S3 key prefix does, so the local emulation and Redshift's COPY read the
same set of files.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar, cast
from urllib.parse import urlparse

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    IncompleteReadError,
    ReadTimeoutError,
    ResponseStreamingError,
)
from dagster import ConfigurableResource
from dagster_aws.s3 import S3Resource
from dagster_aws.s3.sensor import get_objects
from pydantic import Field, PrivateAttr

from sparkify_assets.copyjson.local_files import open_local, shown_path

# A GetObject whose body is cut short is tried again, as Redshift's COPY retries its S3 reads:
# this many tries of a file in all, waiting 0.2 s, 0.4 s, 0.8 s between them.
READ_ATTEMPTS = 4
FIRST_RETRY_SECONDS = 0.2
# What a body cut short or a dropped connection raises: urllib3 2 enforces Content-Length, so
# a short body is its ProtocolError, which botocore's StreamingBody raises as
# ResponseStreamingError; botocore's own length check raises IncompleteReadError.
_TRANSIENT_ERRORS = (
    IncompleteReadError,
    ResponseStreamingError,
    ReadTimeoutError,
    ConnectionClosedError,
    EndpointConnectionError,
)
_CLIENT_LOCK = threading.Lock()
_T = TypeVar("_T")


class SourceError(RuntimeError):
    """The raw data can't be found or read where SPARKIFY_SOURCE says it is."""


@dataclass(frozen=True)
class SourceObject:
    key: str  # relative to the source root
    modified: datetime  # timezone-aware UTC
    version: str  # changes with the content: S3's ETag, a local file's size and mtime in ns


class RawSourceResource(ConfigurableResource):
    """The raw Sparkify files: `log_data/`, `song_data/` and `log_json_path.json`."""

    location: str = Field(description="A local directory or an s3://bucket/prefix URI.")
    s3: S3Resource = Field(
        default_factory=S3Resource,
        description="How to reach S3 when location is an s3:// URI (endpoint, unsigned reads).",
    )
    _client: Any = PrivateAttr(default=None)

    @property
    def is_s3(self) -> bool:
        return self.location.startswith("s3://")

    def uri(self, key: str = "") -> str:
        """The full address of a key, for messages and for Redshift's COPY."""
        return f"{self.location.rstrip('/')}/{key}" if key else self.location

    def list_keys(self, prefix: str, allow_none: bool = False) -> list[str]:
        """Every key under `prefix`, sorted; a clear error when there is none, as COPY gives
        (unless `allow_none`), or when the source can't be listed."""
        try:
            keys = sorted(self._s3_keys(prefix) if self.is_s3 else self._local_keys(prefix))
        except (OSError, *self._s3_errors()) as error:
            raise SourceError(f"cannot list {self.uri(prefix)}: {error}") from None
        if not keys and not allow_none:
            raise SourceError(f"no files under {self.uri(prefix)}: nothing to load")
        return keys

    def objects_modified_since(self, prefix: str, since: datetime | None) -> list[SourceObject]:
        """Files under `prefix` last modified after `since` (all without one), oldest first;
        in S3 through dagster-aws's `get_objects`, as a sensor polls it."""
        try:
            if self.is_s3:
                bucket, root = self._bucket_and_root()
                found = [
                    SourceObject(item["Key"][len(root) :], item["LastModified"], item["ETag"])
                    for item in get_objects(
                        bucket,
                        prefix=root + prefix,
                        since_last_modified=since,
                        client=self.s3_client(),
                    )
                ]
            else:
                found = [self._local_object(key) for key in self._local_keys(prefix)]
        except (OSError, *self._s3_errors()) as error:
            raise SourceError(f"cannot list {self.uri(prefix)}: {error}") from None
        fresh = [item for item in found if since is None or item.modified > since]
        return sorted(fresh, key=lambda item: (item.modified, item.key))

    @contextmanager
    def open(self, key: str) -> Iterator[IO[bytes]]:
        """The file's bytes; from S3, one version of the object, whatever the network drops."""
        try:
            if self.is_s3:
                bucket, root = self._bucket_and_root()
                handle = cast(
                    IO[bytes], _S3Object(self.s3_client(), bucket, root + key, self.uri(key))
                )
            else:
                handle = open_local(self.local_root() / key)[0]
        except (OSError, *self._s3_errors()) as error:
            raise SourceError(f"cannot read {self.uri(key)}: {error}") from None
        try:
            yield handle
        finally:
            handle.close()

    def read(self, key: str) -> bytes:
        with self.open(key) as handle:
            return handle.read()

    def write_object(self, uri: str, data: bytes) -> None:
        """Put `data` at an s3:// URI with this source's S3 client (a Redshift COPY manifest)."""
        parsed = urlparse(uri)
        if parsed.scheme != "s3" or not parsed.netloc or not parsed.path.strip("/"):
            raise SourceError(f"{uri!r} is not an s3://bucket/key URI")
        try:
            self.s3_client().put_object(
                Bucket=parsed.netloc, Key=parsed.path.lstrip("/"), Body=data
            )
        except self._s3_errors() as error:
            raise SourceError(f"cannot write {uri}: {error}") from None

    def bucket_region(self, uri: str) -> str | None:
        """The region of the bucket of an s3:// URI, or None when this identity may not ask.
        GetBucketLocation answers no LocationConstraint for us-east-1 and "EU" for the oldest
        eu-west-1 buckets (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html)."""
        try:
            answer = self.s3_client().get_bucket_location(Bucket=urlparse(uri).netloc)
        except self._s3_errors():
            return None
        constraint = answer.get("LocationConstraint")
        return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, constraint)

    def s3_client(self) -> Any:
        """This source's one boto3 S3 client, made on first use and shared by every request and
        reading thread: dagster-aws's `get_client` builds a new session and client each call
        (~0.1 s of CPU), and botocore's clients are thread-safe, with a pool of 10 connections
        for S3_READERS (8) threads."""
        with _CLIENT_LOCK:
            if self._client is None:
                self._client = self.s3.get_client()
            return self._client

    def local_root(self) -> Path:
        """The directory of a local source (a clear error when it is missing)."""
        if not is_utf8(self.location):
            raise SourceError(
                f"the raw data directory {shown_path(self.location)} is not named in UTF-8, "
                "as the keys read from it must be: rename it"
            )
        root = Path(self.location).expanduser()
        if not root.is_dir():
            raise SourceError(
                f"raw data directory {root} does not exist: run `sparkify generate` to make "
                "sample data there, or set SPARKIFY_SOURCE to the raw files"
            )
        return root

    def check_local_keys(self, keys: Sequence[str], prefix: str) -> None:
        """Refuse, before anything is read, a chosen key whose file, symbolic links followed,
        is not inside the folder of `prefix` (a link to a file elsewhere on the machine, or to
        another table's files). The listing follows links wherever they go: its keys are the
        tree as its owner laid it out; chosen keys come from a run's config."""
        root = self.local_root()
        folder = os.path.realpath(root / prefix.rpartition("/")[0])
        for key in keys:
            real = os.path.realpath(root / key)
            if os.path.commonpath([folder, real]) != folder:
                raise SourceError(
                    f"{self.uri(key)} leads, through a symbolic link, to {shown_path(real)}, "
                    f"outside {shown_path(folder)}, the folder of {prefix}: a chosen file must "
                    "be one of its own (nothing was read)"
                )

    def _local_keys(self, prefix: str) -> Iterator[str]:
        root = self.local_root()
        folder = root / prefix.rpartition("/")[0]
        if folder.is_dir():
            for key in _file_keys(str(folder), folder.relative_to(root).as_posix()):
                if key.startswith(prefix):
                    yield key

    def _local_object(self, key: str) -> SourceObject:
        """A listed key's version; of a link itself when it leads nowhere (the load rejects
        it, naming it)."""
        path = self.local_root() / key
        try:
            stat = path.stat()
        except OSError:
            stat = path.lstat()
        modified = datetime.fromtimestamp(stat.st_mtime, UTC)
        return SourceObject(key, modified, f"{stat.st_size}-{stat.st_mtime_ns}")

    def _bucket_and_root(self) -> tuple[str, str]:
        parsed = urlparse(self.location)
        root = parsed.path.lstrip("/")
        return parsed.netloc, (root.rstrip("/") + "/") if root else ""

    def _s3_keys(self, prefix: str) -> Iterator[str]:
        bucket, root = self._bucket_and_root()
        pages = (
            self.s3_client()
            .get_paginator("list_objects_v2")
            .paginate(Bucket=bucket, Prefix=root + prefix)
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(root) :]

    @staticmethod
    def _s3_errors() -> tuple[type[Exception], ...]:
        return ClientError, BotoCoreError


def _file_keys(folder: str, relative: str) -> Iterator[str]:
    """Keys of everything under `folder` but its directories, symbolic links followed.

    A FIFO, a device or a link that leads nowhere is given too, for the load to reject it,
    naming it; so is a link back to a directory above it (the same st_dev and st_ino as one
    being listed), which would loop. A name that is not UTF-8 can't be an S3 key: it is refused.
    os.scandir knows a file from a directory without a stat per file, one stat per directory:
    0.08 s instead of 1.2 s (Path.rglob) for 100,000 song files. A stack, not recursion, so a
    path of thousands of folders is listed too.
    """
    listing: set[tuple[int, int]] = set()  # the directories from `folder` down to the current
    pending: list[tuple[str, str, tuple[int, int] | None]] = [(folder, relative, None)]
    while pending:
        path, key, left = pending.pop()
        if left is not None:  # every directory under this one is listed
            listing.discard(left)
            continue
        status = os.stat(path)
        identity = (status.st_dev, status.st_ino)
        if identity in listing:
            yield key
            continue
        listing.add(identity)
        pending.append((path, key, identity))
        with os.scandir(path) as entries:
            for entry in entries:
                name = entry.name
                if not name.isascii() and not is_utf8(name):
                    raise SourceError(
                        f"{shown_path(entry.path)}: a file name that is not UTF-8 can't be an "
                        "S3 key, which is what COPY reads: rename it (nothing was loaded)"
                    )
                child = name if key == "." else f"{key}/{name}"
                if _is_directory(entry):
                    pending.append((entry.path, child, None))
                else:
                    yield child


def _is_directory(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a directory, links followed; a link that loops is not."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def is_utf8(text: str) -> bool:
    """Whether a name is UTF-8 as the file system gave it (os.fsdecode keeps other bytes as
    lone surrogates), as S3 keys and load_errors.filename are."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _S3Object(io.RawIOBase):
    """One version of an S3 object, read to its end. A response cut short or reset is asked
    for again from where it stopped (Range) and only in the version first read (If-Match on its
    ETag), so a retry never splices two versions: READ_ATTEMPTS GETs at most, then a one-line
    error naming the object and the first cause."""

    def __init__(self, client: Any, bucket: str, key: str, uri: str) -> None:
        super().__init__()
        self._client, self._bucket, self._key, self._uri = client, bucket, key, uri
        self._body: Any = None  # the current response's StreamingBody
        self._etag: str | None = None
        self._position = 0
        self._attempts = 0
        self._first_cause: Exception | None = None
        self._retrying(self._current_body)

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        amount = None if size is None or size < 0 else size
        data: bytes = self._retrying(lambda: self._current_body().read(amount))
        self._position += len(data)
        return data

    def close(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None
        super().close()

    def _retrying(self, step: Callable[[], _T]) -> _T:
        while True:
            try:
                return step()
            except _TRANSIENT_ERRORS as error:
                self._first_cause = self._first_cause or error
                if self._body is not None:
                    self._body.close()
                    self._body = None
                if self._attempts >= READ_ATTEMPTS:
                    first = self._first_cause
                    cause = " ".join(f"{type(first).__name__}: {first}".split()).rstrip(".")
                    raise SourceError(
                        f"cannot read {self._uri}: {cause} (after {self._attempts} attempts)"
                    ) from None
                time.sleep(FIRST_RETRY_SECONDS * 2 ** (self._attempts - 1))

    def _current_body(self) -> Any:
        if self._body is None:
            self._body = self._get()
        return self._body

    def _get(self) -> Any:
        self._attempts += 1
        request = {"Bucket": self._bucket, "Key": self._key}
        if self._etag is not None:
            request["IfMatch"] = self._etag
            if self._position:
                request["Range"] = f"bytes={self._position}-"
        try:
            response = self._client.get_object(**request)
        except ClientError as error:
            if self._etag is not None and error.response.get("Error", {}).get("Code") in (
                "PreconditionFailed",
                "NoSuchKey",
            ):
                raise SourceError(
                    f"cannot read {self._uri}: it changed while it was read (it is no longer "
                    f"the version of ETag {self._etag} whose first {self._position} bytes were "
                    "read)"
                ) from None
            raise
        self._etag = self._etag or response["ETag"]
        return response["Body"]
