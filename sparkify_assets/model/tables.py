"""The warehouse's tables in one place: what each is, where its SQL is, what it is built from.

Assets, checks and the reset job are all generated from these lists, so adding a table means
adding its `.sql` files and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from sparkify_assets.model.sql import create_and_redshift_design
from sparkify_assets.model.targets import Target


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
    # Numbers of each day beside its rows, `sql/figures/<name>.sql` (the table's own, or, for a
    # table of a row per day, that row's): on each day's materialization, drawn by the Plots.
    figures_by_day: bool = field(default=False, kw_only=True)
    layer: ClassVar[str] = "meta"
    # Who answers for the table's data: the engineers for what the pipeline loads and shapes,
    # the analysts for their queries' results.
    owners: ClassVar[tuple[str, ...]] = ("team:data-engineering",)

    @property
    def create_sql(self) -> str:
        return f"{self.layer}/{self.name}.create"

    @property
    def figures_sql(self) -> str | None:
        return f"figures/{self.name}" if self.figures_by_day else None

    @property
    def key_column(self) -> str | None:
        """The column of the table's primary key, if it has one of a single column."""
        return None

    @property
    def day_index(self) -> str | None:
        """The index a daily table's range DELETE and SELECT use; None for a table that is not
        daily, or whose key is its day column (time): the key's own index serves, and a second
        index on the same column would only double the cost of every insert."""
        if self.day_column is None or self.day_column.name == self.key_column:
            return None
        return f"{self.name}_{self.day_column.name}_day"

    def create_statement(self, target: Target) -> str:
        """CREATE TABLE: the columns, written once, and on Redshift the physical design its
        `-- redshift:` line declares, after them."""
        create, design = create_and_redshift_design(self.create_sql, target)
        if target is Target.REDSHIFT:
            return f"{create.rstrip()}\n{design}\n"
        return create


@dataclass(frozen=True)
class StagingTable(Table):
    """A table Redshift's COPY fills from the files under `prefix`."""

    prefix: str
    jsonpaths: str | None  # a key under the source, or None for JSON 'auto'
    description: str
    layer: ClassVar[str] = "staging"


@dataclass(frozen=True)
class BuiltTable(Table):
    """A table rebuilt from its upstream tables by one INSERT … SELECT,
    `sql/<layer>/<name>.insert.sql`."""

    key: str
    upstream: tuple[str, ...]
    description: str
    # Statements that each create a temporary table the build reads, `<table>_<suffix>` for
    # `<layer>/<table>.<suffix>`, analyzed once filled: a step planned on real row counts.
    prepared_by: tuple[str, ...] = field(default=(), kw_only=True)
    # For a table refreshed row by row for the days a run covers (users): the statements that
    # delete the rows its INSERT writes again, instead of deleting every row.
    refreshed_by: tuple[str, ...] = field(default=(), kw_only=True)
    # The SQL functions its statements call (`sql.function_sql`), made sure of before they run;
    # a test holds this to what the statements call.
    functions: tuple[str, ...] = field(default=(), kw_only=True)

    @property
    def insert_sql(self) -> str:
        return f"{self.layer}/{self.name}.insert"

    @property
    def temporary_tables(self) -> tuple[tuple[str, str], ...]:
        """(temporary table, statement that creates it) for each of `prepared_by`, in order."""
        return tuple((f"{self.name}_{name.rsplit('.', 1)[1]}", name) for name in self.prepared_by)

    @property
    def statements(self) -> tuple[str, ...]:
        """Every statement of the build that is the table's own, in the order they run (the
        lock, the analyzes and a whole table's DELETE are common to every table)."""
        return (*self.prepared_by, *self.refreshed_by, self.insert_sql)

    @property
    def built_for_days(self) -> bool:
        """Whether a run of some days builds only what those days change."""
        return self.day_column is not None or bool(self.refreshed_by)

    @property
    def key_column(self) -> str:
        return self.key


@dataclass(frozen=True)
class StarTable(BuiltTable):
    layer: ClassVar[str] = "star"


@dataclass(frozen=True)
class Chart:
    """A bar chart of an analytics table: a bar for every point of its axis, in order; a point
    the table has no row for (an hour without plays) is a bar of 0, not a missing bar."""

    label: str  # the column that names each bar
    value: str  # the column that sets its height
    title: str
    axis: str  # "hour" or "weekday": what a complete set of bars is (charts.AXES)


@dataclass(frozen=True)
class AnalyticsTable(BuiltTable):
    """One of the analysts' queries, kept as a table so that dashboards read it, not rerun it."""

    chart: Chart | None = field(default=None, kw_only=True)
    # For a table that splits every play into parts (by hour, day, …): the column counting
    # each part's plays, which must add up to songplays' rows.
    plays_column: str | None = field(default=None, kw_only=True)
    layer: ClassVar[str] = "analytics"
    owners: ClassVar[tuple[str, ...]] = ("team:analytics",)


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

