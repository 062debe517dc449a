"""`sparkify cluster up|status|down` for either kind: the IAM role, the security group, and a
provisioned cluster or a Serverless namespace and workgroup.

Every step looks at what already exists before it creates or deletes anything, so a run that
stopped halfway (or was interrupted) is finished by simply running the same command again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import boto3

from sparkify_assets.aws.common import ABSENT, Report, Waiting, WarehouseState
from sparkify_assets.aws.iam import S3Location, delete_role, ensure_role, role_arn
from sparkify_assets.aws.network import (
    default_vpc_id,
    delete_security_group,
    ensure_security_group,
    find_group,
    ingress_cidrs,
)
from sparkify_assets.aws.provisioned import ProvisionedCluster
from sparkify_assets.aws.serverless import ServerlessWarehouse
from sparkify_assets.aws.spec import (
    AnySpec,
    ServerlessSpec,
    check_password,
    cost_line,
    ingress_network,
)
from sparkify_assets.config.dwh_cfg import check_writable, write_dwh_cfg

DEFAULT_SOURCE = "s3://udacity-dend"


@dataclass(frozen=True)
class ClusterInfo:
    """What `up` built, as written to dwh.cfg."""

    kind: str  # provisioned or serverless
    identifier: str  # the cluster's, or the workgroup's name
    host: str
    port: int
    database: str
    user: str
    role_arn: str
    security_group_id: str
    config_path: Path


@dataclass(frozen=True)
class ClusterStatus:
    """What exists now, for a person deciding whether to run `up` or `down`."""

    warehouse: WarehouseState
    role_arn: str | None
    security_group_id: str | None
    ingress_cidrs: tuple[str, ...]

    def describe(self) -> str:
        warehouse = self.warehouse
        exists = warehouse.status != ABSENT
        size = f", {warehouse.size}" if exists else ""
        lines = [f"{warehouse.label}: {warehouse.status}{size}"]
        lines += [f"  {detail}" for detail in warehouse.details]
        if exists:
            endpoint = f"{warehouse.host}:{warehouse.port}" if warehouse.host else "no endpoint yet"
            lines.append(f"  endpoint:       {endpoint}")
        lines.append(f"  IAM role:       {self.role_arn or 'absent'}")
        if self.security_group_id is None:
            lines.append("  security group: absent")
        else:
            reach = ", ".join(self.ingress_cidrs) or "nobody"
            lines.append(f"  security group: {self.security_group_id}, open to {reach}")
        return "\n".join(lines)


def cluster_up(
    spec: AnySpec,
    *,
    password: str | None,
    allow_cidr: str,
    config_path: Path | str,
    source: str = DEFAULT_SOURCE,
    manifest_location: str | None = None,
    allow_anywhere: bool = False,
    session: boto3.Session | None = None,
    report: Report = print,
    poll_seconds: float = 15.0,
    timeout_seconds: float = 1800.0,
) -> ClusterInfo:
    """Create what is missing, wait for the warehouse, and write the settings the pipeline
    reads. The inputs are checked first, so a bad password, network or location creates
    nothing. Without a password, AWS manages the admin's and the pipeline signs in with IAM."""
    if password:
        check_password(password)
    network = ingress_network(allow_cidr, allow_anywhere=allow_anywhere, port=spec.port)
    readable = [S3Location.parse(source, "the source")]
    if manifest_location:
        readable.append(S3Location.parse(manifest_location, "the manifest location"))
    check_writable(Path(config_path))  # before anything costs money
    session = session or boto3.Session(region_name=spec.region)
    report(cost_line(spec))
    role = ensure_role(session.client("iam"), spec.role_name, readable, report)
    group_id = ensure_security_group(session.client("ec2"), spec, network, report)
    wait = Waiting(report, poll_seconds, timeout_seconds)
    endpoint = _warehouse(spec, session).ensure(password or None, role, group_id, wait)
    info = ClusterInfo(
        kind=spec.kind,
        identifier=spec.name,
        host=endpoint.host,
        port=endpoint.port,
        database=endpoint.database,
        user=endpoint.user,
        role_arn=role,
        security_group_id=group_id,
        config_path=Path(config_path),
    )
    write_dwh_cfg(
        info.config_path,
        {
            **spec.sign_in_settings(),
            "REDSHIFT_HOST": info.host,
            "REDSHIFT_PORT": str(info.port),
            "REDSHIFT_DB": info.database,
            "REDSHIFT_USER": info.user,
            "SPARKIFY_IAM_ROLE_ARN": info.role_arn,
            "SPARKIFY_SOURCE": source.rstrip("/"),
        },
    )
    sign_in = (
        "the password is not in it, keep it in REDSHIFT_PASSWORD"
        if password
        else "AWS keeps the admin password in Secrets Manager: leave REDSHIFT_PASSWORD unset "
        "and the pipeline signs in with IAM"
    )
    report(f"Wrote {info.config_path} for {info.host}:{info.port}; {sign_in}.")
    return info


def cluster_status(spec: AnySpec, session: boto3.Session | None = None) -> ClusterStatus:
    """What exists now, of the warehouse, the role and the security group."""
    session = session or boto3.Session(region_name=spec.region)
    ec2 = session.client("ec2")
    group = find_group(ec2, spec.security_group_name, default_vpc_id(ec2))
    return ClusterStatus(
        warehouse=_warehouse(spec, session).state(),
        role_arn=role_arn(session.client("iam"), spec.role_name),
        security_group_id=group["GroupId"] if group else None,
        ingress_cidrs=tuple(ingress_cidrs(group, spec.port)) if group else (),
    )


def cluster_down(
    spec: AnySpec,
    *,
    session: boto3.Session | None = None,
    report: Report = print,
    poll_seconds: float = 15.0,
    timeout_seconds: float = 1800.0,
    final_snapshot: str | None = None,
) -> None:
    """Delete the warehouse, then its security group and role, in the order AWS allows. Whatever
    is already gone is skipped, so a second run finishes what a failed one started."""
    session = session or boto3.Session(region_name=spec.region)
    wait = Waiting(report, poll_seconds, timeout_seconds)
    _warehouse(spec, session).delete(final_snapshot, wait)
    delete_security_group(session.client("ec2"), spec.security_group_name, wait)
    delete_role(session.client("iam"), spec.role_name, report)
    report("dwh.cfg was left as it is: delete it by hand if you no longer need it.")


def _warehouse(spec: AnySpec, session: boto3.Session) -> ProvisionedCluster | ServerlessWarehouse:
    if isinstance(spec, ServerlessSpec):
        return ServerlessWarehouse(
            session.client("redshift-serverless"), session.client("ec2"), spec
        )
    return ProvisionedCluster(session.client("redshift"), spec)
