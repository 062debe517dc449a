"""The Redshift target, without AWS: every statement it sends is recorded from a real run of the
jobs, compared with a committed snapshot (sparkify_assets_tests/snapshots/redshift/), and parsed
by sqlglot in its Redshift dialect; the recording also shows the order of statements and where
transactions begin and end."""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import date
from pathlib import Path

import boto3
import psycopg2
import pytest
import sqlglot
from moto import mock_aws
from sqlglot import exp

from sparkify_assets.config.dwh_cfg import read_dwh_cfg, write_dwh_cfg
from sparkify_assets.config.settings import Settings, SettingsError, load_settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import ALL_TABLES, STAGING_TABLES
from sparkify_assets.model.targets import Target
from sparkify_assets.warehouse.source import RawSourceResource, SourceError
from sparkify_assets_tests.support.redshift_recorder import (
    COMMIT,
    CONNECT,
    HOST,
    PASSWORD,
    REDSHIFT_ENV,
    ROLE,
    ROLLBACK,
    Recorder,
)

SNAPSHOTS = Path(__file__).parents[1] / "snapshots" / "redshift"
EVENTS, SONGS = STAGING_TABLES


def copy_statement(recorder: Recorder, step: str | None = None) -> str:
    return next(
        text
        for text in map(_without_comments, recorder.statements(step))
        if text.startswith("COPY")
    )


def run(job: str):
    defs = build_definitions(Settings.from_env(os.environ))
    return defs.resolve_job_def(job).execute_in_process(raise_on_error=False)


def render(recorder: Recorder, step: str) -> str:
    """A step's statements as a script: each ends with ';', transactions are marked."""
    lines = []
    for recorded in recorder.log:
        if recorded.step != step:
            continue
        if recorded.text == CONNECT:
            lines.append(f"-- connection {recorded.connection}: a transaction begins")
        elif recorded.text in (COMMIT, ROLLBACK):
            lines.append(f"{recorded.text};")
        else:
            lines.append(f"{recorded.text.strip()};")
    return "\n\n".join(lines) + "\n"


def assert_matches_snapshot(path: Path, text: str) -> None:
    if os.environ.get("SPARKIFY_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no snapshot {path.name}: rerun with SPARKIFY_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} differs from what the Redshift target sends now; review the change and "
        "rerun with SPARKIFY_UPDATE_SNAPSHOTS=1"
    )


def test_every_statement_of_every_asset_and_check_matches_its_snapshot(recorder):
    assert run("sparkify_etl").success
    assert run("reset_warehouse").success
    steps = [step for step in recorder.steps() if step]
    assert len(steps) == 15 + 29 + 1  # assets, checks, reset
    if os.environ.get("SPARKIFY_UPDATE_SNAPSHOTS"):
        for stale in SNAPSHOTS.glob("*.sql"):
            stale.unlink()
    for step in steps:
        assert_matches_snapshot(SNAPSHOTS / f"{step}.sql", render(recorder, step))
    assert sorted(p.stem for p in SNAPSHOTS.glob("*.sql")) == sorted(steps), "stale snapshots"


def _without_comments(text: str) -> str:
    return re.sub(r"--[^\n]*", "", text).strip()


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
    statements = set()
    for path in SNAPSHOTS.rglob("*.sql"):
        for chunk in path.read_text(encoding="utf-8").split(";\n\n"):
            body = _without_comments(chunk).rstrip(";").strip()
            if body and body not in (COMMIT, ROLLBACK):
                statements.add(body)
    return sorted(statements)


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
        texts = [_without_comments(r.text) for r in log]
        assert texts[0] == CONNECT and texts[-1] == COMMIT and texts.count(COMMIT) == 1
        assert ROLLBACK not in texts
        lock = texts.index(f'LOCK "{table}"')
        deletes = re.compile(rf'DELETE FROM "?{table}"?(\s|$)')
        delete = next(i for i, t in enumerate(texts) if deletes.match(t))
        fills = re.compile(rf'(COPY|INSERT INTO) "?{table}"?[\s(]')
        fill = next(i for i, t in enumerate(texts) if fills.match(t))
        assert lock < delete < fill
    statements = [_without_comments(text) for text in recorder.statements()]
    assert not any(text.upper().startswith("TRUNCATE") for text in statements), (
        "TRUNCATE commits at once on Redshift: a rebuild must DELETE inside its transaction"
    )


