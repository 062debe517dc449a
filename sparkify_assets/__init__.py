"""Sparkify's analytics warehouse as a Dagster code location: `sparkify_assets.defs`.

`defs` is built on first access rather than at import, so that the `sparkify` command and the
generator can report a bad SPARKIFY_* setting as a one-line error instead of an import failure.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "defs":
        from .definitions import defs

        return defs
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return ["defs"]
