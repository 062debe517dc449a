"""Sparkify's analytics warehouse as a Dagster code location: `sparkify_assets.defs`.

`defs` is built on first access rather than at import, so that the `sparkify` command and the
generator can report a bad SPARKIFY_* setting, or a source that can't be listed, as a one-line
error instead of an import failure, and so that importing a module of the package lists nothing.
"""

from functools import cache
from typing import Any


@cache
def _defs() -> Any:
    from sparkify_assets.config.settings import load_settings
    from sparkify_assets.definitions import build_definitions

    return build_definitions(load_settings())


def __getattr__(name: str) -> Any:
    if name == "defs":
        return _defs()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return ["defs"]
