"""`sparkify cluster down` and `status` for a provisioned cluster against moto's AWS: down
removes what up made (and finishes what a failed down left), waits for a cluster already
deleting, can keep a snapshot; status shows the endpoint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from sparkify_assets.aws import (
    S3_READ_POLICY_ARN,
    cluster_status,
)
from sparkify_assets_tests.support.cluster_aws import (
    CIDR,
    REGION,
    SPEC,
    TRUSTS_REDSHIFT,
    clusters,
    down,
    fail_once,
    groups,
    on_call,
    roles,
    up,
)

# --- down ---------------------------------------------------------------------------------


def test_down_removes_the_cluster_group_and_role_but_not_dwh_cfg(
    aws: boto3.Session, tmp_path: Path
):
    up(aws, tmp_path / "dwh.cfg")
    lines = down(aws)
    assert (clusters(aws), groups(aws), roles(aws)) == ([], [], [])
    assert (tmp_path / "dwh.cfg").exists()
    assert "dwh.cfg was left as it is: delete it by hand if you no longer need it." in lines
    assert "Cluster sparkify: absent after 0 s" in lines


def test_down_also_removes_a_role_an_older_up_gave_s3_read_only_access(aws: boto3.Session):
    iam = aws.client("iam")
    iam.create_role(RoleName=SPEC.role_name, AssumeRolePolicyDocument=json.dumps(TRUSTS_REDSHIFT))
    iam.attach_role_policy(RoleName=SPEC.role_name, PolicyArn=S3_READ_POLICY_ARN)
    lines = down(aws)
    assert roles(aws) == []
    assert "IAM role sparkify-redshift-s3-read: deleted" in lines


def test_down_twice_and_down_with_nothing_there_are_fine(aws: boto3.Session, tmp_path: Path):
    nothing = down(aws)
    assert "IAM role sparkify-redshift-s3-read: already gone" in nothing
    assert "Security group sparkify-redshift: already gone" in nothing
    up(aws, tmp_path / "dwh.cfg")
    down(aws)
    down(aws)
    assert (clusters(aws), groups(aws), roles(aws)) == ([], [], [])


def test_down_finishes_what_a_failed_down_left(aws: boto3.Session, tmp_path: Path):
    up(aws, tmp_path / "dwh.cfg")
    fail_once(aws, "iam.DeleteRole", "ServiceFailure")
    with pytest.raises(ClientError, match="ServiceFailure"):
        down(aws)
    assert (clusters(aws), groups(aws), roles(aws)) == ([], [], [SPEC.role_name])
    down(aws)
    assert roles(aws) == []


def test_down_retries_a_group_the_old_cluster_still_uses(aws: boto3.Session, tmp_path: Path):
    up(aws, tmp_path / "dwh.cfg")
    fail_once(aws, "ec2.DeleteSecurityGroup", "DependencyViolation")
    lines = down(aws)
    assert groups(aws) == []
    assert "Security group sparkify-redshift: still in use by the old warehouse's network" in lines
    assert "Security group sparkify-redshift: deleted" in lines


def test_down_waits_for_a_cluster_that_is_already_deleting(aws: boto3.Session, tmp_path: Path):
    up(aws, tmp_path / "dwh.cfg")
    plain = boto3.client("redshift", region_name=REGION)  # a session without the hook below
    looks: list[int] = []

    def deleting_for_two_looks(parsed: dict[str, Any], **_: Any) -> None:
        looks.append(1)
        if len(looks) <= 2 and parsed.get("Clusters"):
            parsed["Clusters"][0]["ClusterStatus"] = "deleting"
        if len(looks) == 2:
            plain.delete_cluster(ClusterIdentifier="sparkify", SkipFinalClusterSnapshot=True)

    on_call(aws, "after-call.redshift.DescribeClusters", deleting_for_two_looks)

    lines = down(aws)

    assert [line for line in lines if line.startswith("Cluster sparkify:")] == [
        "Cluster sparkify: deleting after 0 s",
        "Cluster sparkify: absent after 0 s",
    ]  # no second delete request for a cluster already on its way out
    assert (clusters(aws), groups(aws), roles(aws)) == ([], [], [])


def test_down_can_keep_a_final_snapshot(aws: boto3.Session, tmp_path: Path):
    up(aws, tmp_path / "dwh.cfg")
    lines = down(aws, final_snapshot="sparkify-final")
    snapshots = aws.client("redshift").describe_cluster_snapshots(
        SnapshotIdentifier="sparkify-final"
    )["Snapshots"]
    assert [s["SnapshotIdentifier"] for s in snapshots] == ["sparkify-final"]
    assert "Cluster sparkify: deletion requested, keeping final snapshot sparkify-final" in lines


# --- status -------------------------------------------------------------------------------


def test_status_is_absent_before_up_and_shows_the_endpoint_after(
    aws: boto3.Session, tmp_path: Path
):
    before = cluster_status(SPEC, session=aws)
    assert (before.warehouse.status, before.warehouse.host) == ("absent", None)
    assert (before.role_arn, before.security_group_id) == (None, None)
    assert before.describe().startswith("Cluster sparkify: absent\n")

    up(aws, tmp_path / "dwh.cfg")
    after = cluster_status(SPEC, session=aws)
    [cluster] = clusters(aws)
    assert after.warehouse.status == "available"
    assert (after.warehouse.host, after.warehouse.port) == (cluster["Endpoint"]["Address"], 5439)
    assert after.warehouse.size == "2 x ra3.large"
    assert after.role_arn == cluster["IamRoles"][0]["IamRoleArn"]
    assert after.ingress_cidrs == (CIDR,)
    assert f"{after.warehouse.host}:5439" in after.describe()
    assert f"open to {CIDR}" in after.describe()
