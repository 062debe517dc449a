"""The AWS resources behind `sparkify cluster up|status|down`: an IAM role Redshift assumes to
read S3, a security group that lets one network reach the cluster, and the cluster itself.

Every step looks at what already exists before it creates or deletes anything, so a run that
stopped halfway (or was interrupted) is finished by simply running the same command again.
"""

from __future__ import annotations

import ipaddress
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from .dwh_config import check_writable, write_dwh_cfg

S3_READ_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
REDSHIFT_PRINCIPAL = "redshift.amazonaws.com"
PRICE_REGION = "us-west-2"
# On-demand USD per node-hour in PRICE_REGION; only for the estimate printed before creating.
NODE_HOURLY_USD = {
    "dc2.large": 0.25,
    "dc2.8xlarge": 4.80,
    "ra3.large": 0.543,
    "ra3.xlplus": 1.086,
    "ra3.4xlarge": 3.26,
}
ABSENT = "absent"
_PASSWORD_FORBIDDEN = frozenset("'\"\\/@ ")

Report = Callable[[str], object]


class ClusterSpecError(ValueError):
    """An argument AWS would refuse or that would be unsafe, caught before anything is created."""


class ClusterError(RuntimeError):
    """The account is in a state `cluster up` can't build on; the message says what to change."""


@dataclass(frozen=True)
class ClusterSpec:
    identifier: str = "sparkify"
    node_type: str = "dc2.large"
    nodes: int = 4
    database: str = "sparkify"
    user: str = "sparkify"
    port: int = 5439
    role_name: str = "sparkify-redshift-s3-read"
    security_group_name: str = "sparkify-redshift"
    region: str = "us-west-2"

    def __post_init__(self) -> None:
        if self.nodes < 1:
            raise ClusterSpecError(f"a cluster needs at least 1 node, not {self.nodes}")
        if problem := _identifier_problem(self.identifier):
            raise ClusterSpecError(f"cluster identifier {self.identifier!r} {problem}")

    @property
    def cluster_type(self) -> str:
        return "single-node" if self.nodes == 1 else "multi-node"


@dataclass(frozen=True)
class ClusterInfo:
    identifier: str
    host: str
    port: int
    database: str
    user: str
    role_arn: str
    security_group_id: str
    config_path: Path


@dataclass(frozen=True)
class ClusterStatus:
    identifier: str
    status: str  # Redshift's ClusterStatus, or ABSENT
    host: str | None
    port: int | None
    node_type: str | None
    nodes: int | None
    role_arn: str | None
    security_group_id: str | None
    ingress_cidrs: tuple[str, ...]

    def describe(self) -> str:
        if self.status == ABSENT:
            lines = [f"Cluster {self.identifier}: absent"]
        else:
            endpoint = f"{self.host}:{self.port}" if self.host else "no endpoint yet"
            lines = [
                f"Cluster {self.identifier}: {self.status}, {self.nodes} x {self.node_type}",
                f"  endpoint:       {endpoint}",
            ]
        lines.append(f"  IAM role:       {self.role_arn or 'absent'}")
        if self.security_group_id is None:
            lines.append("  security group: absent")
        else:
            reach = ", ".join(self.ingress_cidrs) or "nobody"
            lines.append(f"  security group: {self.security_group_id}, open to {reach}")
        return "\n".join(lines)


def cluster_up(
    spec: ClusterSpec,
    *,
    password: str,
    allow_cidr: str,
    config_path: Path | str,
    source: str = "s3://udacity-dend",
    allow_anywhere: bool = False,
    session: boto3.Session | None = None,
    report: Report = print,
    poll_seconds: float = 15.0,
    timeout_seconds: float = 1800.0,
) -> ClusterInfo:
    """Create what is missing, wait for the cluster, and write the settings the pipeline reads.
    The inputs are checked first, so a bad password or network creates nothing."""
    _check_password(password)
    network = _ingress_network(allow_cidr, allow_anywhere=allow_anywhere, port=spec.port)
    check_writable(Path(config_path))  # before anything costs money
    session = session or boto3.Session(region_name=spec.region)
    report(_cost_line(spec))
    role_arn = _ensure_role(session.client("iam"), spec.role_name, report)
    group_id = _ensure_security_group(session.client("ec2"), spec, network, report)
    redshift = session.client("redshift")
    wait = _Waiting(report, poll_seconds, timeout_seconds)
    _ensure_cluster(redshift, spec, password, role_arn, group_id, wait)
    cluster = wait.until(redshift, spec.identifier, "available")
    if not cluster or not cluster.get("Endpoint"):
        raise ClusterError(f"cluster {spec.identifier} is available but has no endpoint yet")
    info = ClusterInfo(
        identifier=spec.identifier,
        host=cluster["Endpoint"]["Address"],
        port=int(cluster["Endpoint"]["Port"]),
        database=cluster.get("DBName", spec.database),
        user=cluster.get("MasterUsername", spec.user),
        role_arn=role_arn,
        security_group_id=group_id,
        config_path=Path(config_path),
    )
    _write_config(info, source)
    report(
        f"Wrote {info.config_path} for {info.host}:{info.port}; the password is not in it, "
        "keep it in REDSHIFT_PASSWORD."
    )
    return info


