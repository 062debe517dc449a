"""The IAM role Redshift assumes for COPY, allowed to read the source (and the manifests) only.

Least privilege: COPY from S3 needs to list the bucket and get the objects it loads, the
manifest and the JSONPaths file, nothing more ("IAM permissions for COPY, UNLOAD, and CREATE
LIBRARY", https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-access-permissions.html#copy-usage_notes-iam-permissions).
So the role gets one inline policy: s3:ListBucket and s3:GetBucketLocation (COPY finds the
bucket's region) on each bucket, and s3:GetObject under each location. Earlier versions attached
the managed AmazonS3ReadOnlyAccess (every bucket in the account); `up` and `down` detach it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from sparkify_assets.aws.common import ClusterError, ClusterSpecError, Report, error_code

S3_READ_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"  # what older `up`s attached
READ_POLICY_NAME = "sparkify-copy-read"
REDSHIFT_PRINCIPAL = "redshift.amazonaws.com"


@dataclass(frozen=True)
class S3Location:
    """s3://bucket or s3://bucket/prefix, as COPY reads it."""

    bucket: str
    prefix: str  # no slash at either end; "" for the whole bucket

    @classmethod
    def parse(cls, url: str, what: str) -> S3Location:
        match = re.fullmatch(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/.*)?", url.strip())
        if match is None:
            raise ClusterSpecError(
                f"{what} {url!r} is not an S3 location (s3://bucket or s3://bucket/prefix), "
                "which is what Redshift's COPY reads"
            )
        return cls(match[1], (match[2] or "").strip("/"))

    @property
    def bucket_arn(self) -> str:
        return f"arn:aws:s3:::{self.bucket}"

    @property
    def objects_arn(self) -> str:
        return f"{self.bucket_arn}/{self.prefix}/*" if self.prefix else f"{self.bucket_arn}/*"


def read_policy(locations: Sequence[S3Location]) -> dict[str, Any]:
    """The inline policy: list the buckets, read the objects under the locations."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ListTheBuckets",
                "Effect": "Allow",
                "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
                "Resource": sorted({location.bucket_arn for location in locations}),
            },
            {
                "Sid": "ReadTheObjects",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": sorted({location.objects_arn for location in locations}),
            },
        ],
    }


def ensure_role(iam: Any, name: str, locations: Sequence[S3Location], report: Report) -> str:
    """The role's ARN, after creating it if need be and giving it exactly `read_policy`; without
    the trust, Redshift can't assume it."""
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
            Description="Lets sparkify's Redshift COPY read its S3 source (sparkify cluster up)",
        )["Role"]
        report(f"IAM role {name}: created")
    elif REDSHIFT_PRINCIPAL not in json.dumps(role.get("AssumeRolePolicyDocument", "")):
        raise ClusterError(
            f"IAM role {name} exists but does not trust {REDSHIFT_PRINCIPAL}, so Redshift could "
            "not use it; delete it or let it trust Redshift"
        )
    else:
        report(f"IAM role {name}: exists, reusing it")
    iam.put_role_policy(  # replaces the policy an earlier `up` wrote
        RoleName=name,
        PolicyName=READ_POLICY_NAME,
        PolicyDocument=json.dumps(read_policy(locations)),
    )
    where = ", ".join(f"s3://{loc.bucket}/{loc.prefix}".rstrip("/") for loc in locations)
    report(f"IAM role {name}: may read {where} only")
    if _ignoring_absence(iam.detach_role_policy, RoleName=name, PolicyArn=S3_READ_POLICY_ARN):
        report(f"IAM role {name}: detached AmazonS3ReadOnlyAccess (an older `up` attached it)")
    return role["Arn"]


def role_arn(iam: Any, name: str) -> str | None:
    role = _get_role(iam, name)
    return role["Arn"] if role else None


def delete_role(iam: Any, name: str, report: Report) -> None:
    """IAM deletes a role only once no policy is left on it."""
    _ignoring_absence(iam.delete_role_policy, RoleName=name, PolicyName=READ_POLICY_NAME)
    _ignoring_absence(iam.detach_role_policy, RoleName=name, PolicyArn=S3_READ_POLICY_ARN)
    if _ignoring_absence(iam.delete_role, RoleName=name):
        report(f"IAM role {name}: deleted")
    else:
        report(f"IAM role {name}: already gone")


def _get_role(iam: Any, name: str) -> dict[str, Any] | None:
    try:
        return iam.get_role(RoleName=name)["Role"]
    except ClientError as error:
        if error_code(error) == "NoSuchEntity":
            return None
        raise


def _ignoring_absence(call: Callable[..., object], **arguments: str) -> bool:
    """Whether `call` did something: False when what it acts on does not exist."""
    try:
        call(**arguments)
    except ClientError as error:
        if error_code(error) != "NoSuchEntity":
            raise
        return False
    return True
