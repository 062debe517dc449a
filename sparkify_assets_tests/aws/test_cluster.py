"""`sparkify cluster up|status|down` for a provisioned cluster against moto's AWS: what exists
afterwards, what is refused before anything is created, what the IAM role may read, and that the
password goes nowhere but to Redshift. (Serverless: test_cluster_serverless.py.)

moto makes a cluster "available" (and deletes it) at once; where a test needs a cluster that is
still creating or deleting, a botocore hook rewrites the status in describe_clusters' answer.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import moto.iam.models
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from sparkify_assets.aws import (
    READ_POLICY_NAME,
    S3_READ_POLICY_ARN,
    ClusterError,
    ClusterSpec,
    ClusterSpecError,
    ServerlessSpec,
    cluster_down,
    cluster_status,
    cluster_up,
    hourly_cost,
)
from sparkify_assets.cli import main
from sparkify_assets.config.dwh_cfg import DwhConfigError, read_dwh_cfg

REGION = "us-west-2"
PASSWORD = "Sparkify2024Pw"  # valid by Redshift's rules, and findable in any text
CIDR = "203.0.113.7/32"
SPEC = ClusterSpec()
UDACITY_DEND_ONLY = {
    "s3:GetBucketLocation": ["arn:aws:s3:::udacity-dend"],
    "s3:ListBucket": ["arn:aws:s3:::udacity-dend"],
    "s3:GetObject": ["arn:aws:s3:::udacity-dend/*"],
}
TRUSTS_REDSHIFT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "redshift.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@functools.cache
def s3_read_only_policy_data() -> str:
    every_policy = json.loads(moto.iam.models.aws_managed_policies_data)
    return json.dumps({"AmazonS3ReadOnlyAccess": every_policy["AmazonS3ReadOnlyAccess"]})


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "SPARKIFY_REGION",
        "REDSHIFT_PASSWORD",
        "SPARKIFY_SOURCE",
        "SPARKIFY_MANIFEST_LOCATION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # not needed; slow to load
    # AmazonS3ReadOnlyAccess is an AWS managed policy: moto only has those when asked, and
    # parsing all of them for every IAM backend made these tests take a minute; keep just one
    # (an older `up` attached it; `up` and `down` now detach it).
    monkeypatch.setattr(moto.iam.models, "aws_managed_policies_data", s3_read_only_policy_data())
    with mock_aws(config={"iam": {"load_aws_managed_policies": True}}):
        yield boto3.Session(region_name=REGION)


def up(
    session: boto3.Session,
    config: Path,
    *,
    spec: ClusterSpec | ServerlessSpec = SPEC,
    **overrides: Any,
) -> list[str]:
    """cluster_up as the tests use it; the lines it reported."""
    lines: list[str] = []
    arguments: dict[str, Any] = {
        "password": PASSWORD,
        "allow_cidr": CIDR,
        "config_path": config,
        "session": session,
        "report": lines.append,
        "poll_seconds": 0,
    }
    cluster_up(spec, **{**arguments, **overrides})
    return lines


def down(
    session: boto3.Session, *, spec: ClusterSpec | ServerlessSpec = SPEC, **overrides: Any
) -> list[str]:
    """cluster_down as the tests use it; the lines it reported."""
    lines: list[str] = []
    cluster_down(spec, session=session, report=lines.append, poll_seconds=0, **overrides)
    return lines


def clusters(session: boto3.Session) -> list[dict[str, Any]]:
    return session.client("redshift").describe_clusters()["Clusters"]


def roles(session: boto3.Session) -> list[str]:
    return [role["RoleName"] for role in session.client("iam").list_roles()["Roles"]]


def groups(session: boto3.Session, name: str = SPEC.security_group_name) -> list[dict[str, Any]]:
    return session.client("ec2").describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [name]}]
    )["SecurityGroups"]


def ingress(group: dict[str, Any]) -> list[tuple[str, int, int, str]]:
    return [
        (rule["IpProtocol"], rule.get("FromPort"), rule.get("ToPort"), cidr)
        for rule in group["IpPermissions"]
        for cidr in [r["CidrIp"] for r in rule["IpRanges"]]
        + [r["CidrIpv6"] for r in rule["Ipv6Ranges"]]
    ]


def allowed(session: boto3.Session) -> dict[str, list[str]]:
    """What the role's inline policy allows: each action, and the resources it applies to."""
    document = session.client("iam").get_role_policy(
        RoleName=SPEC.role_name, PolicyName=READ_POLICY_NAME
    )["PolicyDocument"]
    actions: dict[str, list[str]] = {}
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        named = statement["Action"]
        for action in [named] if isinstance(named, str) else named:
            actions.setdefault(action, []).extend(statement["Resource"])
    return actions