STAR_TABLES = (  # dimensions before the fact that references them, as they are built
    StarTable(
        "users",
        key="user_id",
        upstream=("staging_events",),
        description="Dimension: one row per user, with the level of their latest event across "
        "every day loaded. A run of some days refreshes the users those days change.",
        prepared_by=("star/users.affected",),
        refreshed_by=("star/users.delete_affected",),
        functions=("f_repair_text",),
    ),
    StarTable(
        "artists",
        key="artist_id",
        upstream=("staging_songs",),
        description="Dimension: one row per artist, with its most common name and location.",
    ),
    StarTable(
        "songs",
        key="song_id",
        upstream=("staging_songs",),
        description="Dimension: one row per song; unknown year is NULL.",
    ),
    StarTable(
        "songplays",
        key="songplay_id",
        upstream=("staging_events", "staging_songs"),
        description="Fact: one row per song play (NextSong event with a user), "
        "matched to its song and artist where the catalogue has them. Partitioned by the UTC "
        "day of start_time.",
        day_column=DayColumn("start_time", epoch_ms=False),
        prepared_by=("star/songplays.plays", "star/songplays.texts"),
        functions=("f_repair_text",),
        figures_by_day=True,
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
# The fact table, for the checks and the command that count plays.
SONGPLAYS = next(table for table in STAR_TABLES if table.name == "songplays")


@dataclass(frozen=True)
class Reference:
    """A foreign key: every non-null `child.column` must exist as `parent.parent_key`."""

    child: str
    column: str
    parent: str
    parent_key: str

    @property
    def parent_is_built_from_child(self) -> bool:
        """time is built from songplays' start times: its check is of completeness instead."""
        return any(t.name == self.parent and self.child in t.upstream for t in STAR_TABLES)


REFERENCES = (
    Reference("songplays", "user_id", "users", "user_id"),
    Reference("songplays", "song_id", "songs", "song_id"),
    Reference("songplays", "artist_id", "artists", "artist_id"),
    Reference("songplays", "start_time", "time", "start_time"),
    Reference("songs", "artist_id", "artists", "artist_id"),
)


def built_after(table: BuiltTable) -> tuple[str, ...]:
    """What a table's asset comes after: the tables its SQL reads, then the tables its keys
    reference, as a star schema loads dimensions before facts. So its reference checks find
    those tables built even when "Materialize all" in the UI splits the work into several runs
    (a check's own `additional_deps` orders steps within one run only)."""
    referenced = tuple(
        r.parent for r in REFERENCES if r.child == table.name and not r.parent_is_built_from_child
    )
    return tuple(dict.fromkeys((*table.upstream, *referenced)))


# The analysts' queries, over the star schema.
ANALYTICS_TABLES = (
    AnalyticsTable(
        "top_songs",
        key="rank",
        upstream=("songplays", "songs", "artists"),
        description="The 10 songs played most, among plays matched to a known song; ties go to "
        "the smaller song_id.",
    ),
    AnalyticsTable(
        "top_artists",
        key="rank",
        upstream=("songplays", "artists"),
        description="The 10 artists played most, among plays matched to a known artist; ties go "
        "to the smaller artist_id.",
    ),
    AnalyticsTable(
        "most_active_users",
        key="rank",
        upstream=("songplays", "users"),
        description="The 10 users with the most plays; ties go to the smaller user_id.",
    ),
    AnalyticsTable(
        "plays_by_hour",
        key="hour",
        upstream=("songplays", "time"),
        description="Plays in each hour of the day (UTC), over every day loaded.",
        chart=Chart("hour", "plays", "Plays by hour of day (UTC)", axis="hour"),
        plays_column="plays",
    ),
    AnalyticsTable(
        "plays_by_level",
        key="level",
        upstream=("songplays",),
        description="Plays by paid and free users (the level at the time of the play), with "
        "each level's share of all plays.",
    ),
    AnalyticsTable(
        "plays_by_weekday",
        key="weekday",
        upstream=("songplays", "time"),
        description="Plays on each day of the week (UTC), Sunday first.",
        chart=Chart("day_name", "plays", "Plays by day of the week (UTC)", axis="weekday"),
        plays_column="plays",
    ),
    AnalyticsTable(
        "daily_active_users",
        key="day",
        upstream=("songplays",),
        description="For each day (UTC) with plays: the users who played at least one song.",
        plays_column="plays",
        figures_by_day=True,
    ),
    AnalyticsTable(
        "song_match_share",
        key="matched",
        upstream=("songplays",),
        description="How many plays were matched to a song of the catalogue, and how many "
        "were not, with their shares of all plays.",
        plays_column="plays",
    ),
)

# Bookkeeping of loads, shaped like Redshift's STL_LOAD_ERRORS / STL_LOAD_COMMITS, and the JSON
# keys each load saw that fill no column (schema drift, copyjson/drift.py), and each day's rows
# of the daily tables (resources/figures.py).
META_TABLES = (
    Table("load_history"),
    Table("load_errors"),
    Table("load_unmapped_keys"),
    Table("day_rows"),
)

# Every table the pipeline builds, in the order it builds them.
ASSET_TABLES: tuple[StagingTable | BuiltTable, ...] = (
    *STAGING_TABLES,
    *STAR_TABLES,
    *ANALYTICS_TABLES,
)
ALL_TABLES: tuple[Table, ...] = (*META_TABLES, *ASSET_TABLES)
