"""The local stand-in for Redshift's `COPY … FORMAT AS JSON`: same mapping, same conversions,
same record of rejected rows, streamed into PostgreSQL with `COPY FROM STDIN`."""

from .batches import JsonFormat, LoadError
from .convert import Column
from .loader import LoadResult, load_fails, load_json_files
from .local_files import UnreadableFile
from .mapping import JsonPathsError
from .parallel import LocalFiles, RemoteFiles

__all__ = [
    "Column",
    "JsonFormat",
    "JsonPathsError",
    "LoadError",
    "LoadResult",
    "LocalFiles",
    "RemoteFiles",
    "UnreadableFile",
    "load_fails",
    "load_json_files",
]