def test_staging_is_redshifts_copy_from_s3_with_the_iam_role_region_and_format(recorder):
    assert run("sparkify_etl").success
    events_copy = copy_statement(recorder, "staging_events")
    assert "FROM 's3://udacity-dend/log_data/'" in events_copy
    assert f"IAM_ROLE '{ROLE}'" in events_copy
    assert "FORMAT AS JSON 's3://udacity-dend/log_json_path.json'" in events_copy
    assert "REGION 'us-west-2'" in events_copy and "MAXERROR 0" in events_copy
    assert "COMPUPDATE OFF" in events_copy and "STATUPDATE OFF" in events_copy
    assert 'ANALYZE "staging_events"' in map(_without_comments, recorder.statements())
    songs_copy = copy_statement(recorder, "staging_songs")
    assert "FROM 's3://udacity-dend/song_data/'" in songs_copy
    assert "FORMAT AS JSON 'auto'" in songs_copy


def test_every_table_is_created_with_the_columns_of_the_local_target_plus_its_redshift_design():
    for table in ALL_TABLES:
        local = table.create_statement(Target.LOCAL)
        redshift = table.create_statement(Target.REDSHIFT)
        assert redshift.startswith(local.rstrip())
        design = _without_comments(redshift[len(local.rstrip()) :])
        assert re.fullmatch(
            r"DISTSTYLE (ALL|EVEN|AUTO|KEY DISTKEY \(\w+\))( SORTKEY \(\w+\))?", design
        )
        assert "DISTSTYLE" not in local


def _copy_fails(text: str) -> bool:
    return _without_comments(text).startswith('COPY "staging_events')


def test_a_copy_over_maxerror_is_rolled_back_and_its_rejections_recorded_from_sys_views(
    recorder,
):
    recorder.copy_rejected = 3
    recorder.fail_when = _copy_fails
    result = run("sparkify_etl")
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure).step_failure_data
    message = failure.error.message
    assert "3 rejected records, and MAXERROR 0 fails a load at 1" in message
    assert "s3://bucket/log_data/bad.json line 7, column userid: Invalid digit" in message
    assert_matches_snapshot(
        SNAPSHOTS / "scenarios" / "copy_over_maxerror.sql", render(recorder, "staging_events")
    )
    texts = [_without_comments(r.text) for r in recorder.log if r.step == "staging_events"]
    copy = next(i for i, t in enumerate(texts) if t.startswith("COPY"))
    assert texts[copy + 1] == ROLLBACK, "the failed COPY's transaction is rolled back"
    after = texts[copy + 2 :]
    assert any("FROM sys_load_error_detail" in t and "query_id = 4242" in t for t in after)
    assert any("INSERT INTO load_history" in t and "'failed'" in t for t in after)
    assert after[-1] == COMMIT, "the record of the failed load is committed"
    assert not any(t.startswith(("DELETE", "COPY")) for t in after)


def test_a_copy_that_fails_before_loading_fails_the_step_with_redshifts_reason_and_is_recorded(
    recorder,
):
    recorder.failure = "S3ServiceException:Access Denied,Status 403"
    recorder.copy_query_id = None  # a COPY refused before it runs is not in SYS_LOAD_HISTORY
    recorder.fail_when = _copy_fails
    result = run("sparkify_etl")
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert failure.step_key == "staging_events"
    assert "Access Denied" in failure.step_failure_data.error.message
    assert_matches_snapshot(
        SNAPSHOTS / "scenarios" / "copy_refused.sql", render(recorder, "staging_events")
    )
    texts = [_without_comments(r.text) for r in recorder.log if r.step == "staging_events"]
    copy = next(i for i, t in enumerate(texts) if t.startswith("COPY"))
    assert texts[copy + 1] == ROLLBACK
    after = texts[copy + 2 :]
    assert any("INSERT INTO load_history" in t and "'failed'" in t for t in after)
    assert not any("sys_load_error_detail" in t for t in after), "no COPY, nothing rejected"
    assert after[-1] == COMMIT and not any(t.startswith(("DELETE", "COPY")) for t in after)


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


