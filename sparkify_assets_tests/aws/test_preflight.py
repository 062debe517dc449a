"""`sparkify redshift preflight`, without AWS: the cluster is the recording connection, told what
Amazon's documentation predicts (or, one probe at a time, something else); S3 is moto. Its two
probes that need no S3 also run on the embedded PostgreSQL, whose answers are the expected ones."""

from __future__ import annotations

import re

import boto3
import psycopg2
import pytest
from moto import mock_aws

from sparkify_assets.aws import preflight
from sparkify_assets.aws.preflight import (
    PLAY_TIMES,
    PROBES,
    REPAIRED,
    Cluster,
    Status,
    probe_play_times,
    probe_repair_function,
    run_probe,
)
from sparkify_assets.cli import main
from sparkify_assets_tests.support.redshift_recorder import (
    COMMIT,
    PASSWORD,
    ROLE,
    ROLLBACK,
    Recorder,
)

BUCKET = "sparkify-work"
PREFLIGHT_ENV = {  # besides the Redshift user's environment: where probe files may be written
    "SPARKIFY_MANIFEST_LOCATION": f"s3://{BUCKET}/m",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-west-2",
}
PID = 1073815593
PROBE_FUNCTION_CREATE = "CREATE OR REPLACE FUNCTION f_sparkify_preflight_repair_text("
NAMES = [name for name, _, _ in PROBES]
S3_PROBES = [name for name, _, reads_s3 in PROBES if reads_s3]


@pytest.fixture
def preflight_env(redshift_env, monkeypatch):
    monkeypatch.delenv("SPARKIFY_S3_ENDPOINT_URL", raising=False)
    for name, value in PREFLIGHT_ENV.items():
        monkeypatch.setenv(name, value)
    return redshift_env


@pytest.fixture
def recorder(monkeypatch, preflight_env):
    """The cluster, answering as the documentation predicts; nothing waits for system views."""
    recorder = Recorder(answers=documented_answers(), fail_when=copy_of_rejects_fails(0, 2))
    monkeypatch.setattr(psycopg2, "connect", recorder.connect)
    monkeypatch.setattr(preflight, "SYSTEM_VIEW_WAIT_SECONDS", 0.0)
    return recorder


@pytest.fixture
def s3(preflight_env):
    with mock_aws():
        client = boto3.client("s3", region_name="us-west-2")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
        )
        yield client


def documented_answers(**instead: list) -> list:
    """What the cluster answers, probe by probe, as the documentation predicts; `instead` gives
    one probe (by its function's name) other answers."""
    answers = {
        "repair_function": [
            (r'SELECT "f_sparkify_preflight_repair_text"\(', [(REPAIRED,)]),
            (r"SELECT word ~ ", [(True, False)]),
        ],
        "json_escape": [(r"SELECT word FROM", [("café",)])],
        "last_copy_id": [
            (r"SELECT pg_last_copy_id\(\)", [(-1,)]),  # before the failed COPY
            (r"SELECT pg_last_copy_id\(\)", [(4242,)]),  # after its ROLLBACK
        ],
        "load_error_session": [
            (r"SELECT pg_backend_pid\(\)", [(PID,)]),
            (r"FROM sys_load_history", [(PID,)]),
            (r"FROM sys_load_error_detail", [(PID,)]),
            (r"FROM stl_load_errors", [(PID,)]),
        ],
        "play_times": [(r"INTERVAL '1 millisecond'", play_rows())],
    }
    answers.update(instead)
    return [answer for probe_answers in answers.values() for answer in probe_answers]


def play_rows(**changed: tuple) -> list[tuple]:
    return [(ts, *changed.get(str(ts), expected)) for ts, expected in PLAY_TIMES.items()]


def copy_of_rejects_fails(*maxerrors: int):
    """COPY fails, as Redshift says it does when records are rejected, for the object of bad
    records at these MAXERRORs."""
    return lambda text: (
        "IAM_ROLE" in text
        and "rejects.json" in text
        and any(f"MAXERROR {maxerror}\n" in text for maxerror in maxerrors)
    )


