"""The Redshift target's settings: from the environment or the seed's dwh.cfg (the environment
wins), each variable refused with its name when it is missing or malformed, and the password
never written to a file or an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from sparkify_assets.config.dwh_cfg import read_dwh_cfg, write_dwh_cfg
from sparkify_assets.config.settings import Settings, SettingsError, load_settings
from sparkify_assets.model.targets import Target
from sparkify_assets_tests.support.redshift_recorder import HOST, PASSWORD, REDSHIFT_ENV, ROLE

SEED_DWH_CFG = f"""\
[CLUSTER]
HOST='{HOST}'
DB_NAME='sparkify'
DB_USER='sparkify'
DB_PASSWORD='{PASSWORD}'
DB_PORT='5439'

[IAM_ROLE]
ARN='{ROLE}'

[S3]
LOG_DATA='s3://udacity-dend/log_data'
LOG_JSONPATH='s3://udacity-dend/log_json_path.json'
SONG_DATA='s3://udacity-dend/song_data'
"""


def test_the_seeds_dwh_cfg_gives_every_redshift_setting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("dwh.cfg").write_text(SEED_DWH_CFG)
    environ = {"SPARKIFY_TARGET": "redshift"}
    settings = load_settings(environ)
    assert settings.target is Target.REDSHIFT and settings.source == "s3://udacity-dend"
    assert environ["REDSHIFT_HOST"] == HOST and environ["REDSHIFT_PASSWORD"] == PASSWORD
    assert environ["SPARKIFY_IAM_ROLE_ARN"] == ROLE
    assert settings.redshift is not None and settings.redshift.port_is_set
    assert settings.redshift.source_region == "us-west-2"


def test_the_environment_wins_over_dwh_cfg(tmp_path, monkeypatch):
    path = tmp_path / "elsewhere.cfg"
    path.write_text(SEED_DWH_CFG)
    environ = {
        "SPARKIFY_TARGET": "redshift",
        "SPARKIFY_DWH_CFG": str(path),
        "REDSHIFT_HOST": "other.example.com",
    }
    load_settings(environ)
    assert environ["REDSHIFT_HOST"] == "other.example.com"
    assert environ["REDSHIFT_DB"] == "sparkify"


def test_dwh_cfg_is_ignored_by_the_local_target(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("dwh.cfg").write_text(SEED_DWH_CFG)
    environ: dict[str, str] = {}
    settings = load_settings(environ)
    assert settings.target is Target.LOCAL and "REDSHIFT_HOST" not in environ
    assert not settings.source.startswith("s3://")


def test_dwh_cfg_s3_locations_under_different_roots_are_refused_naming_the_file(tmp_path):
    path = tmp_path / "dwh.cfg"
    path.write_text(SEED_DWH_CFG.replace("s3://udacity-dend/song_data", "s3://mine/song_data"))
    with pytest.raises(SettingsError, match=r"dwh\.cfg: \[S3\] must name all three"):
        load_settings({"SPARKIFY_TARGET": "redshift", "SPARKIFY_DWH_CFG": str(path)})


def test_a_named_dwh_cfg_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(SettingsError, match="SPARKIFY_DWH_CFG"):
        load_settings({"SPARKIFY_TARGET": "redshift", "SPARKIFY_DWH_CFG": str(tmp_path / "no")})


def test_the_redshift_target_names_every_missing_variable():
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"SPARKIFY_TARGET": "redshift", "REDSHIFT_HOST": HOST})
    for name in ("REDSHIFT_DB", "SPARKIFY_IAM_ROLE_ARN"):
        assert name in str(error.value)
    assert "REDSHIFT_HOST" not in str(error.value)


def test_a_password_without_a_user_is_refused():
    environ = {k: v for k, v in REDSHIFT_ENV.items() if k != "REDSHIFT_USER"}
    with pytest.raises(SettingsError, match="REDSHIFT_USER"):
        Settings.from_env(environ)


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("SPARKIFY_SOURCE", "/data/sparkify", "s3://"),
        ("SPARKIFY_IAM_ROLE_ARN", "sparkify-role", "IAM role ARN"),
        ("SPARKIFY_REGION", "mars-1", "region"),
        ("SPARKIFY_SOURCE_REGION", "moon", "SPARKIFY_SOURCE_REGION"),
        ("REDSHIFT_PORT", "54x", "REDSHIFT_PORT"),
        ("SPARKIFY_TARGET", "snowflake", "SPARKIFY_TARGET"),
    ],
)
def test_a_bad_redshift_setting_is_refused_naming_it(name, value, complaint):
    with pytest.raises(SettingsError, match=complaint):
        Settings.from_env({**REDSHIFT_ENV, name: value})


def test_dwh_cfg_written_by_the_cluster_command_reads_back_without_the_password(tmp_path):
    path = tmp_path / "dwh.cfg"
    write_dwh_cfg(path, {**REDSHIFT_ENV, "REDSHIFT_PORT": "5439"})
    assert PASSWORD not in path.read_text()
    values = read_dwh_cfg(path)
    assert values["REDSHIFT_HOST"] == HOST and values["SPARKIFY_SOURCE"] == "s3://udacity-dend"
    assert "REDSHIFT_PASSWORD" not in values


def test_a_malformed_dwh_cfg_is_refused_naming_the_line_but_not_quoting_it(tmp_path):
    path = tmp_path / "dwh.cfg"
    path.write_text(f"[CLUSTER]\nHOST=h\nDB_PASSWORD {PASSWORD}\n")
    with pytest.raises(SettingsError, match="line 3") as error:
        load_settings({"SPARKIFY_TARGET": "redshift", "SPARKIFY_DWH_CFG": str(path)})
    assert PASSWORD not in str(error.value)
