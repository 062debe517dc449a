"""`sparkify cluster up|status|down --serverless`: IAM and EC2 from moto, as in test_cluster.py,
and Redshift Serverless from botocore's Stubber, as moto has no backend for it.

The Stubber answers a real `redshift-serverless` client with the shapes of the API reference
(https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/) and checks each request
against the service model, so every call `up`, `status` and `down` make is scripted below, in
order and with its parameters; a call not scripted, or one left over, fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from sparkify_assets.aws import (
    READ_POLICY_NAME,
    ClusterError,
    ClusterSpecError,
    ServerlessSpec,
    cluster_status,
    hourly_cost,
)
from sparkify_assets.cli import main
from sparkify_assets.config.dwh_cfg import read_dwh_cfg
from sparkify_assets_tests.aws.test_cluster import (  # noqa: F401 (aws: the moto fixture this module builds on)
    CIDR,
    PASSWORD,
    UDACITY_DEND_ONLY,
    allowed,
    aws,
    clusters,
    groups,
    ingress,
    role_policies,
    roles,
)
from sparkify_assets_tests.aws.test_cluster import down as down_as_tested
from sparkify_assets_tests.aws.test_cluster import up as up_as_tested

SPEC = ServerlessSpec()
ROLE_ARN = "arn:aws:iam::123456789012:role/sparkify-redshift-s3-read"  # in moto's account
HOST = "sparkify.123456789012.us-west-2.redshift-serverless.amazonaws.com"
NAMESPACE = {"namespaceName": "sparkify"}
WORKGROUP = {"workgroupName": "sparkify"}
CREATE_WORKGROUP = {
    **WORKGROUP,
    "namespaceName": "sparkify",
    "baseCapacity": 8,
    "port": 5439,
    "publiclyAccessible": True,
    "securityGroupIds": ANY,  # checked against moto's group after the call
    "subnetIds": ANY,  # and against moto's default subnets
}


class Serverless:
    """Scripts the stubbed client with answers shaped as the API reference's, and keeps what
    the code sent, each operation's last request."""

    def __init__(self, stubber: Stubber) -> None:
        self.stubber = stubber
        self.requests: dict[str, dict[str, Any]] = {}
        self.group_ids: list[str] = []  # the security group workgroup answers name

    def namespace(self, method: str, status: str | None, **expected: Any) -> None:
        """`method` answers with the namespace in `status`; None: it does not exist."""
        found = {
            "namespaceName": "sparkify",
            "namespaceArn": "arn:aws:redshift-serverless:us-west-2:123456789012:namespace/5b6d",
            "status": status,
            "dbName": "sparkify",
            "adminUsername": "sparkify",
            "iamRoles": [f"IamRole(applyStatus=in-sync, iamRoleArn={ROLE_ARN})"],
            "defaultIamRoleArn": ROLE_ARN,
        }
        self._answer(method, "namespace", found if status else None, expected)

    def workgroup(self, method: str, status: str | None, **expected: Any) -> None:
        found = {
            "workgroupName": "sparkify",
            "workgroupArn": "arn:aws:redshift-serverless:us-west-2:123456789012:workgroup/9c0e",
            "namespaceName": "sparkify",
            "status": status,
            "baseCapacity": 8,
            "port": 5439,
            "publiclyAccessible": True,
            "securityGroupIds": list(self.group_ids),
            "endpoint": {"address": HOST, "port": 5439},
        }
        self._answer(method, "workgroup", found if status else None, expected)

    def fresh_namespace(self, password: str | None = PASSWORD) -> None:
        admin = {"adminUserPassword": password} if password else {"manageAdminPassword": True}
        self.namespace(
            "create_namespace",
            "AVAILABLE",
            **NAMESPACE,
            dbName="sparkify",
            adminUsername="sparkify",
            **admin,
            iamRoles=[ROLE_ARN],
            defaultIamRoleArn=ROLE_ARN,
        )
        self.namespace("get_namespace", "AVAILABLE", **NAMESPACE)

    def fresh_workgroup(self) -> None:
        self.workgroup("create_workgroup", "CREATING", **CREATE_WORKGROUP)
        self.workgroup("get_workgroup", "CREATING", **WORKGROUP)
        self.workgroup("get_workgroup", "AVAILABLE", **WORKGROUP)

    def fresh_up(self, password: str | None = PASSWORD) -> None:
        """Nothing exists: look at both, create the namespace, wait, create the workgroup, wait."""
        self.workgroup("get_workgroup", None, **WORKGROUP)
        self.namespace("get_namespace", None, **NAMESPACE)
        self.fresh_namespace(password)
        self.fresh_workgroup()

    def both_deleted(self) -> None:
        """`down` of an available workgroup and namespace: the workgroup first."""
        self.workgroup("get_workgroup", "AVAILABLE", **WORKGROUP)
        self.workgroup("delete_workgroup", "DELETING", **WORKGROUP)
        self.workgroup("get_workgroup", "DELETING", **WORKGROUP)
        self.workgroup("get_workgroup", None, **WORKGROUP)
        self.namespace("get_namespace", "AVAILABLE", **NAMESPACE)
        self.namespace("delete_namespace", "DELETING", **NAMESPACE)
        self.namespace("get_namespace", None, **NAMESPACE)

    def _answer(
        self, method: str, key: str, found: dict[str, Any] | None, expected: dict[str, Any]
    ) -> None:
        if found is None:
            self.stubber.add_client_error(
                method,
                service_error_code="ResourceNotFoundException",
                service_message=f"{key} sparkify not found",
                http_status_code=404,
                expected_params=expected,
            )
        else:
            self.stubber.add_response(method, {key: found}, expected)


