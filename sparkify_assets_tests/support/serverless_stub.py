"""`sparkify cluster up|status|down --serverless` as the tests script it: Redshift Serverless
answered by botocore's Stubber (moto has no backend for it) with the shapes of the API reference
(https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/), every call `up`,
`status` and `down` make scripted in order with its parameters; `up` and `down` of a
workgroup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
from botocore.stub import ANY, Stubber

from sparkify_assets.aws import ServerlessSpec
from sparkify_assets_tests.support import cluster_aws
from sparkify_assets_tests.support.cluster_aws import PASSWORD

SPEC = ServerlessSpec()
ROLE_ARN = "arn:aws:iam::123456789012:role/sparkify-redshift-s3-read"  # in moto's account
HOST = "sparkify.123456789012.us-west-2.redshift-serverless.amazonaws.com"
NAMESPACE = {"namespaceName": "sparkify"}
WORKGROUP = {"workgroupName": "sparkify"}
CREATE_WORKGROUP = {
    **WORKGROUP,
    "namespaceName": "sparkify",
    "baseCapacity": 8,
    "port": 5439,
    "publiclyAccessible": True,
    "securityGroupIds": ANY,  # checked against moto's group after the call
    "subnetIds": ANY,  # and against moto's default subnets
}


class Serverless:
    """Scripts the stubbed client with answers shaped as the API reference's, and keeps what
    the code sent, each operation's last request."""

    def __init__(self, stubber: Stubber) -> None:
        self.stubber = stubber
        self.requests: dict[str, dict[str, Any]] = {}
        self.group_ids: list[str] = []  # the security group workgroup answers name

    def namespace(self, method: str, status: str | None, **expected: Any) -> None:
        """`method` answers with the namespace in `status`; None: it does not exist."""
        found = {
            "namespaceName": "sparkify",
            "namespaceArn": "arn:aws:redshift-serverless:us-west-2:123456789012:namespace/5b6d",
            "status": status,
            "dbName": "sparkify",
            "adminUsername": "sparkify",
            "iamRoles": [f"IamRole(applyStatus=in-sync, iamRoleArn={ROLE_ARN})"],
            "defaultIamRoleArn": ROLE_ARN,
        }
        self._answer(method, "namespace", found if status else None, expected)

    def workgroup(self, method: str, status: str | None, **expected: Any) -> None:
        found = {
            "workgroupName": "sparkify",
            "workgroupArn": "arn:aws:redshift-serverless:us-west-2:123456789012:workgroup/9c0e",
            "namespaceName": "sparkify",
            "status": status,
            "baseCapacity": 8,
            "port": 5439,
            "publiclyAccessible": True,
            "securityGroupIds": list(self.group_ids),
            "endpoint": {"address": HOST, "port": 5439},
        }
        self._answer(method, "workgroup", found if status else None, expected)

    def fresh_namespace(self, password: str | None = PASSWORD) -> None:
        admin = {"adminUserPassword": password} if password else {"manageAdminPassword": True}
        self.namespace(
            "create_namespace",
            "AVAILABLE",
            **NAMESPACE,
            dbName="sparkify",
            adminUsername="sparkify",
            **admin,
            iamRoles=[ROLE_ARN],
            defaultIamRoleArn=ROLE_ARN,
        )
        self.namespace("get_namespace", "AVAILABLE", **NAMESPACE)

    def fresh_workgroup(self) -> None:
        self.workgroup("create_workgroup", "CREATING", **CREATE_WORKGROUP)
        self.workgroup("get_workgroup", "CREATING", **WORKGROUP)
        self.workgroup("get_workgroup", "AVAILABLE", **WORKGROUP)

    def fresh_up(self, password: str | None = PASSWORD) -> None:
        """Nothing exists: look at both, create the namespace, wait, create the workgroup, wait."""
        self.workgroup("get_workgroup", None, **WORKGROUP)
        self.namespace("get_namespace", None, **NAMESPACE)
        self.fresh_namespace(password)
        self.fresh_workgroup()

    def both_deleted(self) -> None:
        """`down` of an available workgroup and namespace: the workgroup first."""
        self.workgroup("get_workgroup", "AVAILABLE", **WORKGROUP)
        self.workgroup("delete_workgroup", "DELETING", **WORKGROUP)
        self.workgroup("get_workgroup", "DELETING", **WORKGROUP)
        self.workgroup("get_workgroup", None, **WORKGROUP)
        self.namespace("get_namespace", "AVAILABLE", **NAMESPACE)
        self.namespace("delete_namespace", "DELETING", **NAMESPACE)
        self.namespace("get_namespace", None, **NAMESPACE)

    def _answer(
        self, method: str, key: str, found: dict[str, Any] | None, expected: dict[str, Any]
    ) -> None:
        if found is None:
            self.stubber.add_client_error(
                method,
                service_error_code="ResourceNotFoundException",
                service_message=f"{key} sparkify not found",
                http_status_code=404,
                expected_params=expected,
            )
        else:
            self.stubber.add_response(method, {key: found}, expected)


def up(session: boto3.Session, config: Path, **overrides: Any) -> list[str]:
    return cluster_aws.up(session, config, spec=SPEC, **overrides)


def down(session: boto3.Session, **overrides: Any) -> list[str]:
    return cluster_aws.down(session, spec=SPEC, **overrides)
