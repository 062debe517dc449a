"""How the tests of `sparkify cluster` drive it against moto's AWS (the `aws` fixture of
aws/conftest.py) and look at what exists afterwards: the spec, the password and the network
they use, `up` and `down` as called, the role, group and cluster found, and botocore hooks that
make AWS answer as a real cluster on its way would (moto makes one available, and deletes it,
at once)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from sparkify_assets.aws import (
    READ_POLICY_NAME,
    ClusterSpec,
    ServerlessSpec,
    cluster_down,
    cluster_up,
)

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