@pytest.fixture
def buckets(monkeypatch):
    """moto's S3, with test credentials: `buckets(region, *names)` makes the buckets and gives
    a client of that region."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():

        def make(region: str, *names: str):
            s3 = boto3.client("s3", region_name=region)
            for name in names:
                s3.create_bucket(
                    Bucket=name, CreateBucketConfiguration={"LocationConstraint": region}
                )
            return s3

        yield make


def test_chosen_files_are_copied_through_a_manifest_written_to_s3(recorder, buckets):
    s3 = buckets("us-west-2", "sparkify-work")
    warehouse = build_definitions(
        Settings.from_env({**os.environ, "SPARKIFY_MANIFEST_LOCATION": "s3://sparkify-work/m"})
    ).resources["warehouse"]
    files = ["log_data/2018/11/2018-11-02-events.json", "log_data/2018/11/2018-11-01-events.json"]
    load = warehouse.process_config_and_initialize().load_staging(
        EVENTS, RawSourceResource(location="s3://udacity-dend"), files=files
    )
    assert_matches_snapshot(
        SNAPSHOTS / "scenarios" / "copy_with_manifest.sql", render(recorder, "")
    )
    manifest_key = "m/staging_events/00000000000040008000000000000001.manifest"
    assert load.source == f"s3://sparkify-work/{manifest_key}"
    manifest = s3.get_object(Bucket="sparkify-work", Key=manifest_key)["Body"].read()
    assert b'"url": "s3://udacity-dend/log_data/2018/11/2018-11-01-events.json"' in manifest
    assert manifest.count(b'"mandatory": true') == 2
    copy = copy_statement(recorder)
    assert f"FROM 's3://sparkify-work/{manifest_key}'" in copy and copy.rstrip().endswith(
        "MANIFEST"
    )


def test_a_manifest_bucket_outside_the_copys_region_is_refused_before_anything_is_written(
    recorder, buckets
):
    # "If the REGION parameter is specified, all resources, including a manifest file or
    # multiple Amazon S3 buckets, must be located in the specified Region."
    # (https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html)
    s3 = buckets("eu-west-1", "work-in-ireland")
    warehouse = build_definitions(
        Settings.from_env({**os.environ, "SPARKIFY_MANIFEST_LOCATION": "s3://work-in-ireland/m"})
    ).resources["warehouse"]
    with pytest.raises(
        SourceError, match="is a bucket in eu-west-1, but the COPY reads with REGION 'us-west-2'"
    ):
        warehouse.process_config_and_initialize().load_staging(
            EVENTS,
            RawSourceResource(location="s3://udacity-dend"),
            files=["log_data/2018/11/2018-11-01-events.json"],
        )
    assert "Contents" not in s3.list_objects_v2(Bucket="work-in-ireland")
    assert not any(
        t.lstrip().startswith("COPY") for t in map(_without_comments, recorder.statements())
    )


def test_chosen_files_on_redshift_without_a_manifest_location_are_a_clear_error(recorder):
    warehouse = build_definitions(Settings.from_env(os.environ)).resources["warehouse"]
    with pytest.raises(SourceError, match="SPARKIFY_MANIFEST_LOCATION"):
        warehouse.process_config_and_initialize().load_staging(
            EVENTS, RawSourceResource(location="s3://udacity-dend"), files=["log_data/a.json"]
        )


def test_chosen_files_must_belong_to_the_table(recorder):
    warehouse = build_definitions(Settings.from_env(os.environ)).resources["warehouse"]
    with pytest.raises(SourceError, match="not a file under log_data/"):
        warehouse.process_config_and_initialize().load_staging(
            EVENTS, RawSourceResource(location="s3://udacity-dend"), files=["song_data/A/x.json"]
        )


# --- settings: the environment, or the seed's dwh.cfg ---

SEED_DWH_CFG = f"""\
[CLUSTER]
HOST='{HOST}'
DB_NAME='sparkify'
DB_USER='sparkify'
DB_PASSWORD='{PASSWORD}'
DB_PORT='5439'

[IAM_ROLE]
ARN='{ROLE}'