def role_policies(session: boto3.Session) -> tuple[list[str], list[str]]:
    """The role's inline policies and its attached (managed) ones."""
    iam = session.client("iam")
    inline = iam.list_role_policies(RoleName=SPEC.role_name)["PolicyNames"]
    attached = iam.list_attached_role_policies(RoleName=SPEC.role_name)["AttachedPolicies"]
    return inline, [policy["PolicyArn"] for policy in attached]


def on_call(session: boto3.Session, event: str, handler: Callable[..., Any]) -> None:
    """Run `handler` on every `event` of clients the session makes from now on."""
    session.events.register(event, handler)


def create_cluster_requests(session: boto3.Session) -> list[dict[str, Any]]:
    """The parameters of every create_cluster call the session's clients make from now on."""
    requests: list[dict[str, Any]] = []
    on_call(
        session,
        "provide-client-params.redshift.CreateCluster",
        lambda params, **_: requests.append(dict(params)),
    )
    return requests


def describe_reports(session: boto3.Session, statuses: list[str]) -> None:
    """The next describe_clusters answers say these statuses, as a real cluster's would."""
    pending = list(statuses)

    def rewrite(parsed: dict[str, Any], **_: Any) -> None:
        if pending and parsed.get("Clusters"):
            parsed["Clusters"][0]["ClusterStatus"] = pending.pop(0)

    on_call(session, "after-call.redshift.DescribeClusters", rewrite)


def fail(operation: str, code: str, message: str = "simulated") -> Callable[..., None]:
    def raise_error(**_: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": message}}, operation)

    return raise_error


def fail_once(
    session: boto3.Session, operation: str, code: str, message: str = "simulated"
) -> None:
    calls: list[int] = []

    def maybe(**kwargs: Any) -> None:
        if not calls:
            calls.append(1)
            fail(operation, code, message)(**kwargs)

    on_call(session, f"before-call.{operation}", maybe)


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


# --- what is refused before anything is created ----------------------------------------------


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Sh0rt", "8 to 64 characters"),
        ("Aa1" * 22, "8 to 64 characters"),
        ("sparkify2024pw", "uppercase letter"),
        ("SPARKIFY2024PW", "lowercase letter"),
        ("SparkifyPassword", "digit"),
        ("Sparkify2024@pw", "must not contain"),
        ("Sparkify 2024pw", "must not contain"),
        ("Sparkify'2024pw", "must not contain"),
        ('Sparkify"2024pw', "must not contain"),
        ("Sparkify\\2024pw", "must not contain"),
        ("Sparkify/2024pw", "must not contain"),
        ("Sparkify2024pwé", "printable ASCII"),
    ],
)
def test_a_weak_password_is_refused_before_anything_is_created(
    aws: boto3.Session, tmp_path: Path, password: str, rule: str
):
    lines: list[str] = []
    with pytest.raises(ClusterSpecError, match=rule) as refused:
        up(aws, tmp_path / "dwh.cfg", password=password, report=lines.append)
    assert password not in str(refused.value)
    assert lines == []
    assert (roles(aws), groups(aws), clusters(aws)) == ([], [], [])


def test_the_password_appears_in_no_report_line_error_or_dwh_cfg(
    aws: boto3.Session, tmp_path: Path
):
    lines: list[str] = []
    fail_once(aws, "redshift.CreateCluster", "InvalidParameterValue")
    with pytest.raises(ClientError) as failed:
        up(aws, tmp_path / "dwh.cfg", report=lines.append)
    up(aws, tmp_path / "dwh.cfg", report=lines.append)
    cluster_down(SPEC, session=aws, report=lines.append, poll_seconds=0)

    assert PASSWORD not in str(failed.value)
    assert len(lines) > 10
    assert not [line for line in lines if PASSWORD in line]
    assert PASSWORD not in (tmp_path / "dwh.cfg").read_text()


