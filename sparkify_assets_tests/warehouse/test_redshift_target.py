"""The Redshift target, without AWS: every statement it sends is recorded from a real run of the
jobs, compared with a committed snapshot per job (sparkify_assets_tests/snapshots/redshift/),
and parsed by sqlglot in its Redshift dialect; the recording also shows the order of statements
and where transactions begin and end. The loads away from the happy path are in
test_redshift_scenarios.py, the settings in config/test_redshift_settings.py."""

from __future__ import annotations

import os
import re
import sys

import psycopg2
import pytest
import sqlglot
from sqlglot import exp

from sparkify_assets.config.settings import Settings, SettingsError
from sparkify_assets.model.tables import ALL_TABLES
from sparkify_assets.model.targets import Target
from sparkify_assets_tests.support.redshift_recorder import (
    COMMIT,
    CONNECT,
    HOST,
    PASSWORD,
    ROLE,
    ROLLBACK,
    run,
)
from sparkify_assets_tests.support.redshift_snapshots import (
    REDSHIFT_SNAPSHOTS,
    render,
    statements_by_step,
)
from sparkify_assets_tests.support.snapshots import assert_matches_snapshot
from sparkify_assets_tests.support.sql_text import without_comments

# Every snapshot a test of the Redshift target writes: any other file there is stale.
SNAPSHOT_FILES = [
    "reset_warehouse.sql",
    "scenarios/copy_over_maxerror.sql",
    "scenarios/copy_refused.sql",
    "scenarios/copy_with_manifest.sql",
    "sparkify_daily.sql",
    "sparkify_etl.sql",
]


def test_every_statement_of_every_job_matches_its_snapshot(recorder):
    steps = set()
    for job in ("sparkify_etl", "reset_warehouse"):
        recorder.log.clear()
        assert run(job).success
        steps |= {step for step in recorder.steps() if step}
        assert_matches_snapshot(REDSHIFT_SNAPSHOTS / f"{job}.sql", render(recorder.log))
    assert len(steps) == 15 + 29 + 1  # assets, checks, reset
    written = [p.relative_to(REDSHIFT_SNAPSHOTS).as_posix() for p in REDSHIFT_SNAPSHOTS.rglob("*")]
    assert sorted(p for p in written if p.endswith(".sql")) == SNAPSHOT_FILES, "stale snapshots"


