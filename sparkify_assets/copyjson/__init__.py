"""The local stand-in for Redshift's `COPY … FORMAT AS JSON`: same mapping, same conversions,
same record of rejected rows, streamed into PostgreSQL with `COPY FROM STDIN`."""

from sparkify_assets.copyjson.batches import JsonFormat, LoadError
from sparkify_assets.copyjson.convert import Column
from sparkify_assets.copyjson.loader import LoadResult, load_fails, load_json_files
from sparkify_assets.copyjson.local_files import UnreadableFile
from sparkify_assets.copyjson.mapping import JsonPathsError
from sparkify_assets.copyjson.parallel import LocalFiles, RemoteFiles

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
