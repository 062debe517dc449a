"""How the Redshift target signs in: the kind of Redshift it is, and a password or IAM.

Two kinds of Redshift take the same SQL but sign in differently:
- a provisioned cluster, whose endpoint is `<cluster>.<unique id>.<region>.redshift.amazonaws.com`
  (https://docs.aws.amazon.com/redshift/latest/mgmt/configuring-connections.html);
- Redshift Serverless, whose endpoint is
  `<workgroup>.<account>.<region>.redshift-serverless.amazonaws.com`
  (https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-connecting.html).

With REDSHIFT_PASSWORD the pipeline signs in with it, as any SQL client does. Without it, the
pipeline asks AWS for a temporary database password with the boto3 credentials the user already
has (AWS_PROFILE, environment, instance role), so that no long-lived password exists anywhere:
- provisioned: GetClusterCredentialsWithIAM, which maps the IAM identity to a database user
  (https://docs.aws.amazon.com/redshift/latest/APIReference/API_GetClusterCredentialsWithIAM.html);
- Serverless: GetCredentials of the workgroup, likewise
  (https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/API_GetCredentials.html).
Either returns a user and a password valid for DurationSeconds (900 to 3600 s). A process
reuses them for its connections until they are within REFRESH_BEFORE of expiring (a run opens
dozens of connections; asking AWS for each would be slow and may be throttled). They are kept
in memory only, and never logged.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from sparkify_assets.model.targets import RedshiftKind

CREDENTIAL_SECONDS = 3600  # the longest both APIs allow: a load may run for most of an hour
REFRESH_BEFORE = timedelta(minutes=10)  # a connection never starts on credentials this close to
# expiring (a password need only be valid when the connection signs in)
_credentials: dict[tuple[str, str, str, str], tuple[str, str, datetime]] = {}
_credentials_lock = threading.Lock()
_ENDPOINT = re.compile(
    r"(?P<name>[a-z][a-z0-9-]*)\.[a-z0-9]+\.(?P<region>[a-z]{2}(-[a-z]+)+-\d)\."
    r"(?P<service>redshift|redshift-serverless)\.amazonaws\.com(\.cn)?"
)


class SignInFailed(RuntimeError):
    """AWS would not hand out temporary database credentials."""


@dataclass(frozen=True)
class Endpoint:
    """What a Redshift host name says about itself, when it is an AWS endpoint name."""

    kind: RedshiftKind
    name: str  # the cluster identifier or the workgroup name
    region: str


def read_endpoint(host: str) -> Endpoint | None:
    """The kind, name and region in an AWS endpoint name; None for any other host (a CNAME, an
    IP address, a tunnel), whose kind and name must then be given."""
    match = _ENDPOINT.fullmatch(host.strip().lower())
    if match is None:
        return None
    kind = (
        RedshiftKind.SERVERLESS
        if match.group("service") == "redshift-serverless"
        else RedshiftKind.PROVISIONED
    )
    return Endpoint(kind, match.group("name"), match.group("region"))


def temporary_credentials(
    kind: RedshiftKind, name: str, database: str, region: str
) -> tuple[str, str]:
    """(user, password) for `database`, from the caller's IAM identity: this process's, while
    they are valid long enough, else new ones from AWS."""
    key = (str(kind), name, database, region)
    with _credentials_lock:
        user, password, expires = _credentials.get(key, ("", "", datetime.min.replace(tzinfo=UTC)))
        if expires - datetime.now(UTC) <= REFRESH_BEFORE:
            user, password, expires = _ask_aws(kind, name, database, region)
            _credentials[key] = (user, password, expires)
        return user, password


def _ask_aws(
    kind: RedshiftKind, name: str, database: str, region: str
) -> tuple[str, str, datetime]:
    session = boto3.Session(region_name=region)
    try:
        if kind is RedshiftKind.SERVERLESS:
            answer = session.client("redshift-serverless", region_name=region).get_credentials(
                workgroupName=name, dbName=database, durationSeconds=CREDENTIAL_SECONDS
            )
            return answer["dbUser"], answer["dbPassword"], answer["expiration"]
        answer = session.client("redshift", region_name=region).get_cluster_credentials_with_iam(
            ClusterIdentifier=name, DbName=database, DurationSeconds=CREDENTIAL_SECONDS
        )
        return answer["DbUser"], answer["DbPassword"], answer["Expiration"]
    except ClientError as error:  # AWS's message names the call and the reason, no secret
        code = error.response.get("Error", {}).get("Code", "")
        raise SignInFailed(
            f"AWS refused temporary credentials for {kind} {name!r} in {region} ({code}): "
            f"{error.response.get('Error', {}).get('Message', '')}"
        ) from None
    except BotoCoreError as error:  # no credentials, no network: botocore's text says which
        raise SignInFailed(
            f"cannot ask AWS for temporary credentials for {kind} {name!r}: {error} (configure "
            "AWS credentials, e.g. AWS_PROFILE, or set REDSHIFT_PASSWORD)"
        ) from None