@pytest.mark.parametrize("anywhere", ["0.0.0.0/0", "::/0"])
def test_the_whole_internet_is_refused_unless_allow_anywhere(
    aws: boto3.Session, tmp_path: Path, anywhere: str
):
    with pytest.raises(ClusterSpecError, match="whole internet"):
        up(aws, tmp_path / "dwh.cfg", allow_cidr=anywhere)
    assert (roles(aws), groups(aws)) == ([], [])

    up(aws, tmp_path / "dwh.cfg", allow_cidr=anywhere, allow_anywhere=True)
    assert [rule[3] for rule in ingress(groups(aws)[0])] == [anywhere]


@pytest.mark.parametrize("cidr", ["", "my laptop", "203.0.113.300", "203.0.113.0/33"])
def test_a_network_that_is_not_an_address_is_refused(aws: boto3.Session, tmp_path: Path, cidr: str):
    with pytest.raises(ClusterSpecError, match="is not an IP address or CIDR block"):
        up(aws, tmp_path / "dwh.cfg", allow_cidr=cidr)
    assert roles(aws) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"nodes": 0}, "a new ra3.large cluster has 1 to 16 nodes, not 0"),
        ({"nodes": 17}, "a new ra3.large cluster has 1 to 16 nodes, not 17"),
        ({"node_type": "ra3.4xlarge", "nodes": 1}, "has 2 to 32 nodes, not 1"),
        ({"node_type": "ra3.16xlarge", "nodes": 129}, "has 2 to 128 nodes"),
        ({"node_type": "rg.xlarge", "nodes": 0}, "has at least 1 nodes"),
        ({"node_type": "dc2.large"}, "no longer provisions dc2.large for new clusters"),
        ({"node_type": "dc2.8xlarge"}, "no longer provisions dc2.8xlarge"),
        ({"node_type": "ds2.xlarge"}, "no longer provisions ds2.xlarge"),
        ({"identifier": "Sparkify"}, "lowercase letters, digits and hyphens"),
        ({"identifier": "spark_ify"}, "lowercase letters, digits and hyphens"),
        ({"identifier": "1sparkify"}, "start with a letter"),
        ({"identifier": "spark--ify"}, "two hyphens in a row"),
        ({"identifier": "sparkify-"}, "end with a hyphen"),
        ({"identifier": "s" * 64}, "1 to 63 characters"),
        ({"identifier": ""}, "1 to 63 characters"),
    ],
)
def test_a_spec_redshift_would_refuse_is_refused(fields: dict[str, Any], message: str):
    with pytest.raises(ClusterSpecError, match=message):
        ClusterSpec(**fields)


def test_the_default_is_two_ra3_large_nodes_and_the_largest_counts_are_accepted():
    assert (SPEC.node_type, SPEC.nodes, SPEC.cluster_type) == ("ra3.large", 2, "multi-node")
    assert ClusterSpec(nodes=16).nodes == 16
    assert ClusterSpec(node_type="ra3.16xlarge", nodes=128).nodes == 128
    assert ClusterSpec(identifier="s" + "-a" * 31).identifier.endswith("-a")


def test_the_cost_is_known_for_ra3_node_types_and_unknown_otherwise(
    aws: boto3.Session, tmp_path: Path
):
    assert hourly_cost(ClusterSpec()) == pytest.approx(1.086)
    assert hourly_cost(ClusterSpec(node_type="ra3.4xlarge", nodes=2)) == pytest.approx(6.52)
    assert hourly_cost(ClusterSpec(node_type="ra3.16xlarge", nodes=2)) == pytest.approx(26.08)
    assert hourly_cost(ClusterSpec(node_type="rg.xlarge")) is None
    lines = up(aws, tmp_path / "dwh.cfg", spec=ClusterSpec(node_type="rg.xlarge"))
    assert lines[0].startswith("Cost: unknown for rg.xlarge")


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


def test_up_refuses_to_overwrite_a_hand_written_dwh_cfg_before_creating_anything(
    aws: boto3.Session, tmp_path: Path
) -> None:
    config = tmp_path / "dwh.cfg"
    config.write_text("[CLUSTER]\nDB_PASSWORD='kept by the seed project'\n")
    with pytest.raises(DwhConfigError, match="not written by `sparkify cluster up`"):
        up(aws, config)
    assert clusters(aws) == [] and roles(aws) == []
    assert "kept by the seed project" in config.read_text()
