"""S3 for the soak: moto's S3 server on 127.0.0.1 behind the tests' cutting proxy
(`sparkify_assets_tests/support/s3_faults.py`), which cuts each download short with a given
probability, as a dropped network connection does.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from sparkify_assets_tests.support.s3_faults import CuttingProxy, serving

REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@dataclass(frozen=True)
class FaultyS3:
    endpoint_url: str  # the proxy's: point SPARKIFY_S3_ENDPOINT_URL here
    upstream_url: str  # moto's own, for uploads that must not be cut
    proxy: CuttingProxy  # its `cuts` counts the downloads cut short

    def client(self) -> Any:  # boto3's S3 client (its class is generated at run time)
        return boto3.client(
            "s3",
            endpoint_url=self.upstream_url,
            region_name=REGION,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def upload_tree(self, folder: Path, bucket: str, root: str) -> int:
        """Every file under `folder` as `s3://<bucket>/<root>/<relative path>`; how many."""
        client = self.client()
        count = 0
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                self.upload_file(client, path, bucket, f"{root}/{path.relative_to(folder)}")
                count += 1
        return count

    @staticmethod
    def upload_file(client: Any, path: Path, bucket: str, key: str) -> None:
        client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())


@contextmanager
def faulty_s3(probability: float, seed: int) -> Iterator[FaultyS3]:
    """moto's server and the cutting proxy in front of it, both on 127.0.0.1."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    rng, lock = random.Random(seed), threading.Lock()

    def cut(path: str, nth: int) -> bool:
        with lock:
            return rng.random() < probability

    proxy = CuttingProxy(f"http://{host}:{port}", cut=cut)
    try:
        with serving(proxy) as endpoint_url:
            yield FaultyS3(endpoint_url, f"http://{host}:{port}", proxy)
    finally:
        moto.stop()
