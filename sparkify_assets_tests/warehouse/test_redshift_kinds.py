"""The two kinds of Redshift (a provisioned cluster, Serverless) and the two ways in (a password,
IAM), without AWS: the SQL connection is the recording stand-in, and the credential calls are
boto3's own clients with botocore's Stubber, which checks each request against the service's
model and answers with the documented response shape (moto has no GetClusterCredentialsWithIAM
and no Redshift Serverless)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import boto3
import psycopg2
import pytest
from botocore.stub import Stubber

from sparkify_assets.config.settings import Settings, SettingsError
from sparkify_assets.model.targets import RedshiftKind
from sparkify_assets.warehouse import conflicts, redshift_signin
from sparkify_assets_tests.support.redshift_recorder import (
    HOST,
    PASSWORD,
    REDSHIFT_ENV,
    Recorder,
    run,
)
from sparkify_assets_tests.support.redshift_snapshots import REDSHIFT_SNAPSHOTS, render
from sparkify_assets_tests.support.sql_text import without_comments

WORKGROUP_HOST = "sparkify.123456789012.eu-west-1.redshift-serverless.amazonaws.com"
TEMPORARY_PASSWORD = "Tmp-Pw-0f-An-Hour-7x9"


@pytest.fixture
def iam_env(redshift_env, monkeypatch):
    """A user with AWS credentials and no database password."""
    monkeypatch.delenv("REDSHIFT_PASSWORD")
    monkeypatch.delenv("REDSHIFT_USER")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    return os.environ


@dataclass
class Aws:
    """boto3's clients for the two credential calls, stubbed, and what was asked of them."""

    stubbers: dict[str, Stubber]
    calls: list[tuple[str, str]] = field(default_factory=list)  # (service, region)

    def answer(self, service: str, method: str, answer: dict, expected: dict, times: int) -> None:
        for _ in range(times):
            self.stubbers[service].add_response(method, answer, expected)


@pytest.fixture
def aws(monkeypatch) -> Iterator[Aws]:
    clients = {
        service: boto3.Session(region_name="us-west-2").client(service)
        for service in ("redshift", "redshift-serverless")
    }
    aws = Aws({service: Stubber(client) for service, client in clients.items()})

    class StubbedSession:
        def __init__(self, region_name: str) -> None:
            self.region_name = region_name

        def client(self, service: str, region_name: str) -> object:
            aws.calls.append((service, region_name))
            return clients[service]

    monkeypatch.setattr(redshift_signin.boto3, "Session", StubbedSession)
    monkeypatch.setattr(redshift_signin, "_credentials", {})  # none kept from another test
    for stubber in aws.stubbers.values():
        stubber.activate()
    yield aws
    for stubber in aws.stubbers.values():
        stubber.deactivate()


def provisioned_credentials(
    aws: Aws, times: int, valid_for: timedelta = timedelta(hours=1), password: str = ""
) -> None:
    aws.answer(
        "redshift",
        "get_cluster_credentials_with_iam",
        {
            "DbUser": "IAM:analyst",
            "DbPassword": password or TEMPORARY_PASSWORD,
            "Expiration": datetime.now(UTC) + valid_for,
        },
        {"ClusterIdentifier": "sparkify", "DbName": "sparkify", "DurationSeconds": 3600},
        times,
    )


def test_the_kind_and_name_come_from_the_endpoint_unless_given():
    provisioned = Settings.from_env(REDSHIFT_ENV).redshift
    assert provisioned is not None
    assert (provisioned.kind, provisioned.region) == (RedshiftKind.PROVISIONED, "us-west-2")
    serverless = Settings.from_env(
        {**REDSHIFT_ENV, "REDSHIFT_HOST": WORKGROUP_HOST, "REDSHIFT_PASSWORD": ""}
    ).redshift
    assert serverless is not None
    assert (serverless.kind, serverless.name, serverless.region) == (
        RedshiftKind.SERVERLESS,
        "sparkify",
        "eu-west-1",
    )
    assert serverless.iam_sign_in
    tunnel = {**REDSHIFT_ENV, "REDSHIFT_HOST": "localhost", "SPARKIFY_REDSHIFT_KIND": "serverless"}
    assert Settings.from_env(tunnel).redshift.kind is RedshiftKind.SERVERLESS


