"""moto's AWS for the tests of `sparkify cluster`, and Redshift Serverless stubbed on it."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator

import boto3
import moto.iam.models
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from sparkify_assets_tests.support.cluster_aws import REGION
from sparkify_assets_tests.support.serverless_stub import Serverless


@functools.cache
def s3_read_only_policy_data() -> str:
    every_policy = json.loads(moto.iam.models.aws_managed_policies_data)
    return json.dumps({"AmazonS3ReadOnlyAccess": every_policy["AmazonS3ReadOnlyAccess"]})


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "SPARKIFY_REGION",
        "REDSHIFT_PASSWORD",
        "SPARKIFY_SOURCE",
        "SPARKIFY_MANIFEST_LOCATION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # not needed; slow to load
    # AmazonS3ReadOnlyAccess is an AWS managed policy: moto only has those when asked, and
    # parsing all of them for every IAM backend made these tests take a minute; keep just one
    # (an older `up` attached it; `up` and `down` now detach it).
    monkeypatch.setattr(moto.iam.models, "aws_managed_policies_data", s3_read_only_policy_data())
    with mock_aws(config={"iam": {"load_aws_managed_policies": True}}):
        yield boto3.Session(region_name=REGION)


@pytest.fixture
def serverless(aws: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[Serverless]:
    """The moto session with its redshift-serverless client stubbed (also for the command
    line, which makes its own session); every scripted call must have happened by the end."""
    client = aws.client("redshift-serverless")
    real_client = aws.client
    monkeypatch.setattr(
        aws,
        "client",
        lambda name, *args, **kwargs: (
            client if name == "redshift-serverless" else real_client(name, *args, **kwargs)
        ),
    )
    monkeypatch.setattr(boto3, "Session", lambda **_: aws)
    with Stubber(client) as stubber:
        stub = Serverless(stubber)
        client.meta.events.register(
            "provide-client-params.redshift-serverless.*",
            lambda params, model, **_: stub.requests.__setitem__(model.name, dict(params)),
        )
        yield stub
        stubber.assert_no_pending_responses()


@pytest.fixture
def session(serverless: Serverless, aws: boto3.Session) -> boto3.Session:
    """The moto session the code under test is given, its Serverless client the stub."""
    return aws
