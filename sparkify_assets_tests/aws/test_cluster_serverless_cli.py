"""`sparkify cluster up|status|down --serverless` as a user types it, against moto's IAM and EC2
and a stubbed Redshift Serverless (test_cluster_serverless.py says how): what it shows, what it
refuses, and that the password shows nowhere."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from sparkify_assets.cli import main
from sparkify_assets.config.dwh_cfg import read_dwh_cfg
from sparkify_assets_tests.support.cluster_aws import (
    CIDR,
    PASSWORD,
    groups,
    roles,
)
from sparkify_assets_tests.support.serverless_stub import (
    NAMESPACE,
    WORKGROUP,
    Serverless,
)

# --- the command line -------------------------------------------------------------------------


def test_the_cli_brings_serverless_up_shows_it_and_takes_it_down_without_the_password(
    session: boto3.Session,
    serverless: Serverless,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    monkeypatch.setenv("REDSHIFT_PASSWORD", PASSWORD)
    monkeypatch.setenv("SPARKIFY_CLUSTER_POLL_SECONDS", "0")
    config = tmp_path / "dwh.cfg"
    serverless.fresh_up()
    arguments = ["--allow-from", "203.0.113.7", "--base-capacity", "8", "--config", str(config)]
    assert main(["cluster", "up", "--serverless", *arguments]) == 0
    serverless.workgroup("get_workgroup", "AVAILABLE", **WORKGROUP)
    serverless.namespace("get_namespace", "AVAILABLE", **NAMESPACE)
    assert main(["cluster", "status", "--serverless"]) == 0
    serverless.both_deleted()
    assert main(["cluster", "down", "--serverless"]) == 0

    captured = capsys.readouterr()
    assert "Workgroup sparkify: available, base capacity 8 RPUs" in captured.out
    assert PASSWORD not in captured.out + captured.err
    assert read_dwh_cfg(config)["SPARKIFY_REDSHIFT_KIND"] == "serverless"
    assert (groups(session), roles(session)) == ([], [])


def test_an_aws_error_quoting_the_password_is_masked(
    session: boto3.Session,
    serverless: Serverless,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    monkeypatch.setenv("REDSHIFT_PASSWORD", PASSWORD)
    serverless.workgroup("get_workgroup", None, **WORKGROUP)
    serverless.namespace("get_namespace", None, **NAMESPACE)
    serverless.stubber.add_client_error(
        "create_namespace",
        service_error_code="ValidationException",
        service_message=f"adminUserPassword {PASSWORD} is not valid",
        http_status_code=400,
    )
    config = ["--config", str(tmp_path / "dwh.cfg")]
    assert main(["cluster", "up", "--serverless", "--allow-from", CIDR, *config]) == 1
    err = capsys.readouterr().err
    assert "ValidationException" in err and "********" in err
    assert PASSWORD not in err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--nodes", "2"], "--node-type and --nodes are for a provisioned cluster"),
        (["--node-type", "ra3.large"], "--node-type and --nodes are for a provisioned cluster"),
        (["--base-capacity", "6"], "a base capacity of 6 RPUs is not offered"),
        (["--identifier", "ab"], "3 to 64 lowercase letters"),
    ],
)
def test_the_cli_refuses_what_serverless_would_before_anything_is_created(
    session: boto3.Session,
    serverless: Serverless,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
):
    config = ["--config", str(tmp_path / "dwh.cfg")]
    assert main(["cluster", "up", "--serverless", "--allow-from", CIDR, *arguments, *config]) == 2
    assert message in capsys.readouterr().err
    assert (roles(session), groups(session)) == ([], [])
