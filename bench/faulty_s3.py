"""S3 that cuts downloads short: moto's S3 server on 127.0.0.1 behind a proxy that, with a
given probability, sends an object's full Content-Length header and then only part of its body
before closing the connection, as a dropped network connection does. The client sees a real
short read (botocore's IncompleteReadError / ResponseStreamingError), not a mocked one.

The soak (`bench/soak.py`) loads the raw files through it.
"""

from __future__ import annotations

import http.client
import logging
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}


@dataclass
class CutCounter:
    """How many object bodies the proxy cut short, and the chance it cuts the next one."""

    probability: float
    rng: random.Random
    cut: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def should_cut(self) -> bool:
        with self.lock:
            if self.rng.random() < self.probability:
                self.cut += 1
                return True
            return False


@dataclass(frozen=True)
class FaultyS3:
    endpoint_url: str  # the proxy's: point SPARKIFY_S3_ENDPOINT_URL here
    upstream_url: str  # moto's own, for uploads that must not be cut
    counter: CutCounter

    def client(self) -> Any:  # boto3's S3 client (its class is generated at run time)
        return boto3.client(
            "s3",
            endpoint_url=self.upstream_url,
            region_name=REGION,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def upload_tree(self, folder: Path, bucket: str, root: str) -> int:
        """Every file under `folder` as `s3://bucket/root/<relative path>`; how many."""
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
    counter = CutCounter(probability, random.Random(seed))
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), _handler(host, port, counter))
    proxy.daemon_threads = True
    thread = threading.Thread(target=proxy.serve_forever, name="faulty-s3", daemon=True)
    thread.start()
    try:
        yield FaultyS3(
            f"http://127.0.0.1:{proxy.server_address[1]}", f"http://{host}:{port}", counter
        )
    finally:
        proxy.shutdown()
        proxy.server_close()
        moto.stop()


def _handler(host: str, port: int, counter: CutCounter) -> type[BaseHTTPRequestHandler]:
    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: the soak prints its own lines

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            upstream = http.client.HTTPConnection(host, port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
            upstream.close()
            cut = self.command == "GET" and response.status == 200 and len(data) > 1
            cut = cut and "list-type" not in self.path and counter.should_cut()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            if cut:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data[: len(data) // 2] if cut else data)
            if cut:
                self.close_connection = True

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _forward

    return Forward
