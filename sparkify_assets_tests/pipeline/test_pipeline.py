"""The Dagster pipeline as a whole: its lineage, its job on generated data against the
generator's ground truth, and what a failing load or check does to a run."""

from __future__ import annotations

import json

from dagster import DagsterEventType, ExecuteInProcessResult

from sparkify_assets.sample.truth import differences
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets_tests.conftest import check_results, declared_definitions, run_etl
from sparkify_assets_tests.support.rawdata import event, log_files, song, song_files

DECLARED_LINEAGE = {
    "staging_events": set(),
    "staging_songs": set(),
    # a fact after the dimensions it references, so its reference checks find them built
    "songplays": {"staging_events", "staging_songs", "users", "songs", "artists"},
    "users": {"staging_events"},
    "songs": {"staging_songs", "artists"},
    "artists": {"staging_songs"},
    "time": {"songplays"},
    "top_songs": {"songplays", "songs", "artists"},
    "top_artists": {"songplays", "artists"},
    "most_active_users": {"songplays", "users"},
    "plays_by_hour": {"songplays", "time"},
    "plays_by_level": {"songplays"},
    "plays_by_weekday": {"songplays", "time"},
    "daily_active_users": {"songplays"},
    "song_match_share": {"songplays"},
}


def materialized_assets(result: ExecuteInProcessResult) -> set[str]:
    return {
        event.event_specific_data.materialization.asset_key.to_user_string()
        for event in result.get_asset_materialization_events()
    }


def scalar(warehouse: WarehouseResource, query: str):
    with warehouse.session() as session:
        session.cursor.execute(query)
        return session.cursor.fetchone()[0]


def test_assets_declare_the_star_schemas_lineage_and_groups():
    graph = declared_definitions().resolve_asset_graph()
    lineage = {
        key.to_user_string(): {parent.to_user_string() for parent in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }
    assert lineage == DECLARED_LINEAGE
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert {name for name, group in groups.items() if group == "staging"} == {
        "staging_events",
        "staging_songs",
    }


def test_the_etl_job_selects_every_table_and_their_checks():
    job = declared_definitions().resolve_job_def("sparkify_etl")
    assert {key.to_user_string() for key in job.asset_layer.executable_asset_keys} == set(
        DECLARED_LINEAGE
    )
    checked = {
        key.asset_key.to_user_string() for key in job.asset_layer.asset_graph.asset_check_keys
    }
    assert checked == set(DECLARED_LINEAGE)


def test_the_job_builds_the_warehouse_the_generator_describes(sample, settings, warehouse):
    location, truth = sample
    result = run_etl(settings(SPARKIFY_SOURCE=str(location)))

    assert result.success
    assert check_results(result) and all(check_results(result).values())
    with warehouse.session() as session:
        assert differences(session, truth) == []


def test_the_comparison_with_the_truth_names_what_a_lost_play_changed(sample, settings, warehouse):
    location, truth = sample
    assert run_etl(settings(SPARKIFY_SOURCE=str(location))).success
    with warehouse.session() as session:
        session.cursor.execute(
            "DELETE FROM songplays WHERE songplay_id = "
            "(SELECT MIN(songplay_id) FROM songplays WHERE song_id IS NOT NULL)"
        )
        found = differences(session, truth)
    assert [line.split(":")[0] for line in found] == [
        "nextsong_plays", "matched_plays", "plays_per_day", "plays_per_song"
    ]  # fmt: skip


def test_every_materialization_records_row_count_and_column_schema(sample, settings):
    result = run_etl(settings(SPARKIFY_SOURCE=str(sample[0])))
    materialized = {
        materialization.asset_key.to_user_string(): materialization.metadata
        for materialization in (
            event.event_specific_data.materialization
            for event in result.get_asset_materialization_events()
        )
    }
    assert set(materialized) == set(DECLARED_LINEAGE)
    for name, metadata in materialized.items():
        assert metadata["dagster/row_count"].value > 0, name
        assert metadata["dagster/column_schema"].schema.columns, name


def test_a_load_over_maxerror_fails_the_run_naming_file_and_line(raw_files, settings, warehouse):
    source = raw_files(
        {
            **log_files(("2018-11-01", [event(), event(sessionId="x")])),
            **song_files(song()),
        }
    )
    result = run_etl(settings(SPARKIFY_SOURCE=source.location))

    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE)
    message = failure.event_specific_data.error.message
    assert "log_data/2018/11/2018-11-01-events.json line 2, column session_id" in message
    assert "songplays" not in materialized_assets(result)
    assert scalar(warehouse, "SELECT COUNT(*) FROM load_errors") == 1


def test_a_failing_blocking_check_fails_the_run_and_stops_what_is_built_from_it(
    sample, settings, warehouse
):
    configured = settings(SPARKIFY_SOURCE=str(sample[0]))
    assert run_etl(configured).success
    with warehouse.session() as session:
        session.cursor.execute("DELETE FROM users WHERE user_id = (SELECT MIN(user_id) FROM users)")

    result = run_etl(configured, "songplays", "time")

    assert not result.success
    checks = check_results(result)
    assert checks["songplays.user_id_in_users"] is False
    assert "time" not in materialized_assets(result)


def test_check_metadata_names_the_offending_keys(sample, settings, warehouse):
    configured = settings(SPARKIFY_SOURCE=str(sample[0]))
    run_etl(configured)
    with warehouse.session() as session:
        session.cursor.execute("SELECT MIN(user_id) FROM users")
        missing = session.cursor.fetchone()[0]
        session.cursor.execute("DELETE FROM users WHERE user_id = %s", (missing,))
    result = run_etl(configured, "songplays")
    evaluation = next(
        e.event_specific_data
        for e in result.all_events
        if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
        and e.event_specific_data.check_name == "user_id_in_users"
    )
    assert evaluation.metadata["orphans"].value == 1
    assert json.loads(json.dumps(evaluation.metadata["orphan_examples"].value)) == [str(missing)]
