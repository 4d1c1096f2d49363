"""The S3-compatible backend (MinIO, Ceph, AWS S3) through boto3.

Downloads never pass through the app: after the route's access check, ``serve`` redirects to a
presigned GET valid for ``S3_PRESIGN_SECONDS`` that makes the store answer as an attachment
with the right content type. An object store's PUT is atomic, so there are no temporaries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from flask import Flask, abort, redirect

from app.storage.backends import Entry, check_key, disposition

SETTINGS = (
    "S3_ENDPOINT_URL",
    "S3_PUBLIC_ENDPOINT_URL",
    "S3_BUCKET",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_PREFIX",
    "S3_PRESIGN_SECONDS",
)


def _client(config, endpoint_url: str | None):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=config.get("S3_REGION") or "us-east-1",
        aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        config=Config(
            signature_version="s3v4",
            # MinIO and Ceph answer on one host name: bucket in the path, not in the host.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
        ),
    )


class S3Backend:
    def __init__(self, client, presigner, bucket: str, prefix: str, presign_seconds: int):
        self.client = client
        self.presigner = presigner  # signs for the address browsers use (may differ)
        self.bucket = bucket
        self.prefix = prefix
        self.presign_seconds = presign_seconds

    @classmethod
    def from_app(cls, app: Flask) -> S3Backend:
        config = app.config
        settings = tuple(config.get(name) for name in SETTINGS)
        cache = app.extensions.setdefault("tekser_storage", {})
        if settings not in cache:
            client = _client(config, config.get("S3_ENDPOINT_URL"))
            public = config.get("S3_PUBLIC_ENDPOINT_URL")
            presigner = _client(config, public) if public else client
            prefix = (config.get("S3_PREFIX") or "").strip("/")
            cache[settings] = cls(
                client,
                presigner,
                config["S3_BUCKET"],
                f"{prefix}/" if prefix else "",
                int(config.get("S3_PRESIGN_SECONDS") or 60),
            )
        return cache[settings]

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes | BinaryIO, mimetype: str | None = None) -> None:
        extra = {"ContentType": mimetype} if mimetype else {}
        if isinstance(data, bytes | bytearray | memoryview):
            self.client.put_object(
                Bucket=self.bucket, Key=self._key(key), Body=bytes(data), **extra
            )
        else:
            self.client.upload_fileobj(data, self.bucket, self._key(key), ExtraArgs=extra)

    def open(self, key: str) -> BinaryIO:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except self.client.exceptions.NoSuchKey as error:
            raise FileNotFoundError(key) from error

    def read(self, key: str) -> bytes:
        with self.open(key) as body:
            return body.read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))  # no error if absent

    def _head(self, key: str) -> dict | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise FileNotFoundError(key)
        return int(head["ContentLength"])

    def entries(self, prefix: str = "") -> Iterator[Entry]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield Entry(item["Key"][len(self.prefix) :], item["LastModified"].timestamp())

    def sweep_temporaries(self, cutoff: float) -> list[str]:
        return []  # a PUT is atomic: an unfinished upload leaves no object

    def serve(self, key: str, download_name: str, mimetype: str, *, inline: bool = False):
        try:
            full_key = self._key(key)
        except FileNotFoundError:
            abort(404)
        if not self.exists(key):
            abort(404)  # a redirect to the store's own error page would say less
        url = self.presigner.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": full_key,
                "ResponseContentDisposition": disposition(download_name, inline),
                "ResponseContentType": mimetype,
            },
            ExpiresIn=self.presign_seconds,
        )
        return redirect(url, 302)

    def ready(self) -> bool:
        """The bucket answers with these credentials (HEAD: nothing is written)."""
        self.client.head_bucket(Bucket=self.bucket)
        return True
