"""S3 that cuts downloads short, for the tests and the soak: an HTTP proxy on 127.0.0.1 in
front of an S3 endpoint (moto's server). A GetObject answer it is told to cut goes out with its
whole Content-Length but half its body, and the connection is closed: the client sees a real
short read (botocore's IncompleteReadError or ResponseStreamingError), not a mocked one."""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@dataclass
class CuttingProxy:
    """An HTTP proxy on 127.0.0.1 in front of moto's server. A GetObject answer it is told to
    cut goes out with its whole Content-Length but half its body, and the connection is closed:
    the client sees a real short read. `cut(object path, nth GET of it)` decides; `before_cut`
    runs first (to replace the object in the meantime)."""

    upstream: str
    cut: Callable[[str, int], bool] = lambda path, nth: False
    before_cut: Callable[[str], None] = lambda path: None
    gets: Counter[str] = field(default_factory=Counter)
    cuts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def should_cut(self, path: str, status: int) -> bool:
        """Count a GET of an object, and say whether to cut its answer."""
        with self.lock:
            self.gets[path] += 1
            cut = status in (200, 206) and self.cut(path, self.gets[path])
            self.cuts += cut
        if cut:
            self.before_cut(path)
        return cut

    def handler(self) -> type[BaseHTTPRequestHandler]:
        proxy, upstream = self, urlsplit(self.upstream)

        class Forward(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as S3 answers

            def do_GET(self) -> None:
                connection = http.client.HTTPConnection(upstream.hostname, upstream.port)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                connection.request("GET", self.path, headers=headers)
                answer = connection.getresponse()
                body = answer.read()
                connection.close()
                path = urlsplit(self.path).path.lstrip("/")
                is_object = "/" in path  # bucket/key, not a bucket's listing
                cut = is_object and proxy.should_cut(path, answer.status)
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in _HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if cut else body)
                self.close_connection = cut

            def log_message(self, *args: object) -> None:
                pass

        return Forward


@contextmanager
def serving(proxy: CuttingProxy) -> Iterator[str]:
    """The proxy listening on 127.0.0.1; its endpoint URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), proxy.handler())
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="cutting-proxy", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