@pytest.fixture
def serverless(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Serverless]:
    """test_cluster's moto session with its redshift-serverless client stubbed (also for the
    command line, which makes its own session); every scripted call must have happened by the
    end."""
    moto_session: boto3.Session = request.getfixturevalue("aws")
    client = moto_session.client("redshift-serverless")
    real_client = moto_session.client
    monkeypatch.setattr(
        moto_session,
        "client",
        lambda name, *args, **kwargs: (
            client if name == "redshift-serverless" else real_client(name, *args, **kwargs)
        ),
    )
    monkeypatch.setattr(boto3, "Session", lambda **_: moto_session)
    with Stubber(client) as stubber:
        stub = Serverless(stubber)
        client.meta.events.register(
            "provide-client-params.redshift-serverless.*",
            lambda params, model, **_: stub.requests.__setitem__(model.name, dict(params)),
        )
        yield stub
        stubber.assert_no_pending_responses()


@pytest.fixture
def session(serverless: Serverless, request: pytest.FixtureRequest) -> boto3.Session:
    """The moto session the code under test is given, its Serverless client the stub."""
    return request.getfixturevalue("aws")


def up(session: boto3.Session, config: Path, **overrides: Any) -> list[str]:
    return up_as_tested(session, config, spec=SPEC, **overrides)


def down(session: boto3.Session, **overrides: Any) -> list[str]:
    return down_as_tested(session, spec=SPEC, **overrides)


def default_subnets(session: boto3.Session) -> list[dict[str, Any]]:
    ec2 = session.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    found = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    return found["Subnets"]


# --- up -----------------------------------------------------------------------------------


def test_up_creates_a_namespace_and_workgroup_with_the_role_and_group_and_writes_dwh_cfg(
    session: boto3.Session, serverless: Serverless, tmp_path: Path
):
    config = tmp_path / "dwh.cfg"
    serverless.fresh_up()

    lines = up(session, config)

    [group] = groups(session)
    assert ingress(group) == [("tcp", 5439, 5439, CIDR)]
    created = serverless.requests["CreateWorkgroup"]
    assert created["securityGroupIds"] == [group["GroupId"]]
    assert created["subnetIds"] == sorted(s["SubnetId"] for s in default_subnets(session))
    assert session.client("iam").get_role(RoleName=SPEC.role_name)["Role"]["Arn"] == ROLE_ARN
    assert role_policies(session) == ([READ_POLICY_NAME], [])  # no AmazonS3ReadOnlyAccess
    assert allowed(session) == UDACITY_DEND_ONLY
    assert clusters(session) == []  # and no provisioned cluster
    assert read_dwh_cfg(config) == {
        "SPARKIFY_REDSHIFT_KIND": "serverless",
        "SPARKIFY_REDSHIFT_WORKGROUP": "sparkify",
        "REDSHIFT_HOST": HOST,
        "REDSHIFT_PORT": "5439",
        "REDSHIFT_DB": "sparkify",
        "REDSHIFT_USER": "sparkify",
        "SPARKIFY_IAM_ROLE_ARN": ROLE_ARN,
        "SPARKIFY_SOURCE": "s3://udacity-dend",
    }
    assert lines[0].startswith(
        "Cost: about $3.00 per hour of running queries (8 RPUs base x $0.375/RPU-hour, "
        "us-west-2 price of 2025), billed per second while queries run"
    )
    assert [line for line in lines if " after " in line] == [
        "Namespace sparkify: available after 0 s",
        "Workgroup sparkify: creating after 0 s",
        "Workgroup sparkify: available after 0 s",
    ]
    assert not [line for line in lines if PASSWORD in line]
    assert PASSWORD not in config.read_text()