def test_iam_sign_in_through_a_host_that_is_no_endpoint_needs_the_clusters_name():
    environ = {**REDSHIFT_ENV, "REDSHIFT_HOST": "localhost", "REDSHIFT_PASSWORD": ""}
    with pytest.raises(SettingsError, match="SPARKIFY_REDSHIFT_CLUSTER"):
        Settings.from_env(environ)
    named = Settings.from_env({**environ, "SPARKIFY_REDSHIFT_CLUSTER": "prod"}).redshift
    assert named is not None and named.name == "prod"


def test_an_unknown_kind_is_refused_naming_the_variable():
    with pytest.raises(SettingsError, match="SPARKIFY_REDSHIFT_KIND"):
        Settings.from_env({**REDSHIFT_ENV, "SPARKIFY_REDSHIFT_KIND": "dc2"})


def test_without_a_password_every_connection_signs_in_with_temporary_iam_credentials(
    iam_env, recorder: Recorder, aws: Aws
):
    provisioned_credentials(aws, times=1)
    result = run()
    assert result.success
    assert len(recorder.connect_kwargs) > 10
    # asked of AWS once: the process reuses them while they are valid
    assert aws.calls == [("redshift", "us-west-2")]
    assert all(
        (kwargs["user"], kwargs["password"]) == ("IAM:analyst", TEMPORARY_PASSWORD)
        for kwargs in recorder.connect_kwargs
    )
    # Neither the temporary password nor any other secret reaches a statement, the run
    # config or an event.
    assert all(TEMPORARY_PASSWORD not in text for text in recorder.statements())
    assert TEMPORARY_PASSWORD not in str(result.dagster_run.run_config)
    assert all(TEMPORARY_PASSWORD not in str(event) for event in result.all_events)


def test_serverless_signs_in_to_its_workgroup_and_sends_the_statements_of_the_snapshots(
    iam_env, recorder: Recorder, aws: Aws, monkeypatch
):
    monkeypatch.setenv("REDSHIFT_HOST", WORKGROUP_HOST)
    aws.answer(
        "redshift-serverless",
        "get_credentials",
        {
            "dbUser": "IAMR:sparkify-pipeline",
            "dbPassword": TEMPORARY_PASSWORD,
            "expiration": datetime.now(UTC) + timedelta(hours=1),
            "nextRefreshTime": datetime.now(UTC) + timedelta(minutes=50),
        },
        {"workgroupName": "sparkify", "dbName": "sparkify", "durationSeconds": 3600},
        times=1,
    )
    # One SQL for both kinds: Serverless sends, step by step, what the jobs' snapshots hold.
    for job in ("sparkify_etl", "reset_warehouse"):
        sent = len(recorder.log)
        assert run(job).success
        snapshot = (REDSHIFT_SNAPSHOTS / f"{job}.sql").read_text(encoding="utf-8")
        assert render(recorder.log[sent:]) == snapshot, job
    assert set(aws.calls) == {("redshift-serverless", "eu-west-1")}
    assert {kwargs["host"] for kwargs in recorder.connect_kwargs} == {WORKGROUP_HOST}
    assert {kwargs["password"] for kwargs in recorder.connect_kwargs} == {TEMPORARY_PASSWORD}


def test_credentials_about_to_expire_are_not_used_for_a_new_connection(
    iam_env, recorder: Recorder, aws: Aws
):
    provisioned_credentials(aws, times=1, valid_for=timedelta(minutes=5), password="Old-Pw-1")
    provisioned_credentials(aws, times=1)
    assert run("reset_warehouse").success
    assert run("reset_warehouse").success
    assert len(aws.calls) == 2
    passwords = [kwargs["password"] for kwargs in recorder.connect_kwargs]
    assert passwords[0] == "Old-Pw-1" and set(passwords[1:]) == {TEMPORARY_PASSWORD}