def run_preflight(capsys) -> tuple[int, dict[str, str], str]:
    """The exit code, each probe's line by its name, and everything printed."""
    code = main(["redshift", "preflight"])
    out, err = capsys.readouterr()
    lines = {name: line for line in out.splitlines() for name in NAMES if f"  {name}  " in line}
    return code, lines, out + err


def status_of(line: str) -> Status:
    return next(status for status in Status if line.strip().startswith(f"{status} "))


def test_with_the_answers_the_documentation_predicts_every_probe_passes(recorder, s3, capsys):
    code, lines, output = run_preflight(capsys)
    assert code == 0, output
    assert list(lines) == NAMES
    assert {status_of(line) for line in lines.values()} == {Status.PASS}, output
    assert "6 pass, 0 fail, 0 not run." in output
    assert "f('BjÃ\\x83Â¶rk') = 'Björk'" in lines["repair function"]
    assert "'caf\\u00e9' came back as 'café'" in lines["JSON \\u escape"]
    assert f"pg_backend_pid() {PID}; SYS_LOAD_HISTORY {PID}" in lines["failed COPY session"]
    assert PASSWORD not in output


def test_the_run_commits_nothing_and_ends_every_probe_with_a_rollback(recorder, s3, capsys):
    run_preflight(capsys)
    entries = [entry.text for entry in recorder.log]
    assert COMMIT not in entries
    assert entries[-1] == ROLLBACK
    assert entries.count(ROLLBACK) >= len(PROBES)
    created = {found for text in entries for found in re.findall(r"\bCREATE [A-Z ]+", text)}
    assert created == {"CREATE TEMPORARY TABLE ", "CREATE OR REPLACE FUNCTION "}


def test_the_probe_function_is_created_under_its_own_name_never_as_the_pipelines(
    recorder, s3, capsys
):
    run_preflight(capsys)
    [create] = [text for text in recorder.statements() if "CREATE OR REPLACE FUNCTION" in text]
    assert PROBE_FUNCTION_CREATE in create and "f_repair_text(" not in create


def test_the_copy_probes_read_objects_of_their_own_under_the_manifest_location_then_deleted(
    recorder, s3, capsys
):
    seen: dict[str, bytes] = {}
    fails = recorder.fail_when

    def read_copied_object(text: str) -> bool:
        if match := re.search(r"FROM '(s3://[^']+)'", text):
            key = match.group(1).removeprefix(f"s3://{BUCKET}/")
            seen[key] = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        return fails(text)

    recorder.fail_when = read_copied_object
    code, _, output = run_preflight(capsys)
    assert code == 0, output
    assert {re.sub(r"/[0-9a-f]{32}/", "/<id>/", key) for key in seen} == {
        "m/preflight/<id>/escaped.json",
        "m/preflight/<id>/rejects.json",
    }
    [escaped] = [body for key, body in seen.items() if key.endswith("escaped.json")]
    assert escaped == b'{"word": "caf\\u00e9", "number": 1}\n'  # the escape, not the letter
    [rejects] = [body for key, body in seen.items() if key.endswith("rejects.json")]
    assert rejects.count(b'"number": "') == 2 and rejects.count(b"\n") == 5
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="m/preflight/")["KeyCount"] == 0
    copies = [text for text in recorder.statements() if "IAM_ROLE" in text]
    assert len(copies) == 4  # escape, last copy id, session, MAXERROR
    for copy in copies:  # the pipeline's own COPY, into the temporary table
        assert 'COPY "sparkify_preflight_probe"' in copy
        assert f"IAM_ROLE '{ROLE}'\nFORMAT AS JSON 'auto'\nREGION 'us-west-2'" in copy
    assert [re.search(r"MAXERROR (\d+)", copy).group(1) for copy in copies] == ["0", "0", "0", "2"]


