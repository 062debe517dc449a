"""A provisioned Redshift cluster: create it (or reuse the one there), wait for it, delete it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from sparkify_assets.aws.common import (
    ClusterError,
    Endpoint,
    Report,
    Waiting,
    WarehouseState,
    Watched,
    error_code,
)
from sparkify_assets.aws.spec import ClusterSpec


@dataclass(frozen=True)
class ProvisionedCluster:
    """A cluster paid for by the node-hour; `redshift` is `session.client("redshift")`."""

    redshift: Any
    spec: ClusterSpec

    @property
    def watched(self) -> Watched:
        return Watched(self.spec.label, self._describe, "ClusterStatus")

    def ensure(self, password: str | None, role_arn: str, group_id: str, wait: Waiting) -> Endpoint:
        """Create the cluster unless it exists (waiting out one being deleted), then wait until
        it is available. Without a password, AWS keeps the admin's in Secrets Manager
        (ManageMasterPassword) and people sign in with IAM:
        https://docs.aws.amazon.com/redshift/latest/APIReference/API_CreateCluster.html"""
        spec = self.spec
        cluster = wait.past_deletion(self.watched)
        if cluster is None:
            admin = {"MasterUserPassword": password} if password else {"ManageMasterPassword": True}
            self.redshift.create_cluster(
                ClusterIdentifier=spec.identifier,
                NodeType=spec.node_type,
                ClusterType=spec.cluster_type,
                # NumberOfNodes only for multi-node; single-node leaves it out (API reference)
                **({"NumberOfNodes": spec.nodes} if spec.nodes > 1 else {}),
                DBName=spec.database,
                MasterUsername=spec.user,
                **admin,
                Port=spec.port,
                IamRoles=[role_arn],
                VpcSecurityGroupIds=[group_id],
                PubliclyAccessible=True,
            )
            wait.report(
                f"{spec.label}: creating {spec.nodes} x {spec.node_type} "
                "(usually takes 5 to 15 minutes)"
            )
        else:
            wait.report(
                f"{spec.label}: exists ({cluster['ClusterStatus']}, "
                f"{cluster.get('NumberOfNodes')} x {cluster.get('NodeType')}); reusing it as it is"
            )
            self._warn_about_differences(cluster, role_arn, group_id, wait.report)
        cluster = wait.until(self.watched, "available")
        if not cluster or not cluster.get("Endpoint"):
            raise ClusterError(f"{spec.label} is available but has no endpoint yet")
        return Endpoint(
            host=cluster["Endpoint"]["Address"],
            port=int(cluster["Endpoint"]["Port"]),
            database=cluster.get("DBName", spec.database),
            user=cluster.get("MasterUsername", spec.user),
        )

    def delete(self, final_snapshot: str | None, wait: Waiting) -> None:
        """Ask for the deletion, keeping a snapshot if one is named, and wait until it is gone."""
        snapshot: dict[str, Any] = (
            {"SkipFinalClusterSnapshot": False, "FinalClusterSnapshotIdentifier": final_snapshot}
            if final_snapshot
            else {"SkipFinalClusterSnapshot": True}
        )
        kept = f"keeping final snapshot {final_snapshot}" if final_snapshot else "no final snapshot"
        wait.deletion(
            self.watched,
            lambda: self.redshift.delete_cluster(
                ClusterIdentifier=self.spec.identifier, **snapshot
            ),
            f"deletion requested, {kept}",
            gone_code="ClusterNotFound",
        )

    def state(self) -> WarehouseState:
        cluster = self._describe() or {}
        endpoint = cluster.get("Endpoint") or {}
        return WarehouseState(
            label=self.spec.label,
            status=self.watched.status(cluster or None),
            host=endpoint.get("Address"),
            port=endpoint.get("Port"),
            size=f"{cluster['NumberOfNodes']} x {cluster['NodeType']}" if cluster else None,
        )

    def _warn_about_differences(
        self, cluster: dict[str, Any], role_arn: str, group_id: str, report: Report
    ) -> None:
        """A reused cluster is not changed; say where it differs so nobody pays for a surprise."""
        spec = self.spec
        if (cluster.get("NodeType"), cluster.get("NumberOfNodes")) != (spec.node_type, spec.nodes):
            report(
                f"  note: asked for {spec.nodes} x {spec.node_type}; run `sparkify cluster down` "
                "first to get that"
            )
        if role_arn not in [role.get("IamRoleArn") for role in cluster.get("IamRoles", [])]:
            report(f"  note: the cluster does not use {role_arn}, so COPY from S3 may be refused")
        groups = [group.get("VpcSecurityGroupId") for group in cluster.get("VpcSecurityGroups", [])]
        if group_id not in groups:
            report(
                f"  note: the cluster is not in security group {group_id}, so it may be unreachable"
            )

    def _describe(self) -> dict[str, Any] | None:
        try:
            return self.redshift.describe_clusters(ClusterIdentifier=self.spec.identifier)[
                "Clusters"
            ][0]
        except ClientError as error:
            if error_code(error) == "ClusterNotFound":
                return None
            raise
