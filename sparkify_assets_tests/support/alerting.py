"""What the tests of failure alerts send to and read from: a Slack-like webhook on 127.0.0.1
(a real HTTP server) whose URL holds a token that must never be shown, and the alert file's
lines."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TOKEN = "T0SECRET/B0SECRET/xoxb-do-not-show"


@dataclass
class Webhook:
    """A Slack-like incoming webhook on 127.0.0.1: records each POST, answers `status`."""

    url: str
    status: int = 200
    posts: list[dict] = field(default_factory=list)


@contextmanager
def serving_webhook() -> Iterator[Webhook]:
    """The webhook, listening on a free port until the block ends."""
    hook = Webhook(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook.posts.append(
                {
                    "path": self.path,
                    "content_type": self.headers["Content-Type"],
                    "body": json.loads(body),
                }
            )
            self.send_response(hook.status)
            self.end_headers()

        def log_message(self, *args: object) -> None:  # not on the test's stderr
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_port}/services/{TOKEN}?token={TOKEN}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield hook
    server.shutdown()
    server.server_close()


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