@pytest.mark.parametrize(
    ("probe", "answers", "fail_when", "seen"),
    [
        (
            "repair function",
            {"repair_function": [(r'"f_sparkify_preflight_repair_text"\(', [("BjÃ¶rk",)])]},
            None,
            "= 'BjÃ¶rk', not 'Björk'",
        ),
        (  # a regex engine that reads the pattern's characters as bytes matches "Björk" too
            "repair function",
            {
                "repair_function": [
                    (r'SELECT "f_sparkify_preflight_repair_text"\(', [(REPAIRED,)]),
                    (r"SELECT word ~ ", [(True, True)]),
                ]
            },
            None,
            "gives [(True, True)]",
        ),
        (
            "JSON \\u escape",
            {"json_escape": [(r"SELECT word FROM", [("caf\\u00e9",)])]},
            None,
            "'caf\\u00e9' came back as 'caf\\u00e9'",
        ),
        (
            "pg_last_copy_id",
            {
                "last_copy_id": [
                    (r"SELECT pg_last_copy_id\(\)", [(-1,)]),
                    (r"SELECT pg_last_copy_id\(\)", [(-1,)]),
                ]
            },
            None,
            "is -1 after the failed COPY's ROLLBACK (before it: -1)",
        ),
        (
            "failed COPY session",
            {
                "load_error_session": [
                    (r"SELECT pg_backend_pid\(\)", [(PID,)]),
                    (r"FROM sys_load_history", [(PID + 1,)]),
                    (r"FROM sys_load_error_detail", []),
                    (r"FROM stl_load_errors", [(PID,)]),
                ]
            },
            None,
            f"SYS_LOAD_HISTORY {PID + 1}; SYS_LOAD_ERROR_DETAIL has no row; stl_load_errors {PID}",
        ),
        (
            "event times",
            {
                "play_times": [
                    (
                        r"INTERVAL '1 millisecond'",
                        play_rows(
                            **{
                                "1546214400000": (
                                    PLAY_TIMES[1546214400000][0],
                                    0,
                                    31,
                                    53,
                                    12,
                                    2018,
                                    1,
                                )
                            }
                        ),
                    )
                ]
            },
            None,
            "ts 1546214400000: 2018-12-31 00:00:00 (hour 0 day 31 week 53",
        ),
        (
            "MAXERROR boundary",
            {"maxerror_boundary": [(r"SELECT pg_last_copy_count\(\)", [(3,)])]},
            copy_of_rejects_fails(0),
            "2 rejected records at MAXERROR 2 loaded 3 rows",
        ),
    ],
)
def test_an_answer_other_than_the_documented_one_fails_that_probe_alone_saying_what_was_seen(
    recorder, s3, capsys, probe, answers, fail_when, seen
):
    recorder.answers = documented_answers(**answers)
    recorder.fail_when = fail_when or recorder.fail_when
    code, lines, output = run_preflight(capsys)
    assert code == 1
    assert {name for name, line in lines.items() if status_of(line) is Status.FAIL} == {probe}
    assert seen in lines[probe], lines[probe]
    assert "5 pass, 1 fail, 0 not run." in output


def test_a_statement_the_cluster_refuses_fails_its_probe_with_the_first_line_and_the_rest_run(
    recorder, s3, capsys
):
    refused = psycopg2.errors.FeatureNotSupported(
        "Specified types or functions (one per INFO message) not supported on Redshift tables.\n"
        "DETAIL: more"
    )
    recorder.answers = documented_answers(play_times=[(r"INTERVAL '1 millisecond'", refused)])
    code, lines, _ = run_preflight(capsys)
    assert code == 1
    assert lines["event times"].endswith("not supported on Redshift tables.")
    assert status_of(lines["MAXERROR boundary"]) is Status.PASS
    statements = [entry.text for entry in recorder.log]
    after_refusal = statements[statements.index(next(t for t in statements if "INTERVAL" in t)) + 1]
    assert after_refusal == ROLLBACK