def cluster_status(spec: ClusterSpec, session: boto3.Session | None = None) -> ClusterStatus:
    """What exists now, for a person deciding whether to run `up` or `down`."""
    session = session or boto3.Session(region_name=spec.region)
    cluster = _describe(session.client("redshift"), spec.identifier) or {}
    ec2 = session.client("ec2")
    group = _find_group(ec2, spec.security_group_name, _default_vpc_id(ec2))
    endpoint = cluster.get("Endpoint") or {}
    return ClusterStatus(
        identifier=spec.identifier,
        status=cluster.get("ClusterStatus", ABSENT),
        host=endpoint.get("Address"),
        port=endpoint.get("Port"),
        node_type=cluster.get("NodeType"),
        nodes=cluster.get("NumberOfNodes"),
        role_arn=_role_arn(session.client("iam"), spec.role_name),
        security_group_id=group["GroupId"] if group else None,
        ingress_cidrs=tuple(_ingress_cidrs(group, spec.port)) if group else (),
    )


def cluster_down(
    spec: ClusterSpec,
    *,
    session: boto3.Session | None = None,
    report: Report = print,
    poll_seconds: float = 15.0,
    timeout_seconds: float = 1800.0,
    final_snapshot: str | None = None,
) -> None:
    """Delete the cluster (it costs money by the hour), then its group and role. Whatever is
    already gone is skipped, so a second run finishes what a failed one started."""
    session = session or boto3.Session(region_name=spec.region)
    redshift = session.client("redshift")
    wait = _Waiting(report, poll_seconds, timeout_seconds)
    _delete_cluster(redshift, spec.identifier, final_snapshot, report)
    wait.until(redshift, spec.identifier, ABSENT)
    _delete_security_group(session.client("ec2"), spec.security_group_name, wait)
    _delete_role(session.client("iam"), spec.role_name, report)
    report("dwh.cfg was left as it is: delete it by hand if you no longer need it.")


def hourly_cost(spec: ClusterSpec) -> float | None:
    """On-demand USD per hour in PRICE_REGION, or None for a node type not in the list."""
    price = NODE_HOURLY_USD.get(spec.node_type)
    return None if price is None else price * spec.nodes


# --- checks made before anything is created ---------------------------------------------------


def _identifier_problem(identifier: str) -> str | None:
    if not 1 <= len(identifier) <= 63:
        return "must be 1 to 63 characters long"
    if not re.fullmatch(r"[a-z0-9-]+", identifier):
        return "may only hold lowercase letters, digits and hyphens"
    if not identifier[0].isalpha():
        return "must start with a letter"
    if "--" in identifier:
        return "must not contain two hyphens in a row"
    if identifier.endswith("-"):
        return "must not end with a hyphen"
    return None


def _check_password(password: str) -> None:
    """Redshift's rules, checked here so that AWS never rejects a cluster halfway through `up`.
    The messages name the rule only: the password itself must not reach a terminal or log."""
    rules = [
        (8 <= len(password) <= 64, "must be 8 to 64 characters long"),
        (any(c.isupper() for c in password), "must contain an uppercase letter"),
        (any(c.islower() for c in password), "must contain a lowercase letter"),
        (any(c.isdigit() for c in password), "must contain a digit"),
        (
            not _PASSWORD_FORBIDDEN.intersection(password),
            "must not contain ' \" \\ / @ or a space",
        ),
        (
            all(33 <= ord(c) <= 126 for c in password if c != " "),
            "may only contain printable ASCII characters",
        ),
    ]
    for passed, rule in rules:
        if not passed:
            raise ClusterSpecError(f"the master user password {rule}")


