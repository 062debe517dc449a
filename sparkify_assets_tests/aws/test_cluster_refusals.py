"""What `sparkify cluster up` refuses before anything is created: a password, a network, a spec
or a location Redshift or S3 would refuse, a hand-written dwh.cfg; and that the password goes
nowhere but to Redshift."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from sparkify_assets.aws import (
    ClusterSpec,
    ClusterSpecError,
    cluster_down,
    hourly_cost,
)
from sparkify_assets.config.dwh_cfg import DwhConfigError
from sparkify_assets_tests.support.cluster_aws import (
    PASSWORD,
    SPEC,
    clusters,
    fail_once,
    groups,
    ingress,
    roles,
    up,
)

# --- what is refused before anything is created ----------------------------------------------


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Sh0rt", "8 to 64 characters"),
        ("Aa1" * 22, "8 to 64 characters"),
        ("sparkify2024pw", "uppercase letter"),
        ("SPARKIFY2024PW", "lowercase letter"),
        ("SparkifyPassword", "digit"),
        ("Sparkify2024@pw", "must not contain"),
        ("Sparkify 2024pw", "must not contain"),
        ("Sparkify'2024pw", "must not contain"),
        ('Sparkify"2024pw', "must not contain"),
        ("Sparkify\\2024pw", "must not contain"),
        ("Sparkify/2024pw", "must not contain"),
        ("Sparkify2024pwé", "printable ASCII"),
    ],
)
def test_a_weak_password_is_refused_before_anything_is_created(
    aws: boto3.Session, tmp_path: Path, password: str, rule: str
):
    lines: list[str] = []
    with pytest.raises(ClusterSpecError, match=rule) as refused:
        up(aws, tmp_path / "dwh.cfg", password=password, report=lines.append)
    assert password not in str(refused.value)
    assert lines == []
    assert (roles(aws), groups(aws), clusters(aws)) == ([], [], [])


def test_the_password_appears_in_no_report_line_error_or_dwh_cfg(
    aws: boto3.Session, tmp_path: Path
):
    lines: list[str] = []
    fail_once(aws, "redshift.CreateCluster", "InvalidParameterValue")
    with pytest.raises(ClientError) as failed:
        up(aws, tmp_path / "dwh.cfg", report=lines.append)
    up(aws, tmp_path / "dwh.cfg", report=lines.append)
    cluster_down(SPEC, session=aws, report=lines.append, poll_seconds=0)

    assert PASSWORD not in str(failed.value)
    assert len(lines) > 10
    assert not [line for line in lines if PASSWORD in line]
    assert PASSWORD not in (tmp_path / "dwh.cfg").read_text()


@pytest.mark.parametrize("anywhere", ["0.0.0.0/0", "::/0"])
def test_the_whole_internet_is_refused_unless_allow_anywhere(
    aws: boto3.Session, tmp_path: Path, anywhere: str
):
    with pytest.raises(ClusterSpecError, match="whole internet"):
        up(aws, tmp_path / "dwh.cfg", allow_cidr=anywhere)
    assert (roles(aws), groups(aws)) == ([], [])

    up(aws, tmp_path / "dwh.cfg", allow_cidr=anywhere, allow_anywhere=True)
    assert [rule[3] for rule in ingress(groups(aws)[0])] == [anywhere]


@pytest.mark.parametrize("cidr", ["", "my laptop", "203.0.113.300", "203.0.113.0/33"])
def test_a_network_that_is_not_an_address_is_refused(aws: boto3.Session, tmp_path: Path, cidr: str):
    with pytest.raises(ClusterSpecError, match="is not an IP address or CIDR block"):
        up(aws, tmp_path / "dwh.cfg", allow_cidr=cidr)
    assert roles(aws) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"nodes": 0}, "a new ra3.large cluster has 1 to 16 nodes, not 0"),
        ({"nodes": 17}, "a new ra3.large cluster has 1 to 16 nodes, not 17"),
        ({"node_type": "ra3.4xlarge", "nodes": 1}, "has 2 to 32 nodes, not 1"),
        ({"node_type": "ra3.16xlarge", "nodes": 129}, "has 2 to 128 nodes"),
        ({"node_type": "rg.xlarge", "nodes": 0}, "has at least 1 nodes"),
        ({"node_type": "dc2.large"}, "no longer provisions dc2.large for new clusters"),
        ({"node_type": "dc2.8xlarge"}, "no longer provisions dc2.8xlarge"),
        ({"node_type": "ds2.xlarge"}, "no longer provisions ds2.xlarge"),
        ({"identifier": "Sparkify"}, "lowercase letters, digits and hyphens"),
        ({"identifier": "spark_ify"}, "lowercase letters, digits and hyphens"),
        ({"identifier": "1sparkify"}, "start with a letter"),
        ({"identifier": "spark--ify"}, "two hyphens in a row"),
        ({"identifier": "sparkify-"}, "end with a hyphen"),
        ({"identifier": "s" * 64}, "1 to 63 characters"),
        ({"identifier": ""}, "1 to 63 characters"),
    ],
)
def test_a_spec_redshift_would_refuse_is_refused(fields: dict[str, Any], message: str):
    with pytest.raises(ClusterSpecError, match=message):
        ClusterSpec(**fields)


def test_the_default_is_two_ra3_large_nodes_and_the_largest_counts_are_accepted():
    assert (SPEC.node_type, SPEC.nodes, SPEC.cluster_type) == ("ra3.large", 2, "multi-node")
    assert ClusterSpec(nodes=16).nodes == 16
    assert ClusterSpec(node_type="ra3.16xlarge", nodes=128).nodes == 128
    assert ClusterSpec(identifier="s" + "-a" * 31).identifier.endswith("-a")


def test_the_cost_is_known_for_ra3_node_types_and_unknown_otherwise(
    aws: boto3.Session, tmp_path: Path
):
    assert hourly_cost(ClusterSpec()) == pytest.approx(1.086)
    assert hourly_cost(ClusterSpec(node_type="ra3.4xlarge", nodes=2)) == pytest.approx(6.52)
    assert hourly_cost(ClusterSpec(node_type="ra3.16xlarge", nodes=2)) == pytest.approx(26.08)
    assert hourly_cost(ClusterSpec(node_type="rg.xlarge")) is None
    lines = up(aws, tmp_path / "dwh.cfg", spec=ClusterSpec(node_type="rg.xlarge"))
    assert lines[0].startswith("Cost: unknown for rg.xlarge")


def test_up_refuses_to_overwrite_a_hand_written_dwh_cfg_before_creating_anything(
    aws: boto3.Session, tmp_path: Path
) -> None:
    config = tmp_path / "dwh.cfg"
    config.write_text("[CLUSTER]\nDB_PASSWORD='kept by the seed project'\n")
    with pytest.raises(DwhConfigError, match="not written by `sparkify cluster up`"):
        up(aws, config)
    assert clusters(aws) == [] and roles(aws) == []
    assert "kept by the seed project" in config.read_text()
