"""The local stand-in for Redshift's `COPY … FORMAT AS JSON`: same mapping, same conversions,
same record of rejected rows, streamed into PostgreSQL with `COPY FROM STDIN`."""

from .convert import Column
from .loader import JsonFormat, LoadError, LoadResult, load_json_files
from .mapping import JsonPathsError

__all__ = [
    "Column",
    "JsonFormat",
    "JsonPathsError",
    "LoadError",
    "LoadResult",
    "load_json_files",
]
