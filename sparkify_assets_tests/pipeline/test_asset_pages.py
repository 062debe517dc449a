"""What each asset's page in the UI is built from: a day's figures on that day's
materialization (the Plots drawn by partition), the whole table in Dagster's TableMetadataSet
keys on the run's latest one, links to the SQL behind the asset, and the freshness checks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from dagster import AssetKey
from dagster._core.definitions.metadata import TableMetadataSet
from dagster._serdes import serialize_value

from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.paths import PROJECT_ROOT
from sparkify_assets.model.sql import read_sql, sql_path
from sparkify_assets.model.tables import ASSET_TABLES
from sparkify_assets.model.targets import Target
from sparkify_assets.pipeline.code_references import git_remote, statements_of
from sparkify_assets.pipeline.freshness import DAILY_TABLES
from sparkify_assets_tests.conftest import declared_definitions, run_etl
from sparkify_assets_tests.support.rawdata import event, log_files, ndjson, song, song_files

DAYS = ["2018-11-01", "2018-11-02", "2018-11-03"]


def at(day: str, hour: int) -> int:
    from datetime import UTC, datetime

    return (
        int(datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=UTC).timestamp())
        * 1000
    )


@pytest.fixture
def three_days(raw_files, settings, warehouse):
    """Day 1: 3 plays by 2 users, 1 matched to the catalogue, and a record the load rejects;
    day 2: no log file (no events); day 3: 1 play."""
    files = {
        **log_files(
            (
                DAYS[0],
                [
                    event(ts=at(DAYS[0], 1), userId="1", sessionId=1),
                    event(
                        ts=at(DAYS[0], 2),
                        userId="1",
                        sessionId=1,
                        itemInSession=1,
                        song="Other",
                        artist="Nobody",
                    ),
                    event(ts=at(DAYS[0], 3), userId="2", sessionId=2, song="Other"),
                ],
            ),
            (DAYS[2], [event(ts=at(DAYS[2], 4), userId="3", sessionId=3)]),
        ),
        **song_files(song()),
    }
    day_one = next(key for key in files if DAYS[0] in key)
    files[day_one] += "\n" + ndjson(event(ts=at(DAYS[0], 5), sessionId="not a number"))
    source = raw_files(files)
    run_settings = settings(SPARKIFY_SOURCE=source.location, SPARKIFY_MAXERROR="10")
    result = run_etl(run_settings)
    assert result.success
    by_asset: dict[str, list] = {}
    for found in result.get_asset_materialization_events():
        materialization = found.event_specific_data.materialization
        by_asset.setdefault(materialization.asset_key.to_user_string(), []).append(materialization)
    return by_asset, warehouse, run_settings


def figures(materializations, name: str) -> dict[str, object]:
    return {m.partition: m.metadata[name].value for m in materializations}


def test_each_day_of_a_run_has_its_own_figures_a_day_without_plays_zero(three_days):
    by_asset, *_ = three_days
    songplays = by_asset["songplays"]
    assert [m.partition for m in songplays] == DAYS
    assert figures(songplays, "plays") == {DAYS[0]: 3, DAYS[1]: 0, DAYS[2]: 1}
    assert figures(songplays, "dagster/partition_row_count") == {DAYS[0]: 3, DAYS[1]: 0, DAYS[2]: 1}
    assert figures(songplays, "active_users") == {DAYS[0]: 2, DAYS[1]: 0, DAYS[2]: 1}
    assert figures(songplays, "matched_share") == pytest.approx(
        {DAYS[0]: 1 / 3, DAYS[1]: 0, DAYS[2]: 1.0}
    )
    assert figures(by_asset["time"], "dagster/partition_row_count") == {
        DAYS[0]: 3, DAYS[1]: 0, DAYS[2]: 1
    }  # fmt: skip


def test_a_rejected_record_counts_for_the_day_of_its_file(three_days):
    by_asset, *_ = three_days
    events = by_asset["staging_events"]
    assert figures(events, "rejected_records") == {DAYS[0]: 1, DAYS[1]: 0, DAYS[2]: 0}
    assert figures(events, "dagster/partition_row_count") == {DAYS[0]: 3, DAYS[1]: 0, DAYS[2]: 1}
    assert events[-1].metadata["rejected"].value == 1  # the load's own total


@pytest.mark.parametrize("table", [t.name for t in ASSET_TABLES])
def test_only_the_latest_day_carries_the_whole_table_in_dagsters_table_keys(three_days, table):
    by_asset, warehouse, _ = three_days
    *earlier, latest = by_asset[table]
    whole = TableMetadataSet.extract(latest.metadata)
    with warehouse.session() as session:
        assert whole.row_count == session.state(table).row_count
    assert whole.table_name == f"{warehouse.schema_name}.{table}"
    assert whole.column_schema is not None and whole.column_schema.columns
    assert whole.partition_row_count == (
        latest.metadata["dagster/partition_row_count"].value
        if "dagster/partition_row_count" in latest.metadata
        else None
    )
    for day in earlier:
        assert TableMetadataSet.extract(day.metadata).row_count is None
        assert len(serialize_value(day.metadata)) < 600, "a day's own figures only"


def test_a_daily_tables_days_add_up_to_the_whole_table(three_days):
    by_asset, *_ = three_days
    for table in DAILY_TABLES:
        days = figures(by_asset[table], "dagster/partition_row_count")
        assert sum(days.values()) == by_asset[table][-1].metadata["dagster/row_count"].value


def test_every_asset_links_to_each_sql_file_it_runs_and_to_its_python():
    graph = declared_definitions().resolve_asset_graph()
    for table in ASSET_TABLES:
        references = graph.get(AssetKey(table.name)).metadata["dagster/code_references"]
        paths = [getattr(r, "file_path", None) for r in references.code_references]
        wanted = [str(sql_path(name, "local")) for name in statements_of(table, Target.LOCAL)]
        assert paths[: len(wanted)] == wanted and all(Path(p).is_file() for p in wanted)
        assert paths[-1].endswith(".py"), "the factory that defines the asset"


def test_redshift_assets_link_to_the_statements_redshift_runs():
    statements = statements_of(ASSET_TABLES[0], Target.REDSHIFT)
    assert [sql_path(name, "redshift").name for name in statements] == [
        "staging_events.create.sql", "copy_json.redshift.sql",
    ]  # fmt: skip
    assert "\n-- redshift: DISTSTYLE EVEN SORTKEY (ts)\n" in read_sql(statements[0])


def _repository(folder: Path, remote: str | None) -> Path:
    def run(*arguments: str) -> None:
        subprocess.run(["git", "-C", str(folder), *arguments], check=True, capture_output=True)

    folder.mkdir()
    run("init", "-q")
    (folder / "f").write_text("x")
    run("add", "f")
    run("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    if remote:
        run("remote", "add", "origin", remote)
    return folder


@pytest.mark.parametrize(
    "remote, expected",
    [
        ("git@github.com:sparkify/warehouse.git", "https://github.com/sparkify/warehouse"),
        ("https://github.com/sparkify/warehouse.git", "https://github.com/sparkify/warehouse"),
        ("ssh://git@gitlab.com/data/sparkify", "https://gitlab.com/data/sparkify"),
        ("https://user:token@github.com/sparkify/warehouse.git", None),  # never a credential
        ("https://git.example.org/sparkify/warehouse.git", None),  # Dagster links 2 hosts only
        (None, None),
    ],
)
def test_links_go_to_the_remote_at_the_commit_checked_out(tmp_path, remote, expected):
    folder = _repository(tmp_path / "checkout", remote)
    found = git_remote(folder)
    if expected is None:
        assert found is None
    else:
        commit = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        assert found == (expected, commit)


def test_outside_a_checkout_there_are_no_links_and_no_error(tmp_path):
    assert git_remote(tmp_path) is None
    assert git_remote(PROJECT_ROOT) is None or git_remote(PROJECT_ROOT)[0].startswith("https://")


def test_each_daily_table_has_a_freshness_check_that_no_job_runs():
    definitions = declared_definitions()
    graph = definitions.resolve_asset_graph()
    fresh = {
        key.asset_key.to_user_string()
        for key in graph.asset_check_keys
        if key.name == "freshness_check"
    }
    assert fresh == set(DAILY_TABLES) == {"staging_events", "songplays", "time"}
    for job in ("sparkify_etl", "sparkify_daily"):
        checks = definitions.resolve_job_def(job).asset_layer.asset_graph.asset_check_keys
        assert checks and not any(key.name == "freshness_check" for key in checks), job
    sensor = definitions.resolve_sensor_def("freshness_checks_sensor")
    assert sensor.default_status.value == "STOPPED"


def test_a_warehouse_from_before_day_counts_gets_its_days_counted_and_keeps_whole_counts(
    three_days,
):
    """day_rows is new: the first run on a warehouse without it counts the days its daily
    tables already hold, so that a run of one day still reports each whole table right."""
    _, warehouse, run_settings = three_days
    with warehouse.session() as session:
        session.execute("common/drop_table", table="day_rows")
    daily = build_definitions(run_settings).resolve_job_def("sparkify_daily")
    result = daily.execute_in_process(partition_key=DAYS[2])
    assert result.success
    latest = {
        m.asset_key.to_user_string(): m.metadata
        for m in (
            e.event_specific_data.materialization for e in result.get_asset_materialization_events()
        )
    }
    with warehouse.session() as session:
        for table in DAILY_TABLES:
            assert latest[table]["dagster/row_count"].value == session.state(table).row_count
            assert latest[table]["dagster/partition_row_count"].value == 1
            session.cursor.execute("SELECT day FROM day_rows WHERE tbl_name = %s", (table,))
            assert sorted(str(day) for (day,) in session.cursor.fetchall()) == [DAYS[0], DAYS[2]]
