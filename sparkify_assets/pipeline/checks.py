"""Asset checks, generated from one table of rules: keys, references, counts, reconciliation.

Key, reference and reconciliation checks are blocking: a failure stops the tables built from the
failed one and fails the run. A failing check's metadata carries the counts and a few of the
offending keys, so the UI says what is wrong without a query.
"""

from datetime import date

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    DailyPartitionsDefinition,
    MetadataValue,
    asset_check,
)

from sparkify_assets.copyjson.drift import UnmappedKey
from sparkify_assets.model.catalogue import columns_of
from sparkify_assets.model.damaged_text import DAMAGE_MARK
from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import (
    ANALYTICS_TABLES,
    REFERENCES,
    SONGPLAYS,
    STAGING_TABLES,
    STAR_TABLES,
    AnalyticsTable,
    BuiltTable,
    Reference,
    StagingTable,
    StarTable,
)
from sparkify_assets.pipeline.metadata import unmapped_keys_table
from sparkify_assets.pipeline.partitions import days_of_run
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.session import Session


def _key_check(table: BuiltTable) -> AssetChecksDefinition:
    # An empty star table means a broken load; an empty analytics table can be a true answer
    # (no play matched a song: top_songs has no rows, and song_match_share warns of it).
    must_have_rows = isinstance(table, StarTable)
    form = _key_form(table)

    @asset_check(
        asset=table.name,
        name="primary_key",
        blocking=True,
        description=f"{table.key} is never null and never repeats"
        + (", and the table is not empty." if must_have_rows else "."),
    )
    def check(warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.session() as session:
            profile = session.fetch_one(
                f"checks/key_profile{form}", table=table.name, key=table.key
            )
            assert profile is not None
            row_count, null_keys, duplicate_keys = profile
            duplicates = (
                session.fetch_all(f"checks/duplicate_keys{form}", table=table.name, key=table.key)
                if duplicate_keys
                else []
            )
        return AssetCheckResult(
            passed=(row_count > 0 or not must_have_rows) and null_keys == 0 and duplicate_keys == 0,
            metadata={
                "row_count": row_count,
                "null_keys": null_keys,
                "duplicate_keys": duplicate_keys,
                "duplicate_examples": MetadataValue.json(
                    [{"key": key, "rows": rows} for key, rows in duplicates]
                ),
            },
        )

    return check


def _key_form(table: BuiltTable) -> str:
    """Which form of the key checks' SQL fits the key's type, as the table's DDL declares it: a
    BOOLEAN can't become text on Redshift, so it has statements of its own
    (sql/checks/*.boolean.sql)."""
    key_type = next(c.data_type for c in columns_of(table) if c.name == table.key)
    return ".boolean" if key_type == "BOOLEAN" else ""


def _plays_add_up_check(table: AnalyticsTable, column: str) -> AssetChecksDefinition:
    # Catches plays lost on the way, as when `time` lacks some plays' start times (songplays
    # materialized on its own) and plays_by_hour's join drops them without an error.
    @asset_check(
        asset=table.name,
        name="counts_every_play",
        blocking=True,
        description=f"Its rows' {column} add up to songplays' rows: every play counted once.",
    )
    def check(warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.session() as session:
            counts = session.fetch_one("checks/plays_add_up", table=table.name, column=column)
        assert counts is not None
        counted, songplays = counts
        return AssetCheckResult(
            passed=counted == songplays,
            metadata={"plays_counted": int(counted), "songplays": songplays},
        )

    return check


def _reference_check(reference: Reference) -> AssetChecksDefinition:
    # A check runs after both tables exist. It belongs to the child unless the parent is built
    # from the child (time from songplays); then it is the parent's completeness check.
    parent_is_downstream = reference.parent_is_built_from_child
    owner, other = (
        (reference.parent, reference.child)
        if parent_is_downstream
        else (reference.child, reference.parent)
    )

    @asset_check(
        asset=owner,
        name=(
            f"has_every_{reference.child}_{reference.column}"
            if parent_is_downstream
            else f"{reference.column}_in_{reference.parent}"
        ),
        blocking=True,
        additional_deps=[] if parent_is_downstream else [other],
        description=(
            f"Every non-null {reference.child}.{reference.column} is a "
            f"{reference.parent}.{reference.parent_key}."
        ),
    )
    def check(warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.session() as session:
            orphans = session.fetch_all(
                "checks/orphans",
                child=reference.child,
                column=reference.column,
                parent=reference.parent,
                parent_key=reference.parent_key,
            )
        orphan_count = orphans[0][1] if orphans else 0
        return AssetCheckResult(
            passed=orphan_count == 0,
            metadata={
                "orphans": orphan_count,
                "orphan_examples": MetadataValue.json([value for value, _ in orphans]),
            },
        )

    return check


def _rows_of_days(
    session: Session, table: StagingTable, first: date | None, last: date | None
) -> int:
    if first is None or last is None or table.day_column is None:
        return session.state(table.name).row_count
    row = session.fetch_one(
        "common/count_rows_of_days",
        Days(first, last).parameters(table.day_column),
        table=table.name,
        column=table.day_column.name,
    )
    return row[0] if row else 0


def _load_reconciliation_check(table: StagingTable) -> AssetChecksDefinition:
    @asset_check(
        asset=table.name,
        name="load_reconciles",
        blocking=True,
        description=(
            "Nothing lost: the table holds the latest load's rows (of the days it loaded), and "
            "rows loaded + records rejected (in load_errors) = records read from the files."
        ),
    )
    def check(warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.session() as session:
            last = session.fetch_one("checks/last_load", {"tbl_name": table.name})
            if last is None:
                return AssetCheckResult(
                    passed=False, metadata={"reason": "no committed load recorded in load_history"}
                )
            load_id, records_read, rows_loaded, rejected, errors_recorded, first, last_day = last
            rows_now = _rows_of_days(session, table, first, last_day)
        return AssetCheckResult(
            passed=(
                rows_now > 0
                and rows_now == rows_loaded
                and errors_recorded == rejected
                and rows_loaded + rejected == records_read
            ),
            metadata={
                "load_id": load_id,
                "records_read": records_read,
                "rows_loaded": rows_loaded,
                "rows_in_table": rows_now,
                "rejected": rejected,
                "load_errors_rows": errors_recorded,
            },
        )

    return check


def _new_json_keys_check(table: StagingTable) -> AssetChecksDefinition:
    @asset_check(
        asset=table.name,
        name="new_json_keys",
        description=(
            "Warns when the latest load met a top-level JSON key that fills no column (COPY "
            "drops it) and that no earlier load of the table met, naming each with its count "
            "and first file:line; on Redshift, in a sample of the files its COPY read."
        ),
    )
    def check(warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.session() as session:
            last = session.fetch_one("checks/last_load", {"tbl_name": table.name})
            keys = (
                session.fetch_all(
                    "checks/new_json_keys", {"tbl_name": table.name, "load_id": last[0]}
                )
                if last is not None
                else []
            )
        new = [UnmappedKey(*row[:4]) for row in keys if row[4]]
        if new:
            description = f"New JSON keys that fill no column of {table.name}: " + ", ".join(
                f"{key.key} ({key.records:,} records, first at {key.example})" for key in new
            )
        else:
            description = (
                f"No new JSON key; the latest load met {len(keys)} that fill no column, all "
                "met before"
                if keys
                else "Every top-level JSON key of the latest load fills a column"
            )
        return AssetCheckResult(
            passed=not new,
            severity=AssetCheckSeverity.WARN,
            description=description,
            metadata={
                "new_keys": len(new),
                "unmapped_keys": len(keys),
                "new_key_examples": unmapped_keys_table(new),
            },
        )

    return check


def songplays_one_row_per_play_check(
    partitions: DailyPartitionsDefinition,
) -> AssetChecksDefinition:
    @asset_check(
        asset=SONGPLAYS.name,
        name="one_row_per_play",
        blocking=True,
        description=(
            "For the days of the run: songplays holds exactly one row per distinct NextSong "
            "event with a user (and a session and item in session); events lacking those are "
            "counted in the metadata."
        ),
    )
    def check(
        context: AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> AssetCheckResult:
        checked = days_of_run(context, partitions)
        with warehouse.session() as session:
            counts = session.fetch_one("checks/songplays_vs_events", checked.parameters())
        assert counts is not None
        songplays, plays, unplaceable = counts
        return AssetCheckResult(
            passed=songplays == plays,
            metadata={
                "days": str(checked) if not checked.whole_table else "all",
                "songplays": songplays,
                "distinct_plays_in_staging": plays,
                "nextsong_events_without_session_or_item": unplaceable,
            },
        )

    return check


def songplays_match_share_check(min_share: float) -> AssetChecksDefinition:
    @asset_check(
        asset=SONGPLAYS.name,
        name="song_match_share",
        description=(
            f"Share of plays matched to a known song; warns below {min_share:.1%} "
            "(SPARKIFY_MIN_MATCH_SHARE)."
        ),
    )
    def check(warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.session() as session:
            counts = session.fetch_one("checks/songplays_match_share")
        assert counts is not None
        songplays, matched = counts
        share = matched / songplays if songplays else 0.0
        return AssetCheckResult(
            passed=share >= min_share,
            severity=AssetCheckSeverity.WARN,
            metadata={
                "songplays": songplays,
                "matched": matched,
                "share": MetadataValue.float(round(share, 4)),
                "threshold": min_share,
            },
        )

    return check


def songplays_damaged_text_check() -> AssetChecksDefinition:
    @asset_check(
        asset=SONGPLAYS.name,
        name="damaged_text",
        description=(
            "Texts of the plays (song, artist, location, user agent) that still show "
            "double-encoded UTF-8 after f_repair_text, which repairs only the characters it "
            "covers; warns when there are any, naming a few."
        ),
    )
    def check(warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.session() as session:
            damaged = session.fetch_all("checks/damaged_text", {"damage_mark": DAMAGE_MARK})
        damaged_count = damaged[0][1] if damaged else 0
        return AssetCheckResult(
            passed=damaged_count == 0,
            severity=AssetCheckSeverity.WARN,
            metadata={
                "damaged_texts": damaged_count,
                "damaged_examples": MetadataValue.json([text for text, _ in damaged]),
            },
        )

    return check


def build_checks(
    min_match_share: float, partitions: DailyPartitionsDefinition
) -> list[AssetChecksDefinition]:
    return [
        *(_load_reconciliation_check(table) for table in STAGING_TABLES),
        *(_new_json_keys_check(table) for table in STAGING_TABLES),
        *(_key_check(table) for table in (*STAR_TABLES, *ANALYTICS_TABLES)),
        *(
            _plays_add_up_check(table, table.plays_column)
            for table in ANALYTICS_TABLES
            if table.plays_column is not None
        ),
        *(_reference_check(reference) for reference in REFERENCES),
        songplays_one_row_per_play_check(partitions),
        songplays_match_share_check(min_match_share),
        songplays_damaged_text_check(),
    ]
