"""The operator's AWS: the resources behind `sparkify cluster up|status|down` (an IAM role
Redshift assumes to read the S3 source, a security group that lets one network reach the
warehouse, and the warehouse itself, a provisioned RA3 cluster or a Redshift Serverless namespace
and workgroup), and `sparkify redshift preflight`, the probes of what the docs leave open.

One module a concern: `spec` (what is asked for, checked, and priced), `iam`, `network`,
`provisioned`, `serverless`, `common` (errors and the one way of waiting), `commands` (the
three commands for either kind) and `preflight`.
"""

from sparkify_assets.aws.commands import (
    DEFAULT_SOURCE,
    ClusterInfo,
    ClusterStatus,
    cluster_down,
    cluster_status,
    cluster_up,
)
from sparkify_assets.aws.common import ABSENT, ClusterError, ClusterSpecError
from sparkify_assets.aws.iam import READ_POLICY_NAME, S3_READ_POLICY_ARN, read_policy
from sparkify_assets.aws.spec import (
    NODE_HOURLY_USD,
    RPU_HOUR_USD,
    ClusterSpec,
    ServerlessSpec,
    hourly_cost,
    spec_from_options,
)

__all__ = [
    "ABSENT",
    "DEFAULT_SOURCE",
    "NODE_HOURLY_USD",
    "READ_POLICY_NAME",
    "RPU_HOUR_USD",
    "S3_READ_POLICY_ARN",
    "ClusterError",
    "ClusterInfo",
    "ClusterSpec",
    "ClusterSpecError",
    "ClusterStatus",
    "ServerlessSpec",
    "cluster_down",
    "cluster_status",
    "cluster_up",
    "hourly_cost",
    "read_policy",
    "spec_from_options",
]
