"""Entry point of a COPY conversion worker process: `python -m sparkify_assets.copyjson.worker`.

Kept apart from `parallel` so that running it doesn't import that module twice (once through
the package, once as `__main__`).
"""

import os
import sys

from sparkify_assets.copyjson.parallel import work

if __name__ == "__main__":
    try:
        work(sys.stdin.buffer, sys.stdout.buffer)
    except BrokenPipeError:
        # The parent stopped listening (the load stopped, or its run was killed): end quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