def test_a_refused_sign_in_fails_the_step_saying_why_and_no_secret(
    iam_env, recorder: Recorder, aws: Aws
):
    aws.stubbers["redshift"].add_client_error(
        "get_cluster_credentials_with_iam",
        service_error_code="AccessDenied",
        service_message="User: arn:aws:iam::123456789012:user/analyst is not authorized",
        http_status_code=403,
        expected_params={
            "ClusterIdentifier": "sparkify",
            "DbName": "sparkify",
            "DurationSeconds": 3600,
        },
    )
    result = run("reset_warehouse")
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = str(failure.step_failure_data.error)
    assert "AWS refused temporary credentials for provisioned 'sparkify'" in message
    assert "AccessDenied" in message and "not authorized" in message
    assert recorder.connect_kwargs == [], "no connection is tried without credentials"


def test_the_password_path_stays_and_asks_aws_for_nothing(recorder: Recorder, monkeypatch):
    monkeypatch.setattr(redshift_signin.boto3, "Session", None)  # any use would fail
    assert run("reset_warehouse").success
    assert {kwargs["password"] for kwargs in recorder.connect_kwargs} == {PASSWORD}
    assert {kwargs["host"] for kwargs in recorder.connect_kwargs} == {HOST}


# --- a transaction Redshift aborts for a concurrent one (error 1023) is tried again ----------


SERIALIZATION_ERROR = (
    "1023 DETAIL: Serializable isolation violation on table - 100388, transactions forming the "
    "cycle are: 9876, 9877 (pid:1073)"
)


def _once(matches: str):
    """A fail_when that fails the first statement containing `matches`, and only that one."""
    failed: list[str] = []

    def fail(text: str) -> bool:
        if matches in text and not failed:
            failed.append(text)
            return True
        return False

    return fail


def test_a_rebuild_aborted_by_a_concurrent_transaction_is_run_again_and_succeeds(
    recorder: Recorder, monkeypatch
):
    monkeypatch.setattr(conflicts, "FIRST_BACKOFF_SECONDS", 0.01)
    recorder.failure = SERIALIZATION_ERROR
    recorder.fail_when = _once("INSERT INTO users")
    assert run().success
    inserts = [t for t in recorder.statements("users") if "INSERT INTO users" in t]
    assert len(inserts) == 2, "tried again, in a new transaction"


def test_a_copy_aborted_by_a_concurrent_transaction_is_loaded_again_not_recorded_as_failed(
    recorder: Recorder, monkeypatch
):
    monkeypatch.setattr(conflicts, "FIRST_BACKOFF_SECONDS", 0.01)
    recorder.failure = SERIALIZATION_ERROR
    recorder.fail_when = _once('COPY "staging_events"')
    assert run().success
    statements = recorder.statements("staging_events")
    copies = [t for t in map(without_comments, statements) if t.startswith('COPY "staging_events"')]
    assert len(copies) == 2
    assert not any("'failed'" in t for t in statements)


def test_a_data_error_is_never_tried_again(recorder: Recorder, monkeypatch):
    monkeypatch.setattr(conflicts, "FIRST_BACKOFF_SECONDS", 0.01)
    recorder.failure = 'invalid input syntax for type integer: "x"'
    recorder.fail_when = lambda text: "INSERT INTO users" in text
    assert not run().success
    assert sum("INSERT INTO users" in t for t in recorder.statements("users")) == 1


def test_conflicts_are_told_from_other_errors_by_redshifts_code_and_postgresqls_sqlstate():
    class WithCode(psycopg2.Error):
        def __init__(self, text: str, code: str | None) -> None:
            super().__init__(text)
            self._code = code

        @property
        def pgcode(self) -> str | None:  # type: ignore[override]
            return self._code

    assert conflicts.is_conflict(psycopg2.InternalError(SERIALIZATION_ERROR))
    assert conflicts.is_conflict(WithCode("could not serialize access", "40001"))
    assert conflicts.is_conflict(WithCode("deadlock detected", "40P01"))
    assert not conflicts.is_conflict(WithCode("Load into table failed", "XX000"))
    assert not conflicts.is_conflict(ValueError(SERIALIZATION_ERROR))