[S3]
LOG_DATA='s3://udacity-dend/log_data'
LOG_JSONPATH='s3://udacity-dend/log_json_path.json'
SONG_DATA='s3://udacity-dend/song_data'
"""


def test_the_seeds_dwh_cfg_gives_every_redshift_setting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("dwh.cfg").write_text(SEED_DWH_CFG)
    environ = {"SPARKIFY_TARGET": "redshift"}
    settings = load_settings(environ)
    assert settings.target is Target.REDSHIFT and settings.source == "s3://udacity-dend"
    assert environ["REDSHIFT_HOST"] == HOST and environ["REDSHIFT_PASSWORD"] == PASSWORD
    assert environ["SPARKIFY_IAM_ROLE_ARN"] == ROLE
    assert settings.redshift is not None and settings.redshift.port_is_set
    assert settings.redshift.source_region == "us-west-2"


def test_the_environment_wins_over_dwh_cfg(tmp_path, monkeypatch):
    path = tmp_path / "elsewhere.cfg"
    path.write_text(SEED_DWH_CFG)
    environ = {
        "SPARKIFY_TARGET": "redshift",
        "SPARKIFY_DWH_CFG": str(path),
        "REDSHIFT_HOST": "other.example.com",
    }
    load_settings(environ)
    assert environ["REDSHIFT_HOST"] == "other.example.com"
    assert environ["REDSHIFT_DB"] == "sparkify"


def test_dwh_cfg_is_ignored_by_the_local_target(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("dwh.cfg").write_text(SEED_DWH_CFG)
    environ: dict[str, str] = {}
    settings = load_settings(environ)
    assert settings.target is Target.LOCAL and "REDSHIFT_HOST" not in environ
    assert not settings.source.startswith("s3://")


def test_dwh_cfg_s3_locations_under_different_roots_are_refused_naming_the_file(tmp_path):
    path = tmp_path / "dwh.cfg"
    path.write_text(SEED_DWH_CFG.replace("s3://udacity-dend/song_data", "s3://mine/song_data"))
    with pytest.raises(SettingsError, match=r"dwh\.cfg: \[S3\] must name all three"):
        load_settings({"SPARKIFY_TARGET": "redshift", "SPARKIFY_DWH_CFG": str(path)})


def test_a_named_dwh_cfg_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(SettingsError, match="SPARKIFY_DWH_CFG"):
        load_settings({"SPARKIFY_TARGET": "redshift", "SPARKIFY_DWH_CFG": str(tmp_path / "no")})


def test_the_redshift_target_names_every_missing_variable():
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"SPARKIFY_TARGET": "redshift", "REDSHIFT_HOST": HOST})
    for name in ("REDSHIFT_DB", "SPARKIFY_IAM_ROLE_ARN"):
        assert name in str(error.value)
    assert "REDSHIFT_HOST" not in str(error.value)


def test_a_password_without_a_user_is_refused():
    environ = {k: v for k, v in REDSHIFT_ENV.items() if k != "REDSHIFT_USER"}
    with pytest.raises(SettingsError, match="REDSHIFT_USER"):
        Settings.from_env(environ)


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("SPARKIFY_SOURCE", "/data/sparkify", "s3://"),
        ("SPARKIFY_IAM_ROLE_ARN", "sparkify-role", "IAM role ARN"),
        ("SPARKIFY_REGION", "mars-1", "region"),
        ("SPARKIFY_SOURCE_REGION", "moon", "SPARKIFY_SOURCE_REGION"),
        ("REDSHIFT_PORT", "54x", "REDSHIFT_PORT"),
        ("SPARKIFY_TARGET", "snowflake", "SPARKIFY_TARGET"),
    ],
)
def test_a_bad_redshift_setting_is_refused_naming_it(name, value, complaint):
    with pytest.raises(SettingsError, match=complaint):
        Settings.from_env({**REDSHIFT_ENV, name: value})


def test_dwh_cfg_written_by_the_cluster_command_reads_back_without_the_password(tmp_path):
    path = tmp_path / "dwh.cfg"
    write_dwh_cfg(path, {**REDSHIFT_ENV, "REDSHIFT_PORT": "5439"})
    assert PASSWORD not in path.read_text()
    values = read_dwh_cfg(path)
    assert values["REDSHIFT_HOST"] == HOST and values["SPARKIFY_SOURCE"] == "s3://udacity-dend"
    assert "REDSHIFT_PASSWORD" not in values


def test_a_malformed_dwh_cfg_is_refused_naming_the_line_but_not_quoting_it(tmp_path):
    path = tmp_path / "dwh.cfg"
    path.write_text(f"[CLUSTER]\nHOST=h\nDB_PASSWORD {PASSWORD}\n")
    with pytest.raises(SettingsError, match="line 3") as error:
        load_settings({"SPARKIFY_TARGET": "redshift", "SPARKIFY_DWH_CFG": str(path)})
    assert PASSWORD not in str(error.value)


def test_copy_names_the_sources_region_which_may_differ_from_the_clusters(recorder, monkeypatch):
    monkeypatch.setenv("SPARKIFY_REGION", "eu-west-1")
    monkeypatch.setenv("SPARKIFY_SOURCE_REGION", "us-west-2")
    monkeypatch.setenv("REDSHIFT_PORT", "5440")
    assert run("sparkify_etl").success
    assert "REGION 'us-west-2'" in copy_statement(recorder, "staging_events")
    assert recorder.connect_kwargs[0]["port"] == 5440


def test_one_day_on_redshift_copies_the_days_files_by_prefix_and_replaces_that_day(recorder):
    recorder.rows_of_no_day = 2  # a neighbouring day's events in the file: set aside
    job = build_definitions(Settings.from_env(os.environ)).resolve_job_def("sparkify_daily")
    assert job.execute_in_process(partition_key="2018-11-05").success
    assert_matches_snapshot(
        SNAPSHOTS / "scenarios" / "one_day.sql", render(recorder, "staging_events")
    )
    copy = copy_statement(recorder, "staging_events")
    assert copy.startswith('COPY "staging_events_incoming"')
    assert "FROM 's3://udacity-dend/log_data/2018/11/2018-11-05-events.json'" in copy
    statements = list(map(_without_comments, recorder.statements("staging_events")))
    assert 'DELETE FROM "staging_events" WHERE "ts" >= 1541376000000 AND "ts" < 1541462400000' in (
        statements
    )


def test_a_range_of_days_on_redshift_is_one_copy_of_a_manifest_of_those_days_files(
    recorder, buckets
):
    s3 = buckets("us-west-2", "udacity-dend", "sparkify-work")
    for day in range(1, 6):
        s3.put_object(
            Bucket="udacity-dend", Key=f"log_data/2018/11/2018-11-0{day}-events.json", Body=b"{}"
        )
    warehouse = build_definitions(
        Settings.from_env({**os.environ, "SPARKIFY_MANIFEST_LOCATION": "s3://sparkify-work/m"})
    ).resources["warehouse"]
    load = warehouse.process_config_and_initialize().load_staging(
        EVENTS,
        RawSourceResource(location="s3://udacity-dend"),
        days=Days(date(2018, 11, 2), date(2018, 11, 4)),
    )
    manifest = json.loads(
        s3.get_object(Bucket="sparkify-work", Key=load.source.removeprefix("s3://sparkify-work/"))[
            "Body"
        ].read()
    )
    assert [entry["url"][-22:] for entry in manifest["entries"]] == [
        "2018-11-02-events.json",
        "2018-11-03-events.json",
        "2018-11-04-events.json",
    ]
    copies = [t for t in map(_without_comments, recorder.statements()) if t.startswith("COPY")]
    assert len(copies) == 1 and copies[0].rstrip().endswith("MANIFEST")


def test_the_source_reaches_copy_as_quoted_literals_only(recorder, monkeypatch):
    source = "s3://udacity-dend/odd(prefix)!*.-_"
    monkeypatch.setenv("SPARKIFY_SOURCE", source)
    assert run("sparkify_etl").success
    for step in ("staging_events", "staging_songs"):
        [copy] = sqlglot.parse(copy_statement(recorder, step), read="redshift")
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
    assert "TRUNCATECOLUMNS" not in copy_statement(recorder, "staging_events")
    monkeypatch.setenv("SPARKIFY_TRUNCATECOLUMNS", "true")
    recorder.log.clear()
    assert run("sparkify_etl").success
    for step in ("staging_events", "staging_songs"):
        assert copy_statement(recorder, step).rstrip().endswith("TRUNCATECOLUMNS")


def test_a_load_of_every_day_sets_rows_of_no_day_aside_from_the_table_itself(recorder):
    recorder.rows_of_no_day = 3
    assert run("sparkify_etl").success
    statements = list(map(_without_comments, recorder.statements("staging_events")))
    copy = next(i for i, text in enumerate(statements) if text.startswith("COPY"))
    after = statements[copy:]
    assert after[0].startswith('COPY "staging_events"\n')
    reject = next(i for i, text in enumerate(after) if "INSERT INTO load_errors" in text)
    assert 'FROM "staging_events"' in after[reject]
    assert after[reject + 1].startswith('DELETE FROM "staging_events"\nWHERE "ts" IS NULL OR')
    assert not any("_incoming" in text for text in statements)