def test_without_a_password_aws_manages_the_admin_password(
    session: boto3.Session, serverless: Serverless, tmp_path: Path
):
    serverless.fresh_up(password=None)  # expects manageAdminPassword=True, no adminUserPassword
    lines = up(session, tmp_path / "dwh.cfg", password=None)
    assert "leave REDSHIFT_PASSWORD unset and the pipeline signs in with IAM" in lines[-1]


def test_up_twice_is_the_same_as_once(
    session: boto3.Session, serverless: Serverless, tmp_path: Path
):
    serverless.fresh_up()
    up(session, tmp_path / "dwh.cfg")
    first = (tmp_path / "dwh.cfg").read_text()
    serverless.group_ids = [groups(session)[0]["GroupId"]]
    serverless.workgroup("get_workgroup", "AVAILABLE", **WORKGROUP)
    serverless.namespace("get_namespace", "AVAILABLE", **NAMESPACE)
    serverless.namespace("get_namespace", "AVAILABLE", **NAMESPACE)
    serverless.workgroup("get_workgroup", "AVAILABLE", **WORKGROUP)

    lines = up(session, tmp_path / "dwh.cfg")  # no create_*: the Stubber would refuse it

    assert "Namespace sparkify: exists, reusing it as it is" in lines
    assert "Workgroup sparkify: exists (available); reusing it as it is" in lines
    assert not [line for line in lines if "note:" in line]
    assert (tmp_path / "dwh.cfg").read_text() == first
    assert (roles(session), len(groups(session))) == ([SPEC.role_name], 1)


def test_up_finishes_a_run_that_created_only_the_namespace(
    session: boto3.Session, serverless: Serverless, tmp_path: Path
):
    serverless.workgroup("get_workgroup", None, **WORKGROUP)
    serverless.namespace("get_namespace", "AVAILABLE", **NAMESPACE)
    serverless.namespace("get_namespace", "AVAILABLE", **NAMESPACE)
    serverless.fresh_workgroup()

    lines = up(session, tmp_path / "dwh.cfg")

    assert "Namespace sparkify: exists, reusing it as it is" in lines
    assert "CreateNamespace" not in serverless.requests
    assert read_dwh_cfg(tmp_path / "dwh.cfg")["REDSHIFT_HOST"] == HOST


def test_up_waits_for_a_workgroup_and_namespace_being_deleted_then_creates_them_anew(
    session: boto3.Session, serverless: Serverless, tmp_path: Path
):
    serverless.workgroup("get_workgroup", "DELETING", **WORKGROUP)
    serverless.workgroup("get_workgroup", "DELETING", **WORKGROUP)
    serverless.workgroup("get_workgroup", None, **WORKGROUP)
    serverless.namespace("get_namespace", "DELETING", **NAMESPACE)
    serverless.namespace("get_namespace", None, **NAMESPACE)
    serverless.fresh_namespace()
    serverless.fresh_workgroup()

    lines = up(session, tmp_path / "dwh.cfg")

    for what in ("Workgroup", "Namespace"):
        waited = lines.index(f"{what} sparkify: being deleted; waiting before creating it")
        assert lines.index(f"{what} sparkify: absent after 0 s") > waited
    assert read_dwh_cfg(tmp_path / "dwh.cfg")["SPARKIFY_REDSHIFT_WORKGROUP"] == "sparkify"


def test_up_gives_up_after_the_timeout_naming_the_status(
    session: boto3.Session, serverless: Serverless, tmp_path: Path
):
    serverless.workgroup("get_workgroup", None, **WORKGROUP)
    serverless.namespace("get_namespace", None, **NAMESPACE)
    serverless.fresh_namespace()
    serverless.workgroup("create_workgroup", "CREATING", **CREATE_WORKGROUP)
    serverless.workgroup("get_workgroup", "CREATING", **WORKGROUP)
    with pytest.raises(TimeoutError, match="Workgroup sparkify is still creating after"):
        up(session, tmp_path / "dwh.cfg", timeout_seconds=0)
    assert not (tmp_path / "dwh.cfg").exists()


