"""Kept audio in S3-compatible storage (``RECORDINGS_URL=s3://bucket/prefix``): AWS S3, MinIO,
Ceph, R2… (``S3_ENDPOINT_URL`` for those that are not AWS).

A recording is written to the data directory while it is made (Opus pages go to disk as
they come) and uploaded whole when it is finished, then the local copy is removed. Calls
block (boto3): run them in a thread. Credentials come from boto3's usual chain
(``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile, an instance role).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from callscribe.errors import ConfigError, NotFound, RangeNotSatisfiable, ServiceError

CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Location:
    bucket: str
    prefix: str

    @classmethod
    def parse(cls, url: str) -> Location:
        """``s3://bucket[/prefix]``; ``ConfigError`` naming the setting otherwise."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
            raise ConfigError(
                f"recordings_url: {url!r} is not an s3://bucket[/prefix] URL "
                "(unset, recordings stay in the data directory)"
            )
        prefix = parts.path.strip("/")
        return cls(parts.netloc, f"{prefix}/" if prefix else "")

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")


@dataclass(frozen=True, slots=True)
class Part:
    """What a (possibly ranged) read gives: the bytes and how to describe them."""

    chunks: Iterator[bytes]
    length: int
    content_range: str | None
    """``bytes a-b/total`` for a ranged read, None for the whole object."""


class S3Store:
    def __init__(self, location: Location, *, endpoint_url: str | None, region: str | None) -> None:
        import boto3
        from botocore.config import Config

        self.location = location
        self._client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            config=Config(retries={"mode": "standard", "max_attempts": 5}),
        )

    def _key(self, name: str) -> str:
        return self.location.prefix + name

    def upload(self, path: Path, name: str) -> None:
        """Store ``path`` as ``name`` (multipart for large files)."""
        try:
            self._client.upload_file(str(path), self.location.bucket, self._key(name))
        except Exception as exc:
            raise ServiceError(
                f"storing {name} in {self.location.url} failed: {exc}", retryable=True
            ) from exc

    def download(self, name: str, target: Path) -> None:
        self._client.download_file(self.location.bucket, self._key(name), str(target))

    def read(self, name: str, byte_range: str | None = None) -> Part:
        """The object, or the ``bytes=a-b`` part of it (as in an HTTP ``Range`` header)."""
        from botocore.exceptions import ClientError

        args: dict[str, Any] = {"Bucket": self.location.bucket, "Key": self._key(name)}
        if byte_range:
            args["Range"] = byte_range
        try:
            answer = self._client.get_object(**args)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404"):
                raise NotFound(f"{name} is missing from {self.location.url}") from exc
            if code == "InvalidRange":
                size = self.size(name)
                raise RangeNotSatisfiable(
                    f"Range {byte_range} is past the end of {name} ({size} bytes)", size=size
                ) from exc
            raise ServiceError(
                f"reading {name} from {self.location.url} failed: {exc}", retryable=True
            ) from exc
        body = answer["Body"]
        return Part(body.iter_chunks(CHUNK), answer["ContentLength"], answer.get("ContentRange"))

    def size(self, name: str) -> int:
        answer = self._client.head_object(Bucket=self.location.bucket, Key=self._key(name))
        return int(answer["ContentLength"])

    def delete(self, name: str) -> None:
        self._client.delete_object(Bucket=self.location.bucket, Key=self._key(name))

    def names(self) -> set[str]:
        """Every object name under the prefix."""
        found: set[str] = set()
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.location.bucket, Prefix=self.location.prefix
        )
        for page in pages:
            for item in page.get("Contents", ()):
                found.add(item["Key"][len(self.location.prefix) :])
        return found


__all__ = ["Location", "Part", "S3Store"]