def _ingress_network(
    allow_cidr: str, *, allow_anywhere: bool, port: int
) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        network = ipaddress.ip_network(allow_cidr.strip(), strict=False)
    except ValueError:
        raise ClusterSpecError(
            f"{allow_cidr!r} is not an IP address or CIDR block (e.g. 203.0.113.7 or "
            "203.0.113.0/24)"
        ) from None
    if network.prefixlen == 0 and not allow_anywhere:
        raise ClusterSpecError(
            f"{network} would let the whole internet reach port {port} and try passwords "
            "against the master user; give your own address, or allow_anywhere "
            "(--allow-anywhere) if you really mean it"
        )
    return network


def _cost_line(spec: ClusterSpec) -> str:
    cost = hourly_cost(spec)
    if cost is None:
        return (
            f"Cost: unknown for {spec.node_type} (not in the price list); see "
            "https://aws.amazon.com/redshift/pricing/"
        )
    where = f"{PRICE_REGION} price" + ("" if spec.region == PRICE_REGION else ", may differ")
    return (
        f"Cost: about ${cost:.2f}/hour on demand ({spec.nodes} x {spec.node_type} at "
        f"${NODE_HOURLY_USD[spec.node_type]:g}/node-hour, {where}) until `sparkify cluster down`"
    )


# --- IAM role -------------------------------------------------------------------------------


def _ensure_role(iam: Any, name: str, report: Report) -> str:
    """The role COPY uses to read S3; without the trust, Redshift can't assume it."""
    role = _get_role(iam, name)
    if role is None:
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": REDSHIFT_PRINCIPAL},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role = iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=json.dumps(trust),
            Description="Lets the sparkify Redshift cluster read S3 (sparkify cluster up)",
        )["Role"]
        report(f"IAM role {name}: created")
    elif REDSHIFT_PRINCIPAL not in json.dumps(role.get("AssumeRolePolicyDocument", "")):
        raise ClusterError(
            f"IAM role {name} exists but does not trust {REDSHIFT_PRINCIPAL}, so Redshift could "
            "not use it; delete it or let it trust Redshift"
        )
    else:
        report(f"IAM role {name}: exists, reusing it")
    iam.attach_role_policy(RoleName=name, PolicyArn=S3_READ_POLICY_ARN)  # no-op when attached
    return role["Arn"]


def _get_role(iam: Any, name: str) -> dict[str, Any] | None:
    try:
        return iam.get_role(RoleName=name)["Role"]
    except ClientError as error:
        if _code(error) == "NoSuchEntity":
            return None
        raise


def _role_arn(iam: Any, name: str) -> str | None:
    role = _get_role(iam, name)
    return role["Arn"] if role else None


def _delete_role(iam: Any, name: str, report: Report) -> None:
    try:
        iam.detach_role_policy(RoleName=name, PolicyArn=S3_READ_POLICY_ARN)
    except ClientError as error:
        if _code(error) != "NoSuchEntity":
            raise
    try:
        iam.delete_role(RoleName=name)
        report(f"IAM role {name}: deleted")
    except ClientError as error:
        if _code(error) != "NoSuchEntity":
            raise
        report(f"IAM role {name}: already gone")


# --- security group -------------------------------------------------------------------------


def _ensure_security_group(
    ec2: Any,
    spec: ClusterSpec,
    network: ipaddress.IPv4Network | ipaddress.IPv6Network,
    report: Report,
) -> str:
    """A group of its own lets exactly one network reach the port, and nothing else."""
    vpc_id = _default_vpc_id(ec2)
    if vpc_id is None:
        raise ClusterError(
            f"there is no default VPC in {spec.region} to put the cluster in; create one with "
            "`aws ec2 create-default-vpc`"
        )
    group = _find_group(ec2, spec.security_group_name, vpc_id)
    if group is None:
        group_id = ec2.create_security_group(
            GroupName=spec.security_group_name,
            Description=f"Redshift port {spec.port} for the sparkify cluster",
            VpcId=vpc_id,
        )["GroupId"]
        report(f"Security group {spec.security_group_name}: created ({group_id})")
    else:
        group_id = group["GroupId"]
        _revoke_other_networks(ec2, group, str(network), spec.port, report)
    try:
        ec2.authorize_security_group_ingress(
            GroupId=group_id, IpPermissions=[_permission(spec.port, spec.port, str(network))]
        )
    except ClientError as error:
        if _code(error) != "InvalidPermission.Duplicate":
            raise
    report(f"Security group {spec.security_group_name}: port {spec.port} open to {network} only")
    return group_id