def test_a_vpc_with_too_few_zones_is_refused_before_the_namespace_is_created(
    session: boto3.Session, serverless: Serverless, tmp_path: Path
):
    ec2 = session.client("ec2")
    for subnet in default_subnets(session)[2:]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    serverless.workgroup("get_workgroup", None, **WORKGROUP)
    with pytest.raises(ClusterError, match="needs at least 3 subnets in 3 zones"):
        up(session, tmp_path / "dwh.cfg")


# --- what is refused before anything is created ----------------------------------------------


@pytest.mark.parametrize("capacity", [0, 2, 6, 12, 520, 1056])
def test_a_base_capacity_aws_does_not_offer_is_refused(capacity: int):
    with pytest.raises(ClusterSpecError, match=f"base capacity of {capacity} RPUs"):
        ServerlessSpec(base_capacity=capacity)


@pytest.mark.parametrize("capacity", [4, 8, 128, 512, 544, 1024])
def test_the_documented_base_capacities_are_accepted(capacity: int):
    assert ServerlessSpec(base_capacity=capacity).base_capacity == capacity


@pytest.mark.parametrize("name", ["ab", "Sparkify", "spark_ify", "s" * 65])
def test_a_name_serverless_would_refuse_is_refused(name: str):
    with pytest.raises(ClusterSpecError, match="3 to 64 lowercase letters"):
        ServerlessSpec(workgroup=name)


def test_the_cost_is_per_rpu_hour_of_the_base_capacity():
    assert SPEC.base_capacity == 8
    assert hourly_cost(SPEC) == pytest.approx(3.00)
    assert hourly_cost(ServerlessSpec(base_capacity=32)) == pytest.approx(12.00)


# --- down and status --------------------------------------------------------------------------


def test_down_deletes_the_workgroup_then_the_namespace_then_the_group_then_the_role(
    session: boto3.Session, serverless: Serverless, tmp_path: Path
):
    serverless.fresh_up()
    up(session, tmp_path / "dwh.cfg")
    serverless.both_deleted()

    lines = down(session)

    in_order = [
        "Workgroup sparkify: deletion requested",
        "Workgroup sparkify: absent after 0 s",
        "Namespace sparkify: deletion requested, no final snapshot",
        "Namespace sparkify: absent after 0 s",
        "Security group sparkify-redshift: deleted",
        "IAM role sparkify-redshift-s3-read: deleted",
    ]
    assert [line for line in lines if line in in_order] == in_order
    assert (groups(session), roles(session)) == ([], [])


def test_down_of_a_namespace_without_workgroup_can_keep_a_final_snapshot(
    session: boto3.Session, serverless: Serverless
):
    serverless.workgroup("get_workgroup", None, **WORKGROUP)
    serverless.workgroup("get_workgroup", None, **WORKGROUP)
    serverless.namespace("get_namespace", "AVAILABLE", **NAMESPACE)
    serverless.namespace(
        "delete_namespace", "DELETING", **NAMESPACE, finalSnapshotName="sparkify-final"
    )
    serverless.namespace("get_namespace", None, **NAMESPACE)

    lines = down(session, final_snapshot="sparkify-final")

    assert "Namespace sparkify: deletion requested, keeping final snapshot sparkify-final" in lines
    assert "IAM role sparkify-redshift-s3-read: already gone" in lines


def test_status_shows_the_workgroup_its_namespace_and_endpoint(
    session: boto3.Session, serverless: Serverless, tmp_path: Path
):
    serverless.workgroup("get_workgroup", None, **WORKGROUP)
    serverless.namespace("get_namespace", None, **NAMESPACE)
    assert (
        cluster_status(SPEC, session=session)
        .describe()
        .startswith("Workgroup sparkify: absent\n  namespace:      sparkify, absent\n")
    )

    serverless.fresh_up()
    up(session, tmp_path / "dwh.cfg")
    serverless.workgroup("get_workgroup", "AVAILABLE", **WORKGROUP)
    serverless.namespace("get_namespace", "AVAILABLE", **NAMESPACE)
    described = cluster_status(SPEC, session=session).describe()
    assert described.splitlines()[:3] == [
        "Workgroup sparkify: available, base capacity 8 RPUs",
        "  namespace:      sparkify, available",
        f"  endpoint:       {HOST}:5439",
    ]
    assert f"open to {CIDR}" in described


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
