"""`sparkify cluster up|status|down --serverless`: IAM and EC2 from moto, as in test_cluster.py,
and Redshift Serverless from botocore's Stubber, as moto has no backend for it (the `serverless`
fixture of aws/conftest.py; support/serverless_stub.py scripts it). Every call `up`, `status`
and `down` make is scripted in each test, in order and with its parameters; a call not scripted,
or one left over, fails the test. (The command line: test_cluster_serverless_cli.py.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from sparkify_assets.aws import (
    READ_POLICY_NAME,
    ClusterError,
    ClusterSpecError,
    ServerlessSpec,
    cluster_status,
    hourly_cost,
)
from sparkify_assets.config.dwh_cfg import read_dwh_cfg
from sparkify_assets_tests.support.cluster_aws import (
    CIDR,
    PASSWORD,
    UDACITY_DEND_ONLY,
    allowed,
    clusters,
    groups,
    ingress,
    role_policies,
    roles,
)
from sparkify_assets_tests.support.serverless_stub import (
    CREATE_WORKGROUP,
    HOST,
    NAMESPACE,
    ROLE_ARN,
    SPEC,
    WORKGROUP,
    Serverless,
    down,
    up,
)


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
