"""Redshift Serverless: a namespace (the database, its admin and IAM roles) and a workgroup (the
compute, its network and base capacity), created, waited for and deleted as the provisioned
cluster is. API reference:
https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/API_CreateNamespace.html and
https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/API_CreateWorkgroup.html
"""

from __future__ import annotations

from collections.abc import Callable
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
from sparkify_assets.aws.network import serverless_subnets
from sparkify_assets.aws.spec import ServerlessSpec

NOT_FOUND = "ResourceNotFoundException"


@dataclass(frozen=True)
class ServerlessWarehouse:
    """`client` is `session.client("redshift-serverless")`, so a test can hand in a stubbed one."""

    client: Any
    ec2: Any
    spec: ServerlessSpec

    @property
    def namespace(self) -> Watched:
        return Watched(f"Namespace {self.spec.namespace}", self._get_namespace, "status")

    @property
    def workgroup(self) -> Watched:
        return Watched(self.spec.label, self._get_workgroup, "status")

    def ensure(self, password: str | None, role_arn: str, group_id: str, wait: Waiting) -> Endpoint:
        """Create what is missing, namespace first (a workgroup belongs to one), after waiting
        out either being deleted; then wait until the workgroup is available."""
        spec = self.spec
        workgroup = wait.past_deletion(self.workgroup)
        # Checked before anything is created: a VPC with too few zones can't hold a workgroup.
        subnets = serverless_subnets(self.ec2, spec.region) if workgroup is None else []
        namespace = wait.past_deletion(self.namespace)
        if namespace is None:
            # Without a password AWS keeps the admin's in Secrets Manager (manageAdminPassword),
            # and people sign in with IAM (redshift-serverless.get_credentials).
            admin = {"adminUserPassword": password} if password else {"manageAdminPassword": True}
            self.client.create_namespace(
                namespaceName=spec.namespace,
                dbName=spec.database,
                adminUsername=spec.user,
                **admin,
                iamRoles=[role_arn],
                defaultIamRoleArn=role_arn,  # COPY … IAM_ROLE default would use it
            )
            wait.report(f"{self.namespace.label}: creating")
        else:
            wait.report(f"{self.namespace.label}: exists, reusing it as it is")
            if not any(role_arn in str(role) for role in namespace.get("iamRoles", [])):
                wait.report(
                    f"  note: the namespace does not use {role_arn}, so COPY may be refused"
                )
        namespace = wait.until(self.namespace, "available") or {}
        if workgroup is None:
            self.client.create_workgroup(
                workgroupName=spec.workgroup,
                namespaceName=spec.namespace,
                baseCapacity=spec.base_capacity,
                port=spec.port,
                publiclyAccessible=True,
                securityGroupIds=[group_id],
                subnetIds=subnets,
            )
            wait.report(
                f"{spec.label}: creating with a base capacity of {spec.base_capacity} RPUs "
                "(usually takes a few minutes)"
            )
        else:
            status = self.workgroup.status(workgroup)
            wait.report(f"{spec.label}: exists ({status}); reusing it as it is")
            self._warn_about_differences(workgroup, group_id, wait.report)
        workgroup = wait.until(self.workgroup, "available")
        endpoint = (workgroup or {}).get("endpoint") or {}
        if not endpoint.get("address"):
            raise ClusterError(f"{spec.label} is available but has no endpoint yet")
        return Endpoint(
            host=endpoint["address"],
            port=int(endpoint.get("port", spec.port)),
            database=namespace.get("dbName", spec.database),
            user=namespace.get("adminUsername", spec.user),
        )

    def delete(self, final_snapshot: str | None, wait: Waiting) -> None:
        """The workgroup first (it uses the namespace), then the namespace, each waited for."""
        wait.deletion(
            self.workgroup,
            lambda: self.client.delete_workgroup(workgroupName=self.spec.workgroup),
            "deletion requested",
            gone_code=NOT_FOUND,
        )
        snapshot = {"finalSnapshotName": final_snapshot} if final_snapshot else {}
        kept = f"keeping final snapshot {final_snapshot}" if final_snapshot else "no final snapshot"
        wait.deletion(
            self.namespace,
            lambda: self.client.delete_namespace(namespaceName=self.spec.namespace, **snapshot),
            f"deletion requested, {kept}",
            gone_code=NOT_FOUND,
        )

    def state(self) -> WarehouseState:
        workgroup = self._get_workgroup()
        namespace = self._get_namespace()
        endpoint = (workgroup or {}).get("endpoint") or {}
        return WarehouseState(
            label=self.spec.label,
            status=self.workgroup.status(workgroup),
            host=endpoint.get("address"),
            port=endpoint.get("port"),
            size=f"base capacity {workgroup['baseCapacity']} RPUs" if workgroup else None,
            details=(f"namespace:      {self.spec.namespace}, {self.namespace.status(namespace)}",),
        )

    def _warn_about_differences(
        self, workgroup: dict[str, Any], group_id: str, report: Report
    ) -> None:
        """A reused workgroup is not changed; say where it differs from what was asked."""
        spec = self.spec
        if workgroup.get("namespaceName") != spec.namespace:
            report(f"  note: the workgroup serves namespace {workgroup.get('namespaceName')}")
        if workgroup.get("baseCapacity") != spec.base_capacity:
            report(
                f"  note: asked for a base capacity of {spec.base_capacity} RPUs, it has "
                f"{workgroup.get('baseCapacity')}; run `sparkify cluster down --serverless` first"
            )
        if group_id not in workgroup.get("securityGroupIds", []):
            report(
                f"  note: the workgroup is not in security group {group_id}, so it may be "
                "unreachable"
            )

    def _get_namespace(self) -> dict[str, Any] | None:
        return _found(self.client.get_namespace, "namespace", namespaceName=self.spec.namespace)

    def _get_workgroup(self) -> dict[str, Any] | None:
        return _found(self.client.get_workgroup, "workgroup", workgroupName=self.spec.workgroup)


def _found(get: Callable[..., dict[str, Any]], key: str, **name: str) -> dict[str, Any] | None:
    """What `get` answers under `key`; None for something that does not exist."""
    try:
        return get(**name)[key]
    except ClientError as error:
        if error_code(error) == NOT_FOUND:
            return None
        raise
