"""`sparkify cluster up` for a provisioned cluster against moto's AWS: what exists afterwards,
what the IAM role may read, what is reused, waited for or finished when run again. (What is
refused: test_cluster_refusals.py; down and status: test_cluster_down.py; the command line:
test_cluster_cli.py; Serverless: test_cluster_serverless.py. How they drive moto:
support/cluster_aws.py.)

moto makes a cluster "available" (and deletes it) at once; where a test needs a cluster that is
still creating or deleting, a botocore hook rewrites the status in describe_clusters' answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from sparkify_assets.aws import (
    READ_POLICY_NAME,
    S3_READ_POLICY_ARN,
    ClusterError,
    ClusterSpec,
    ClusterSpecError,
)
from sparkify_assets.config.dwh_cfg import read_dwh_cfg
from sparkify_assets_tests.support.cluster_aws import (
    CIDR,
    PASSWORD,
    REGION,
    SPEC,
    TRUSTS_REDSHIFT,
    UDACITY_DEND_ONLY,
    allowed,
    clusters,
    create_cluster_requests,
    describe_reports,
    fail_once,
    groups,
    ingress,
    on_call,
    role_policies,
    roles,
    up,
)

# --- up -----------------------------------------------------------------------------------


def test_up_builds_the_role_group_and_an_ra3_cluster_and_writes_dwh_cfg_without_the_password(
    aws: boto3.Session, tmp_path: Path
):
    config = tmp_path / "dwh.cfg"
    requests = create_cluster_requests(aws)
    up(aws, config)

    iam = aws.client("iam")
    role = iam.get_role(RoleName=SPEC.role_name)["Role"]
    trusted = [s["Principal"]["Service"] for s in role["AssumeRolePolicyDocument"]["Statement"]]
    assert trusted == ["redshift.amazonaws.com"]
    assert role_policies(aws) == ([READ_POLICY_NAME], [])  # no AmazonS3ReadOnlyAccess
    assert allowed(aws) == UDACITY_DEND_ONLY

    [group] = groups(aws)
    assert ingress(group) == [("tcp", 5439, 5439, CIDR)]

    [cluster] = clusters(aws)
    assert cluster["ClusterIdentifier"] == "sparkify"
    assert cluster["ClusterStatus"] == "available"
    assert (cluster["NodeType"], cluster["NumberOfNodes"]) == ("ra3.large", 2)
    assert (cluster["DBName"], cluster["MasterUsername"]) == ("sparkify", "sparkify")
    assert cluster["PubliclyAccessible"] is True
    assert [r["IamRoleArn"] for r in cluster["IamRoles"]] == [role["Arn"]]
    assert [g["VpcSecurityGroupId"] for g in cluster["VpcSecurityGroups"]] == [group["GroupId"]]
    [request] = requests
    assert request["ClusterType"] == "multi-node"
    assert "ManageMasterPassword" not in request  # the password given is the one used

    assert read_dwh_cfg(config) == {
        "SPARKIFY_REDSHIFT_KIND": "provisioned",
        "SPARKIFY_REDSHIFT_CLUSTER": "sparkify",
        "REDSHIFT_HOST": cluster["Endpoint"]["Address"],
        "REDSHIFT_PORT": "5439",
        "REDSHIFT_DB": "sparkify",
        "REDSHIFT_USER": "sparkify",
        "SPARKIFY_IAM_ROLE_ARN": role["Arn"],
        "SPARKIFY_SOURCE": "s3://udacity-dend",
    }
    assert PASSWORD not in config.read_text()


def test_without_a_password_aws_manages_it_and_the_pipeline_signs_in_with_iam(
    aws: boto3.Session, tmp_path: Path
):
    requests = create_cluster_requests(aws)
    lines = up(aws, tmp_path / "dwh.cfg", password=None)
    [request] = requests
    assert request["ManageMasterPassword"] is True
    assert "MasterUserPassword" not in request
    assert "leave REDSHIFT_PASSWORD unset and the pipeline signs in with IAM" in lines[-1]
    assert read_dwh_cfg(tmp_path / "dwh.cfg")["SPARKIFY_REDSHIFT_CLUSTER"] == "sparkify"


def test_up_twice_is_the_same_as_once(aws: boto3.Session, tmp_path: Path):
    up(aws, tmp_path / "dwh.cfg")
    first = clusters(aws)[0]["Endpoint"]
    requests = create_cluster_requests(aws)
    second_lines = up(aws, tmp_path / "dwh.cfg")

    assert requests == []
    assert roles(aws) == [SPEC.role_name]
    assert role_policies(aws) == ([READ_POLICY_NAME], [])
    [group] = groups(aws)
    assert ingress(group) == [("tcp", 5439, 5439, CIDR)]
    [cluster] = clusters(aws)
    assert cluster["Endpoint"] == first
    assert any("exists, reusing it" in line for line in second_lines)


def test_up_finishes_when_only_the_role_was_created_before(aws: boto3.Session, tmp_path: Path):
    aws.client("iam").create_role(
        RoleName=SPEC.role_name, AssumeRolePolicyDocument=json.dumps(TRUSTS_REDSHIFT)
    )  # and then the first run died before giving it a policy

    up(aws, tmp_path / "dwh.cfg")

    assert allowed(aws) == UDACITY_DEND_ONLY
    assert [c["ClusterStatus"] for c in clusters(aws)] == ["available"]


def test_a_role_an_older_up_gave_s3_read_only_access_keeps_only_the_scoped_policy(
    aws: boto3.Session, tmp_path: Path
):
    iam = aws.client("iam")
    iam.create_role(RoleName=SPEC.role_name, AssumeRolePolicyDocument=json.dumps(TRUSTS_REDSHIFT))
    iam.attach_role_policy(RoleName=SPEC.role_name, PolicyArn=S3_READ_POLICY_ARN)

    lines = up(aws, tmp_path / "dwh.cfg")

    assert role_policies(aws) == ([READ_POLICY_NAME], [])
    assert any("detached AmazonS3ReadOnlyAccess" in line for line in lines)


def test_the_role_may_read_the_source_and_the_manifests_and_nothing_else(
    aws: boto3.Session, tmp_path: Path
):
    up(
        aws,
        tmp_path / "dwh.cfg",
        source="s3://my-data/sparkify/",
        manifest_location="s3://my-work/manifests",
    )
    assert allowed(aws) == {
        "s3:GetBucketLocation": ["arn:aws:s3:::my-data", "arn:aws:s3:::my-work"],
        "s3:ListBucket": ["arn:aws:s3:::my-data", "arn:aws:s3:::my-work"],
        "s3:GetObject": ["arn:aws:s3:::my-data/sparkify/*", "arn:aws:s3:::my-work/manifests/*"],
    }
    assert read_dwh_cfg(tmp_path / "dwh.cfg")["SPARKIFY_SOURCE"] == "s3://my-data/sparkify"


@pytest.mark.parametrize(
    ("where", "location"),
    [("source", "/data/sparkify"), ("source", "s3://"), ("manifest_location", "http://x/y")],
)
def test_a_location_copy_cannot_read_is_refused_before_anything_is_created(
    aws: boto3.Session, tmp_path: Path, where: str, location: str
):
    with pytest.raises(ClusterSpecError, match="is not an S3 location"):
        up(aws, tmp_path / "dwh.cfg", **{where: location})
    assert (roles(aws), groups(aws), clusters(aws)) == ([], [], [])


def test_up_finishes_after_creating_the_cluster_failed_once(aws: boto3.Session, tmp_path: Path):
    fail_once(aws, "redshift.CreateCluster", "InsufficientClusterCapacity")
    with pytest.raises(ClientError, match="InsufficientClusterCapacity"):
        up(aws, tmp_path / "dwh.cfg")
    assert clusters(aws) == []
    assert not (tmp_path / "dwh.cfg").exists()

    up(aws, tmp_path / "dwh.cfg")

    assert roles(aws) == [SPEC.role_name]
    assert len(groups(aws)) == 1
    assert [c["ClusterStatus"] for c in clusters(aws)] == ["available"]
    assert read_dwh_cfg(tmp_path / "dwh.cfg")["REDSHIFT_HOST"].startswith("sparkify.")


def test_up_reports_the_cost_and_every_status_while_it_waits(aws: boto3.Session, tmp_path: Path):
    describe_reports(aws, ["creating", "creating"])

    lines = up(aws, tmp_path / "dwh.cfg")

    assert lines[0].startswith("Cost: about $1.09/hour on demand (2 x ra3.large at $0.543")
    polls = [line for line in lines if line.startswith("Cluster sparkify: ") and " after " in line]
    assert [line.split(": ")[1].split(" after ")[0] for line in polls] == [
        "creating",
        "creating",
        "available",
    ]
    assert all(line.endswith(" s") for line in polls)


def test_up_gives_up_after_the_timeout_naming_the_status(aws: boto3.Session, tmp_path: Path):
    describe_reports(aws, ["creating"] * 5)
    with pytest.raises(TimeoutError, match="Cluster sparkify is still creating after"):
        up(aws, tmp_path / "dwh.cfg", timeout_seconds=0)
    assert not (tmp_path / "dwh.cfg").exists()


def test_up_waits_for_a_cluster_being_deleted_then_creates_it_anew(
    aws: boto3.Session, tmp_path: Path
):
    plain = boto3.client("redshift", region_name=REGION)  # a session without the hook below
    plain.create_cluster(
        ClusterIdentifier="sparkify",
        NodeType="ra3.xlplus",
        ClusterType="single-node",
        MasterUsername="old",
        MasterUserPassword=PASSWORD,
    )
    looks: list[int] = []

    def deleting_then_gone(parsed: dict[str, Any], **_: Any) -> None:
        if not looks and parsed.get("Clusters"):
            looks.append(1)
            parsed["Clusters"][0]["ClusterStatus"] = "deleting"
            plain.delete_cluster(ClusterIdentifier="sparkify", SkipFinalClusterSnapshot=True)

    on_call(aws, "after-call.redshift.DescribeClusters", deleting_then_gone)

    lines = up(aws, tmp_path / "dwh.cfg")

    [cluster] = clusters(aws)
    assert (cluster["NumberOfNodes"], cluster["MasterUsername"]) == (2, "sparkify")
    assert "Cluster sparkify: being deleted; waiting before creating it" in lines
    assert "Cluster sparkify: absent after 0 s" in lines


def test_an_existing_cluster_is_reused_as_it_is_and_the_difference_is_reported(
    aws: boto3.Session, tmp_path: Path
):
    up(aws, tmp_path / "dwh.cfg", spec=ClusterSpec(nodes=3))
    lines = up(aws, tmp_path / "dwh.cfg")
    assert clusters(aws)[0]["NumberOfNodes"] == 3
    assert any("asked for 2 x ra3.large" in line for line in lines)


@pytest.mark.parametrize(
    ("node_type", "cost"), [("ra3.large", "$0.54/hour"), ("ra3.xlplus", "$1.09/hour")]
)
def test_one_node_makes_a_single_node_cluster(
    aws: boto3.Session, tmp_path: Path, node_type: str, cost: str
):
    spec = ClusterSpec(nodes=1, node_type=node_type)
    assert spec.cluster_type == "single-node"
    requests = create_cluster_requests(aws)
    lines = up(aws, tmp_path / "dwh.cfg", spec=spec)
    assert (clusters(aws)[0]["NumberOfNodes"], clusters(aws)[0]["NodeType"]) == (1, node_type)
    assert "NumberOfNodes" not in requests[0]
    assert requests[0]["ClusterType"] == "single-node"
    assert lines[0].startswith(f"Cost: about {cost}")


def test_a_new_allow_from_replaces_the_old_network(aws: boto3.Session, tmp_path: Path):
    up(aws, tmp_path / "dwh.cfg")
    lines = up(aws, tmp_path / "dwh.cfg", allow_cidr="198.51.100.0/24")
    assert ingress(groups(aws)[0]) == [("tcp", 5439, 5439, "198.51.100.0/24")]
    assert f"Security group sparkify-redshift: closed to {CIDR}" in lines


def test_an_ipv6_network_is_allowed_as_an_ipv6_rule(aws: boto3.Session, tmp_path: Path):
    up(aws, tmp_path / "dwh.cfg", allow_cidr="2001:db8::1")
    assert ingress(groups(aws)[0]) == [("tcp", 5439, 5439, "2001:db8::1/128")]


def test_a_role_that_redshift_cannot_assume_is_not_reused(aws: boto3.Session, tmp_path: Path):
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "*"}
        ],
    }
    aws.client("iam").create_role(
        RoleName=SPEC.role_name, AssumeRolePolicyDocument=json.dumps(trust)
    )
    with pytest.raises(ClusterError, match=r"does not trust redshift\.amazonaws\.com"):
        up(aws, tmp_path / "dwh.cfg")
    assert clusters(aws) == []
