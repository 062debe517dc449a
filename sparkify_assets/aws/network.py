"""The security group that lets one network reach the warehouse's port, and the default VPC's
subnets a Serverless workgroup is placed in."""

from __future__ import annotations

import ipaddress
from typing import Any

from botocore.exceptions import ClientError

from sparkify_assets.aws.common import ClusterError, Report, Waiting, error_code
from sparkify_assets.aws.spec import WarehouseSpec


def ensure_security_group(
    ec2: Any,
    spec: WarehouseSpec,
    network: ipaddress.IPv4Network | ipaddress.IPv6Network,
    report: Report,
) -> str:
    """A group of its own lets exactly one network reach the port, and nothing else."""
    vpc_id = _required_default_vpc(ec2, spec.region)
    group = find_group(ec2, spec.security_group_name, vpc_id)
    if group is None:
        group_id = ec2.create_security_group(
            GroupName=spec.security_group_name,
            Description=f"Redshift port {spec.port} for sparkify",
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
        if error_code(error) != "InvalidPermission.Duplicate":
            raise
    report(f"Security group {spec.security_group_name}: port {spec.port} open to {network} only")
    return group_id


def serverless_subnets(ec2: Any, region: str) -> list[str]:
    """The default VPC's subnets. A workgroup needs at least three subnets in three Availability
    Zones (in us-west-1: two zones), https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-usage-considerations.html"""
    vpc_id = _required_default_vpc(ec2, region)
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    zones_needed = 2 if region == "us-west-1" else 3
    zones = {subnet["AvailabilityZone"] for subnet in subnets}
    if len(subnets) < 3 or len(zones) < zones_needed:
        raise ClusterError(
            f"the default VPC in {region} has {len(subnets)} subnets in {len(zones)} Availability "
            f"Zones; a Serverless workgroup needs at least 3 subnets in {zones_needed} zones "
            "(add a default subnet with `aws ec2 create-default-subnet --availability-zone …`)"
        )
    return sorted(subnet["SubnetId"] for subnet in subnets)


def default_vpc_id(ec2: Any) -> str | None:
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    return vpcs[0]["VpcId"] if vpcs else None


def find_group(ec2: Any, name: str, vpc_id: str | None) -> dict[str, Any] | None:
    if vpc_id is None:
        return None
    groups = ec2.describe_security_groups(
        Filters=[
            {"Name": "group-name", "Values": [name]},
            {"Name": "vpc-id", "Values": [vpc_id]},
        ]
    )["SecurityGroups"]
    return groups[0] if groups else None


def ingress_cidrs(group: dict[str, Any], port: int) -> list[str]:
    return [
        cidr
        for rule in group.get("IpPermissions", [])
        if _covers(rule, port)
        for cidr in _rule_cidrs(rule)
    ]


def delete_security_group(ec2: Any, name: str, wait: Waiting) -> None:
    """AWS can take a while to release a deleted warehouse's network interfaces, so a group
    still in use is retried until the timeout."""
    group = find_group(ec2, name, default_vpc_id(ec2))
    if group is None:
        wait.report(f"Security group {name}: already gone")
        return

    def deleted() -> bool:
        try:
            ec2.delete_security_group(GroupId=group["GroupId"])
        except ClientError as error:
            code = error_code(error)
            if code == "InvalidGroup.NotFound":
                return True
            if code != "DependencyViolation":
                raise
            return False
        return True

    wait.retry(deleted, f"Security group {name}: still in use by the old warehouse's network")
    wait.report(f"Security group {name}: deleted")


def _required_default_vpc(ec2: Any, region: str) -> str:
    vpc_id = default_vpc_id(ec2)
    if vpc_id is None:
        raise ClusterError(
            f"there is no default VPC in {region} to put the warehouse in; create one with "
            "`aws ec2 create-default-vpc`"
        )
    return vpc_id


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