def _parse_deeply_nested(text: str) -> exp.Expression:
    """f_repair_text nests a few hundred REPLACE calls: more than Python's default stack."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        return sqlglot.parse_one(text, read="redshift")
    finally:
        sys.setrecursionlimit(limit)


def snapshot_statements() -> list[str]:
    """Every statement in every snapshot (the snapshot tests keep them equal to what is sent)."""
    return sorted(
        {
            statement
            for path in REDSHIFT_SNAPSHOTS.rglob("*.sql")
            for _, statement in statements_by_step(path.read_text(encoding="utf-8"))
        }
    )


FORBIDDEN_ON_REDSHIFT = {
    exp.OnConflict: "ON CONFLICT",
    exp.TruncateTable: "TRUNCATE (it commits at once on Redshift)",
    exp.GeneratedAsIdentityColumnConstraint: "identity columns",
}


def test_every_statement_sent_is_redshift_sql_by_an_independent_parser():
    statements = snapshot_statements()
    assert len(statements) > 40
    for body in statements:
        if re.fullmatch(r'LOCK "[a-z_]+"', body):
            continue  # sqlglot has no grammar for LOCK; the pattern above is Redshift's
        function = re.fullmatch(
            r"CREATE OR REPLACE FUNCTION (f_\w+)\((VARCHAR\(\d+\))\) RETURNS VARCHAR\(\d+\)\s+"
            r"IMMUTABLE AS \$\$(.*)\$\$ LANGUAGE sql",
            body,
            re.DOTALL,
        )
        if function:
            # sqlglot can't read a UDF's unnamed arguments; the header is checked by the pattern
            # above (Redshift's grammar) and the body, a FROM-less SELECT, is parsed.
            parsed = _parse_deeply_nested(function.group(3))
            assert isinstance(parsed, exp.Select) and parsed.args.get("from") is None
            continue
        parsed = sqlglot.parse(body, read="redshift")
        assert len(parsed) == 1, body
        tree = parsed[0]
        assert not isinstance(tree, exp.Command), f"sqlglot could not parse:\n{body}"
        for node, what in FORBIDDEN_ON_REDSHIFT.items():
            assert tree.find(node) is None, f"Redshift has no {what}:\n{body}"
        assert all(not d.args.get("on") for d in tree.find_all(exp.Distinct)), (
            f"Redshift has no DISTINCT ON:\n{body}"
        )


def test_each_asset_runs_in_one_transaction_that_locks_deletes_then_fills_and_commits(recorder):
    assert run("sparkify_etl").success
    for table in ("staging_events", "staging_songs", "songplays", "users", "time"):
        log = [r for r in recorder.log if r.step == table]
        assert {r.connection for r in log} == {log[0].connection}, "one connection per asset"
        texts = [without_comments(r.text) for r in log]
        assert texts[0] == CONNECT and texts[-1] == COMMIT and texts.count(COMMIT) == 1
        assert ROLLBACK not in texts
        lock = texts.index(f'LOCK "{table}"')
        deletes = re.compile(rf'DELETE FROM "?{table}"?(\s|$)')
        delete = next(i for i, t in enumerate(texts) if deletes.match(t))
        fills = re.compile(rf'(COPY|INSERT INTO) "?{table}"?[\s(]')
        fill = next(i for i, t in enumerate(texts) if fills.match(t))
        assert lock < delete < fill
    statements = [without_comments(text) for text in recorder.statements()]
    assert not any(text.upper().startswith("TRUNCATE") for text in statements), (
        "TRUNCATE commits at once on Redshift: a rebuild must DELETE inside its transaction"
    )


def test_staging_is_redshifts_copy_from_s3_with_the_iam_role_region_and_format(recorder):
    assert run("sparkify_etl").success
    events_copy = recorder.copy_statement("staging_events")
    assert "FROM 's3://udacity-dend/log_data/'" in events_copy
    assert f"IAM_ROLE '{ROLE}'" in events_copy
    assert "FORMAT AS JSON 's3://udacity-dend/log_json_path.json'" in events_copy
    assert "REGION 'us-west-2'" in events_copy and "MAXERROR 0" in events_copy
    assert "COMPUPDATE OFF" in events_copy and "STATUPDATE OFF" in events_copy
    assert 'ANALYZE "staging_events"' in map(without_comments, recorder.statements())
    songs_copy = recorder.copy_statement("staging_songs")
    assert "FROM 's3://udacity-dend/song_data/'" in songs_copy
    assert "FORMAT AS JSON 'auto'" in songs_copy


def test_every_table_is_created_with_the_columns_of_the_local_target_plus_its_redshift_design():
    for table in ALL_TABLES:
        local = table.create_statement(Target.LOCAL)
        redshift = table.create_statement(Target.REDSHIFT)
        assert redshift.startswith(local.rstrip())
        design = without_comments(redshift[len(local.rstrip()) :])
        assert re.fullmatch(
            r"DISTSTYLE (ALL|EVEN|AUTO|KEY DISTKEY \(\w+\))( SORTKEY \(\w+\))?", design
        )
        assert "DISTSTYLE" not in local


def test_secrets_never_reach_a_statement_the_run_config_or_the_event_log(recorder):
    result = run("sparkify_etl")
    assert result.success
    assert all(PASSWORD not in text for text in recorder.statements())
    assert PASSWORD not in str(result.dagster_run.run_config)
    assert all(PASSWORD not in str(event) for event in result.all_events)
    connection = recorder.connect_kwargs[0]
    assert connection["password"] == PASSWORD  # it reaches the driver, and only the driver
    assert (connection["host"], connection["port"], connection["sslmode"]) == (
        HOST,
        5439,
        "require",
    )


def test_a_failed_connection_to_redshift_names_the_host_but_never_the_password(
    monkeypatch, redshift_env
):
    def refuse(**kwargs):
        raise psycopg2.OperationalError(f"password={kwargs['password']} refused")

    monkeypatch.setattr(psycopg2, "connect", refuse)
    result = run("sparkify_etl")
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = str(failure.step_failure_data.error)
    assert HOST in message and PASSWORD not in message


def test_copy_names_the_sources_region_which_may_differ_from_the_clusters(recorder, monkeypatch):
    monkeypatch.setenv("SPARKIFY_REGION", "eu-west-1")
    monkeypatch.setenv("SPARKIFY_SOURCE_REGION", "us-west-2")
    monkeypatch.setenv("REDSHIFT_PORT", "5440")
    assert run("sparkify_etl").success
    assert "REGION 'us-west-2'" in recorder.copy_statement("staging_events")
    assert recorder.connect_kwargs[0]["port"] == 5440


def test_the_source_reaches_copy_as_quoted_literals_only(recorder, monkeypatch):
    source = "s3://udacity-dend/odd(prefix)!*.-_"
    monkeypatch.setenv("SPARKIFY_SOURCE", source)
    assert run("sparkify_etl").success
    for step in ("staging_events", "staging_songs"):
        [copy] = sqlglot.parse(recorder.copy_statement(step), read="redshift")
        assert isinstance(copy, exp.Copy)
        literals = [literal.this for literal in copy.find_all(exp.Literal) if literal.is_string]
        assert any(text.startswith(f"{source}/") for text in literals), literals


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SPARKIFY_SOURCE", "s3://udacity-dend/x'; DROP TABLE users; --"),
        ("SPARKIFY_SOURCE", "s3://udacity-dend/back\\slash"),
        ("SPARKIFY_MANIFEST_LOCATION", "s3://bucket/m' IAM_ROLE 'arn:aws:iam::1:role/other"),
        ("SPARKIFY_IAM_ROLE_ARN", "arn:aws:iam::123456789012:role/x' MAXERROR 100000 --"),
        ("SPARKIFY_SOURCE_REGION", "us-west-2' DELETE FROM users --"),
        ("SPARKIFY_SCHEMA", 'public"; DROP SCHEMA public CASCADE; --'),
    ],
)
def test_a_crafted_value_is_refused_before_any_connection(recorder, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env(os.environ)


def test_truncatecolumns_is_added_to_the_copy_only_when_asked_for(recorder, monkeypatch):
    assert run("sparkify_etl").success
    assert "TRUNCATECOLUMNS" not in recorder.copy_statement("staging_events")
    monkeypatch.setenv("SPARKIFY_TRUNCATECOLUMNS", "true")
    recorder.log.clear()
    assert run("sparkify_etl").success
    for step in ("staging_events", "staging_songs"):
        assert recorder.copy_statement(step).rstrip().endswith("TRUNCATECOLUMNS")


def test_a_load_of_every_day_sets_rows_of_no_day_aside_from_the_table_itself(recorder):
    recorder.rows_of_no_day = 3
    assert run("sparkify_etl").success
    statements = list(map(without_comments, recorder.statements("staging_events")))
    copy = next(i for i, text in enumerate(statements) if text.startswith("COPY"))
    after = statements[copy:]
    assert after[0].startswith('COPY "staging_events"\n')
    reject = next(i for i, text in enumerate(after) if "INSERT INTO load_errors" in text)
    assert 'FROM "staging_events"' in after[reject]
    assert after[reject + 1].startswith('DELETE FROM "staging_events"\nWHERE "ts" IS NULL OR')
    assert not any("_incoming" in text for text in statements)
