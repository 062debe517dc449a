"""What `sparkify cluster up` is asked to build, checked against the rules AWS documents before
anything is created, and what it costs.

Provisioned: RA3 only. AWS announced the deprecation of DC2 in April 2025 (AWS Big Data Blog,
"Amazon Redshift DC2 migration approach with a customer case study") and no longer provisions it
for new clusters: "Invalid node type: dc2.large. The dc2.large is not available for provisioning
any more", https://github.com/aws-samples/amazon-bedrock-agents-healthcare-lifesciences/issues/122
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import ClassVar

from sparkify_assets.aws.common import ClusterSpecError

PRICING_PAGE = "https://aws.amazon.com/redshift/pricing/"
PRICE_REGION = "us-west-2"
PRICES_AS_OF = "2025"
# On-demand USD per node-hour in PRICE_REGION (PRICING_PAGE, PRICES_AS_OF); only for the estimate
# printed before anything is created.
NODE_HOURLY_USD = {
    "ra3.large": 0.543,
    "ra3.xlplus": 1.086,
    "ra3.4xlarge": 3.26,
    "ra3.16xlarge": 13.04,
}
# USD per RPU-hour for Redshift Serverless in PRICE_REGION (PRICING_PAGE, PRICES_AS_OF). Billed per
# second, and only while queries run:
# https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-billing.html
RPU_HOUR_USD = 0.375
# Nodes a new cluster of each type may have ("Node range with create cluster"; ra3.large and
# ra3.xlplus may be single-node):
# https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-clusters.html#rs-node-type-info
NODE_RANGE = {
    "ra3.large": (1, 16),
    "ra3.xlplus": (1, 16),
    "ra3.4xlarge": (2, 32),
    "ra3.16xlarge": (2, 128),
}
RETIRED_FAMILIES = ("dc1.", "dc2.", "ds1.", "ds2.", "dw.", "dw1.", "dw2.")
DEFAULT_NODE_TYPE = "ra3.large"
DEFAULT_NODES = 2  # multi-node: a leader of its own, and each node's data mirrored on another
# Base capacity: 4 RPUs, or 8 to 512 in steps of 8, or up to 1024 in steps of 32 where the region
# allows; the API's own default is 128 RPUs:
# https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-capacity.html
BASE_CAPACITIES = frozenset([4, *range(8, 513, 8), *range(544, 1025, 32)])
DEFAULT_BASE_CAPACITY = 8  # the smallest step every region offers; plenty for this data
_PASSWORD_FORBIDDEN = frozenset("'\"\\/@ ")


@dataclass(frozen=True)
class WarehouseSpec:
    """What both kinds share: the database, its admin user, the port, and the names of the IAM
    role and security group `up` creates for it."""

    database: str = "sparkify"
    user: str = "sparkify"
    port: int = 5439
    role_name: str = "sparkify-redshift-s3-read"
    security_group_name: str = "sparkify-redshift"
    region: str = "us-west-2"


@dataclass(frozen=True)
class ClusterSpec(WarehouseSpec):
    """A provisioned cluster, paid for by the node-hour from `up` until `down`."""

    kind: ClassVar[str] = "provisioned"
    identifier: str = "sparkify"
    node_type: str = DEFAULT_NODE_TYPE
    nodes: int = DEFAULT_NODES

    def __post_init__(self) -> None:
        if problem := _identifier_problem(self.identifier):
            raise ClusterSpecError(f"cluster identifier {self.identifier!r} {problem}")
        if self.node_type.startswith(RETIRED_FAMILIES):
            raise ClusterSpecError(
                f"AWS no longer provisions {self.node_type} for new clusters (DC2 and older node "
                f"types are deprecated); use an RA3 node type such as {DEFAULT_NODE_TYPE} (the "
                "default), or --serverless"
            )
        low, high = NODE_RANGE.get(self.node_type, (1, None))
        if self.nodes < low or (high is not None and self.nodes > high):
            allowed = f"{low} to {high}" if high else f"at least {low}"
            raise ClusterSpecError(
                f"a new {self.node_type} cluster has {allowed} nodes, not {self.nodes}"
            )

    @property
    def name(self) -> str:
        return self.identifier

    @property
    def label(self) -> str:
        return f"Cluster {self.identifier}"

    @property
    def cluster_type(self) -> str:
        return "single-node" if self.nodes == 1 else "multi-node"

    def sign_in_settings(self) -> dict[str, str]:
        """The dwh.cfg variables IAM sign-in needs (redshift.get_cluster_credentials_with_iam)."""
        return {"SPARKIFY_REDSHIFT_KIND": self.kind, "SPARKIFY_REDSHIFT_CLUSTER": self.identifier}


@dataclass(frozen=True)
class ServerlessSpec(WarehouseSpec):
    """A Redshift Serverless namespace (the data) and workgroup (the compute), paid for by the
    RPU-second while queries run."""

    kind: ClassVar[str] = "serverless"
    namespace: str = "sparkify"
    workgroup: str = "sparkify"
    base_capacity: int = DEFAULT_BASE_CAPACITY

    def __post_init__(self) -> None:
        # 3 to 64 of a-z, 0-9 and -: the CreateNamespace/CreateWorkgroup API reference,
        # https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/API_CreateWorkgroup.html
        for what, name in (("namespace", self.namespace), ("workgroup", self.workgroup)):
            if not re.fullmatch(r"[a-z0-9-]{3,64}", name):
                raise ClusterSpecError(
                    f"{what} name {name!r} must be 3 to 64 lowercase letters, digits or hyphens"
                )
        if self.base_capacity not in BASE_CAPACITIES:
            raise ClusterSpecError(
                f"a base capacity of {self.base_capacity} RPUs is not offered: use 4, a multiple "
                "of 8 from 8 to 512, or a multiple of 32 up to 1024"
            )

    @property
    def name(self) -> str:
        return self.workgroup

    @property
    def label(self) -> str:
        return f"Workgroup {self.workgroup}"

    def sign_in_settings(self) -> dict[str, str]:
        """The dwh.cfg variables IAM sign-in needs (redshift-serverless.get_credentials)."""
        return {"SPARKIFY_REDSHIFT_KIND": self.kind, "SPARKIFY_REDSHIFT_WORKGROUP": self.workgroup}


AnySpec = ClusterSpec | ServerlessSpec


def spec_from_options(
    *,
    serverless: bool,
    region: str,
    identifier: str | None = None,
    node_type: str | None = None,
    nodes: int | None = None,
    base_capacity: int | None = None,
) -> AnySpec:
    """The spec the command line asks for; an option of the other kind is refused rather than
    ignored, so nobody gets a warehouse other than the one they typed."""
    name = {} if identifier is None else {"identifier": identifier}
    if serverless:
        if node_type is not None or nodes is not None:
            raise ClusterSpecError("--node-type and --nodes are for a provisioned cluster")
        named = {"namespace": identifier, "workgroup": identifier} if identifier else {}
        capacity = {} if base_capacity is None else {"base_capacity": base_capacity}
        return ServerlessSpec(region=region, **named, **capacity)
    if base_capacity is not None:
        raise ClusterSpecError("--base-capacity is for --serverless")
    sizing = {"node_type": node_type, "nodes": nodes}
    return ClusterSpec(
        region=region, **name, **{key: value for key, value in sizing.items() if value is not None}
    )


def hourly_cost(spec: AnySpec) -> float | None:
    """On-demand USD per hour in PRICE_REGION (for Serverless: per hour of queries at the base
    capacity), or None for a node type not in the list."""
    if isinstance(spec, ServerlessSpec):
        return RPU_HOUR_USD * spec.base_capacity
    price = NODE_HOURLY_USD.get(spec.node_type)
    return None if price is None else price * spec.nodes


def cost_line(spec: AnySpec) -> str:
    """The line `up` prints before it creates anything."""
    cost = hourly_cost(spec)
    where = f"{PRICE_REGION} price of {PRICES_AS_OF}" + (
        "" if spec.region == PRICE_REGION else ", may differ"
    )
    if isinstance(spec, ServerlessSpec):
        return (
            f"Cost: about ${cost:.2f} per hour of running queries ({spec.base_capacity} RPUs base "
            f"x ${RPU_HOUR_USD:g}/RPU-hour, {where}), billed per second while queries run and "
            "nothing for compute while idle; more if it scales above the base; plus storage"
        )
    if cost is None:
        return f"Cost: unknown for {spec.node_type} (not in the price list); see {PRICING_PAGE}"
    return (
        f"Cost: about ${cost:.2f}/hour on demand ({spec.nodes} x {spec.node_type} at "
        f"${NODE_HOURLY_USD[spec.node_type]:g}/node-hour, {where}) until `sparkify cluster down`"
    )


def check_password(password: str) -> None:
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


def ingress_network(
    allow_cidr: str, *, allow_anywhere: bool, port: int
) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """The one network the security group lets in; the whole internet only when asked for."""
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