def _revoke_other_networks(
    ec2: Any, group: dict[str, Any], keep: str, port: int, report: Report
) -> None:
    """An earlier `up` from another address left its network open; only the newest one stays."""
    for rule in group.get("IpPermissions", []):
        if not _covers(rule, port):
            continue
        for cidr in _rule_cidrs(rule):
            if cidr != keep:
                permission = _permission(rule.get("FromPort"), rule.get("ToPort"), cidr)
                permission["IpProtocol"] = rule["IpProtocol"]
                ec2.revoke_security_group_ingress(
                    GroupId=group["GroupId"], IpPermissions=[permission]
                )
                report(f"Security group {group['GroupName']}: closed to {cidr}")


def _permission(from_port: int | None, to_port: int | None, cidr: str) -> dict[str, Any]:
    ranges = (
        {"Ipv6Ranges": [{"CidrIpv6": cidr}]} if ":" in cidr else {"IpRanges": [{"CidrIp": cidr}]}
    )
    ports = {} if from_port is None else {"FromPort": from_port, "ToPort": to_port}
    return {"IpProtocol": "tcp", **ports, **ranges}


def _covers(rule: dict[str, Any], port: int) -> bool:
    if rule.get("IpProtocol") == "-1":
        return True
    return rule.get("IpProtocol") == "tcp" and rule["FromPort"] <= port <= rule["ToPort"]


def _rule_cidrs(rule: dict[str, Any]) -> list[str]:
    return [r["CidrIp"] for r in rule.get("IpRanges", [])] + [
        r["CidrIpv6"] for r in rule.get("Ipv6Ranges", [])
    ]


def _ingress_cidrs(group: dict[str, Any], port: int) -> list[str]:
    return [
        cidr
        for rule in group.get("IpPermissions", [])
        if _covers(rule, port)
        for cidr in _rule_cidrs(rule)
    ]


def _default_vpc_id(ec2: Any) -> str | None:
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    return vpcs[0]["VpcId"] if vpcs else None


def _find_group(ec2: Any, name: str, vpc_id: str | None) -> dict[str, Any] | None:
    if vpc_id is None:
        return None
    groups = ec2.describe_security_groups(
        Filters=[
            {"Name": "group-name", "Values": [name]},
            {"Name": "vpc-id", "Values": [vpc_id]},
        ]
    )["SecurityGroups"]
    return groups[0] if groups else None


def _delete_security_group(ec2: Any, name: str, wait: _Waiting) -> None:
    """AWS can take a while to release a deleted cluster's network interfaces, so a group
    still in use is retried until the timeout."""
    group = _find_group(ec2, name, _default_vpc_id(ec2))
    started = time.monotonic()
    while group is not None:
        try:
            ec2.delete_security_group(GroupId=group["GroupId"])
            wait.report(f"Security group {name}: deleted")
            return
        except ClientError as error:
            code = _code(error)
            if code == "InvalidGroup.NotFound":
                break
            if code != "DependencyViolation" or time.monotonic() - started >= wait.timeout_seconds:
                raise
        wait.report(f"Security group {name}: still in use by the old cluster's network; retrying")
        time.sleep(wait.poll_seconds)
    wait.report(f"Security group {name}: already gone")


# --- cluster --------------------------------------------------------------------------------


def _ensure_cluster(
    redshift: Any,
    spec: ClusterSpec,
    password: str,
    role_arn: str,
    group_id: str,
    wait: _Waiting,
) -> None:
    cluster = _describe(redshift, spec.identifier)
    if cluster is not None and cluster["ClusterStatus"] == "deleting":
        wait.report(f"Cluster {spec.identifier}: being deleted; waiting before creating it")
        wait.until(redshift, spec.identifier, ABSENT)
        cluster = None
    if cluster is None:
        redshift.create_cluster(
            ClusterIdentifier=spec.identifier,
            NodeType=spec.node_type,
            ClusterType=spec.cluster_type,
            **({"NumberOfNodes": spec.nodes} if spec.nodes > 1 else {}),
            DBName=spec.database,
            MasterUsername=spec.user,
            MasterUserPassword=password,
            Port=spec.port,
            IamRoles=[role_arn],
            VpcSecurityGroupIds=[group_id],
            PubliclyAccessible=True,
        )
        wait.report(
            f"Cluster {spec.identifier}: creating {spec.nodes} x {spec.node_type} "
            "(usually takes 5 to 15 minutes)"
        )
        return
    wait.report(
        f"Cluster {spec.identifier}: exists ({cluster['ClusterStatus']}, "
        f"{cluster.get('NumberOfNodes')} x {cluster.get('NodeType')}); reusing it as it is"
    )
    _warn_about_differences(cluster, spec, role_arn, group_id, wait.report)