def test_without_stl_views_as_on_serverless_the_session_probe_says_so_and_still_passes(
    recorder, s3, capsys
):
    missing = psycopg2.errors.UndefinedTable('relation "stl_load_errors" does not exist')
    recorder.answers = documented_answers(
        load_error_session=[
            (r"SELECT pg_backend_pid\(\)", [(PID,)]),
            (r"FROM sys_load_history", [(PID,)]),
            (r"FROM sys_load_error_detail", [(PID,)]),
            (r"FROM stl_load_errors", missing),
        ]
    )
    code, lines, _ = run_preflight(capsys)
    assert code == 0
    assert lines["failed COPY session"].endswith(
        f"SYS_LOAD_ERROR_DETAIL {PID}; stl_load_errors not readable "
        '(relation "stl_load_errors" does not exist)'
    )


def test_without_a_manifest_location_the_copy_probes_are_not_run_and_name_the_variable(
    recorder, monkeypatch, capsys
):
    monkeypatch.delenv("SPARKIFY_MANIFEST_LOCATION")
    code, lines, output = run_preflight(capsys)
    assert code == 1  # nothing failed, but not everything was settled
    for name in S3_PROBES:
        assert status_of(lines[name]) is Status.NOT_RUN
        assert "set SPARKIFY_MANIFEST_LOCATION=s3://bucket/prefix" in lines[name]
    assert status_of(lines["repair function"]) is status_of(lines["event times"]) is Status.PASS
    assert "2 pass, 0 fail, 4 not run." in output
    assert not [text for text in recorder.statements() if "IAM_ROLE" in text]


@pytest.mark.aws  # moto's S3 in the test itself
def test_a_manifest_location_that_cant_be_written_fails_the_copy_probes(recorder, capsys):
    with mock_aws():  # no such bucket
        code, lines, _ = run_preflight(capsys)
    assert code == 1
    for name in S3_PROBES:
        assert status_of(lines[name]) is Status.FAIL
        assert "cannot write s3://sparkify-work/m/preflight/" in lines[name]
        assert lines[name].endswith("the pipeline can't write manifests")


@pytest.mark.aws  # moto's S3 in the test itself
def test_an_unreachable_cluster_is_one_line_without_the_password(redshift_env, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise psycopg2.OperationalError(f'FATAL: password authentication failed ("{PASSWORD}")')

    monkeypatch.setattr(psycopg2, "connect", refuse)
    with mock_aws():
        boto3.client("s3", region_name="us-west-2").create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
        )
        code = main(["redshift", "preflight"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.strip().splitlines() == [
        "sparkify: cannot connect to Redshift at "
        "sparkify.c0ffee.us-west-2.redshift.amazonaws.com:5439 (REDSHIFT_HOST, REDSHIFT_PORT): "
        "authentication failed (user or password)"
    ]
    assert PASSWORD not in out + err


def test_the_preflight_refuses_a_local_target_in_one_line(redshift_env, monkeypatch, capsys):
    monkeypatch.setenv("SPARKIFY_TARGET", "local")
    assert main(["redshift", "preflight"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        "sparkify: the preflight probes Redshift: set SPARKIFY_TARGET=redshift\n",
    )


def test_the_expected_answers_are_postgresqls_own(warehouse):
    """The probes that need no S3, run on the embedded PostgreSQL: the repair function and the
    event times give there exactly what the preflight expects of Redshift."""
    with warehouse.connection() as connection:
        cluster = Cluster(connection, warehouse, None)
        results = [
            run_probe(cluster, "repair function", probe_repair_function),
            run_probe(cluster, "event times", probe_play_times),
        ]
    assert [result.status for result in results] == [Status.PASS, Status.PASS], results
    assert "f('BjÃ\\x83Â¶rk') = 'Björk'; the damage mark sees it" in results[0].seen
    assert results[1].seen == f"{len(PLAY_TIMES)} event times as PostgreSQL derives them"
