"""`sparkify cluster up|status|down` as a user types it: the arguments it takes, what it
refuses, and errors in one line that never show the password."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from sparkify_assets.cli import main
from sparkify_assets.config.dwh_cfg import read_dwh_cfg
from sparkify_assets_tests.support.cluster_aws import (
    CIDR,
    PASSWORD,
    allowed,
    clusters,
    create_cluster_requests,
    fail,
    groups,
    on_call,
    roles,
)

# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def cli_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What `sparkify cluster` reads: the admin password, and no wait between polls."""
    monkeypatch.setenv("REDSHIFT_PASSWORD", PASSWORD)
    monkeypatch.setenv("SPARKIFY_CLUSTER_POLL_SECONDS", "0")


def test_the_cli_brings_a_cluster_up_shows_it_and_takes_it_down(
    aws: boto3.Session,
    cli_environment: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    config = tmp_path / "dwh.cfg"

    assert main(["cluster", "up", "--allow-from", "203.0.113.7", "--config", str(config)]) == 0
    assert read_dwh_cfg(config)["REDSHIFT_HOST"] == clusters(aws)[0]["Endpoint"]["Address"]
    assert main(["cluster", "status"]) == 0
    assert main(["cluster", "down"]) == 0

    out = capsys.readouterr().out
    assert "Cost: about $1.09/hour" in out
    assert "Cluster sparkify: available, 2 x ra3.large" in out
    assert f"open to {CIDR}" in out
    assert PASSWORD not in out
    assert (clusters(aws), groups(aws), roles(aws)) == ([], [], [])
    assert config.exists()


def test_the_cli_takes_identifier_node_type_and_nodes(
    aws: boto3.Session, cli_environment: None, tmp_path: Path
):
    arguments = ["--identifier", "etl-test", "--node-type", "ra3.xlplus", "--nodes", "3"]
    config = ["--config", str(tmp_path / "dwh.cfg")]
    assert main(["cluster", "up", "--allow-from", CIDR, *arguments, *config]) == 0
    [cluster] = clusters(aws)
    assert (cluster["ClusterIdentifier"], cluster["NodeType"], cluster["NumberOfNodes"]) == (
        "etl-test",
        "ra3.xlplus",
        3,
    )
    assert main(["cluster", "down", "--identifier", "etl-test"]) == 0
    assert clusters(aws) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--node-type", "dc2.large"], "AWS no longer provisions dc2.large for new clusters"),
        (["--nodes", "17"], "has 1 to 16 nodes, not 17"),
        (["--base-capacity", "8"], "--base-capacity is for --serverless"),
        (["--source", "/home/me/data"], "is not an S3 location"),
    ],
)
def test_the_cli_refuses_what_aws_would_before_anything_is_created(
    aws: boto3.Session,
    cli_environment: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
):
    config = ["--config", str(tmp_path / "dwh.cfg")]
    assert main(["cluster", "up", "--allow-from", CIDR, *arguments, *config]) == 2
    assert message in capsys.readouterr().err
    assert (roles(aws), groups(aws), clusters(aws)) == ([], [], [])


def test_the_cli_without_redshift_password_lets_aws_manage_it(
    aws: boto3.Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SPARKIFY_CLUSTER_POLL_SECONDS", "0")
    requests = create_cluster_requests(aws)
    monkeypatch.setattr(boto3, "Session", lambda **_: aws)
    config = str(tmp_path / "dwh.cfg")
    assert main(["cluster", "up", "--allow-from", CIDR, "--config", config]) == 0
    assert requests[0]["ManageMasterPassword"] is True


def test_the_cli_reads_the_source_and_manifest_location_the_pipeline_uses(
    aws: boto3.Session, cli_environment: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SPARKIFY_SOURCE", "s3://my-data/sparkify")
    monkeypatch.setenv("SPARKIFY_MANIFEST_LOCATION", "s3://my-work/manifests")
    config = ["--config", str(tmp_path / "dwh.cfg")]
    assert main(["cluster", "up", "--allow-from", CIDR, *config]) == 0
    assert allowed(aws)["s3:GetObject"] == [
        "arn:aws:s3:::my-data/sparkify/*",
        "arn:aws:s3:::my-work/manifests/*",
    ]


def test_the_cli_refuses_anywhere_without_allow_anywhere(
    aws: boto3.Session,
    cli_environment: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    config = ["--config", str(tmp_path / "dwh.cfg")]
    assert main(["cluster", "up", "--allow-from", "0.0.0.0/0", *config]) == 2
    assert "whole internet" in capsys.readouterr().err
    assert main(["cluster", "up", "--allow-from", "0.0.0.0/0", "--allow-anywhere", *config]) == 0


def test_an_aws_error_is_one_line_and_exit_1_without_the_password(
    aws: boto3.Session,
    cli_environment: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    """Even if AWS were to quote the password back, the CLI does not print it."""
    on_call(
        aws,
        "before-call.redshift.CreateCluster",
        fail("CreateCluster", "InvalidParameterValue", f"bad password\n{PASSWORD}"),
    )
    monkeypatch.setattr(boto3, "Session", lambda **_: aws)
    config = ["--config", str(tmp_path / "dwh.cfg")]
    assert main(["cluster", "up", "--allow-from", CIDR, *config]) == 1
    err = capsys.readouterr().err
    assert "InvalidParameterValue" in err
    assert PASSWORD not in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_aws_credentials_are_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no look for an instance role
    assert main(["cluster", "status"]) == 1
    err = capsys.readouterr().err
    assert "Unable to locate credentials" in err
    assert err.count("\n") == 1


def test_a_bad_poll_interval_is_refused(
    aws: boto3.Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("SPARKIFY_CLUSTER_POLL_SECONDS", "soon")
    assert main(["cluster", "down"]) == 2
    assert "SPARKIFY_CLUSTER_POLL_SECONDS='soon'" in capsys.readouterr().err