def _warn_about_differences(
    cluster: dict[str, Any], spec: ClusterSpec, role_arn: str, group_id: str, report: Report
) -> None:
    """A reused cluster is not changed; say where it differs so nobody pays for a surprise."""
    if (cluster.get("NodeType"), cluster.get("NumberOfNodes")) != (spec.node_type, spec.nodes):
        report(
            f"  note: asked for {spec.nodes} x {spec.node_type}; run `sparkify cluster down` "
            "first to get that"
        )
    if role_arn not in [role.get("IamRoleArn") for role in cluster.get("IamRoles", [])]:
        report(f"  note: the cluster does not use {role_arn}, so COPY from S3 may be refused")
    if group_id not in [g.get("VpcSecurityGroupId") for g in cluster.get("VpcSecurityGroups", [])]:
        report(f"  note: the cluster is not in security group {group_id}, so it may be unreachable")


def _describe(redshift: Any, identifier: str) -> dict[str, Any] | None:
    try:
        return redshift.describe_clusters(ClusterIdentifier=identifier)["Clusters"][0]
    except ClientError as error:
        if _code(error) == "ClusterNotFound":
            return None
        raise


def _delete_cluster(
    redshift: Any, identifier: str, final_snapshot: str | None, report: Report
) -> None:
    cluster = _describe(redshift, identifier)
    if cluster is None or cluster["ClusterStatus"] == "deleting":
        return
    snapshot: dict[str, Any] = (
        {"SkipFinalClusterSnapshot": False, "FinalClusterSnapshotIdentifier": final_snapshot}
        if final_snapshot
        else {"SkipFinalClusterSnapshot": True}
    )
    try:
        redshift.delete_cluster(ClusterIdentifier=identifier, **snapshot)
    except ClientError as error:
        if _code(error) != "ClusterNotFound":
            raise
        return
    kept = f", keeping final snapshot {final_snapshot}" if final_snapshot else ", no final snapshot"
    report(f"Cluster {identifier}: deletion requested{kept}")


@dataclass(frozen=True)
class _Waiting:
    """How `up` and `down` wait: creating and deleting take minutes, so every look at the
    cluster is reported for a person to watch, and the wait has a limit."""

    report: Report
    poll_seconds: float
    timeout_seconds: float

    def until(self, redshift: Any, identifier: str, goal: str) -> dict[str, Any] | None:
        """The cluster once its status is `goal`; None once it is gone, for goal ABSENT."""
        started = time.monotonic()
        while True:
            cluster = _describe(redshift, identifier)
            status = cluster["ClusterStatus"] if cluster else ABSENT
            elapsed = time.monotonic() - started
            self.report(f"Cluster {identifier}: {status} after {elapsed:.0f} s")
            if status == goal:
                return cluster
            if cluster is None:
                raise ClusterError(f"cluster {identifier} disappeared while waiting for it")
            if elapsed >= self.timeout_seconds:
                raise TimeoutError(
                    f"cluster {identifier} is still {status} after {elapsed:.0f} s (limit "
                    f"{self.timeout_seconds:.0f} s); AWS carries on, so check with "
                    "`sparkify cluster status` and run the command again"
                )
            time.sleep(self.poll_seconds)


def _write_config(info: ClusterInfo, source: str) -> None:
    write_dwh_cfg(
        info.config_path,
        {
            "REDSHIFT_HOST": info.host,
            "REDSHIFT_PORT": str(info.port),
            "REDSHIFT_DB": info.database,
            "REDSHIFT_USER": info.user,
            "SPARKIFY_IAM_ROLE_ARN": info.role_arn,
            "SPARKIFY_SOURCE": source,
        },
    )


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")
