"""The warehouse's tables in one place: what each is, where its SQL is, what it is built from.

Assets, checks and the reset job are all generated from these lists, so adding a table means
adding its `.sql` files and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from .sql import statement
from .targets import Target


@dataclass(frozen=True)
class DayColumn:
    """The column that says which day a row belongs to: a daily-partitioned table replaces one
    day's rows by this column's range."""

    name: str
    epoch_ms: bool  # milliseconds since 1970 (raw `ts`), else a TIMESTAMP


@dataclass(frozen=True)
class Table:
    """A table whose DDL is `sql/<layer>/<name>.create.sql`."""

    name: str
    # Daily-partitioned by this column: a day's rows are replaced by its range. Keyword-only,
    # so that subclasses can still add fields without defaults.
    day_column: DayColumn | None = field(default=None, kw_only=True)
    layer: ClassVar[str] = "meta"

    @property
    def create_sql(self) -> str:
        return f"{self.layer}/{self.name}.create"

    def create_statement(self, target: Target) -> str:
        """CREATE TABLE: the columns, written once, plus Redshift's physical design there."""
        create = statement(self.create_sql, target)
        if target is Target.REDSHIFT:
            distribution = statement(f"{self.layer}/{self.name}.distribution", target)
            return f"{create.rstrip()}\n{distribution}"
        return create


@dataclass(frozen=True)
class StagingTable(Table):
    """A table Redshift's COPY fills from the files under `prefix`."""

    prefix: str
    jsonpaths: str | None  # a key under the source, or None for JSON 'auto'
    description: str
    layer: ClassVar[str] = "staging"


@dataclass(frozen=True)
class StarTable(Table):
    """A table rebuilt from its upstream tables by one INSERT … SELECT."""

    key: str
    upstream: tuple[str, ...]
    description: str
    layer: ClassVar[str] = "star"

    @property
    def insert_sql(self) -> str:
        return f"star/{self.name}.insert"


STAGING_TABLES = (
    StagingTable(
        "staging_events",
        prefix="log_data/",
        jsonpaths="log_json_path.json",
        description="Every app event from log_data/, as loaded: one row per log record. "
        "Partitioned by the UTC day of ts; a day's load reads that day's log file.",
        day_column=DayColumn("ts", epoch_ms=True),
    ),
    StagingTable(
        "staging_songs",
        prefix="song_data/",
        jsonpaths=None,
        description="Every song object from song_data/, as loaded: one row per song file.",
    ),
)

STAR_TABLES = (
    StarTable(
        "songplays",
        key="songplay_id",
        upstream=("staging_events", "staging_songs"),
        description="Fact: one row per song play (NextSong event with a user), "
        "matched to its song and artist where the catalogue has them. Partitioned by the UTC "
        "day of start_time.",
        day_column=DayColumn("start_time", epoch_ms=False),
    ),
    StarTable(
        "users",
        key="user_id",
        upstream=("staging_events",),
        description="Dimension: one row per user, with the level of their latest event across "
        "every day loaded.",
    ),
    StarTable(
        "songs",
        key="song_id",
        upstream=("staging_songs",),
        description="Dimension: one row per song; unknown year is NULL.",
    ),
    StarTable(
        "artists",
        key="artist_id",
        upstream=("staging_songs",),
        description="Dimension: one row per artist, with its most common name and location.",
    ),
    StarTable(
        "time",
        key="start_time",
        upstream=("songplays",),
        description="Dimension: one row per distinct play start, broken into calendar parts. "
        "Partitioned by the UTC day of start_time.",
        day_column=DayColumn("start_time", epoch_ms=False),
    ),
)

# Bookkeeping of loads, shaped like Redshift's STL_LOAD_ERRORS / STL_LOAD_COMMITS.
META_TABLES = (Table("load_history"), Table("load_errors"))

ALL_TABLES: tuple[Table, ...] = (*META_TABLES, *STAGING_TABLES, *STAR_TABLES)
