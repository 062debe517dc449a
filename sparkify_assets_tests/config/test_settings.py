"""The SPARKIFY_* settings with their defaults and their refusals (their edges:
test_settings_edges.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sparkify_assets.config.settings import REDSHIFT_MAXERROR_LIMIT, Settings, SettingsError
from sparkify_assets.model.paths import PROJECT_ROOT


def test_settings_default_to_the_projects_home_with_the_sample_as_source_from_anywhere(
    tmp_path: Path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # a command started outside the project's root
    settings = Settings.from_env({})
    assert settings.home == PROJECT_ROOT / ".sparkify"
    assert Path(settings.source) == PROJECT_ROOT / ".sparkify" / "sample"
    assert settings.schema == "public"
    assert settings.maxerror == 0
    assert settings.s3_unsigned is False
    assert settings.s3_endpoint_url is None
    assert settings.warehouse_url_set is False


def test_the_default_source_follows_sparkify_home():
    settings = Settings.from_env({"SPARKIFY_HOME": "/srv/sparkify"})
    assert settings.home == Path("/srv/sparkify")
    assert Path(settings.source) == Path("/srv/sparkify/sample")


def test_settings_take_the_values_they_are_given():
    settings = Settings.from_env(
        {
            "SPARKIFY_SOURCE": "s3://udacity-dend/",
            "SPARKIFY_SCHEMA": "run_42",
            "SPARKIFY_MAXERROR": "10",
            "SPARKIFY_S3_UNSIGNED": "true",
            "SPARKIFY_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "SPARKIFY_WAREHOUSE_URL": "postgresql://u@h/db",
        }
    )
    assert settings.source == "s3://udacity-dend/"
    assert settings.schema == "run_42"
    assert settings.maxerror == 10
    assert settings.s3_unsigned is True
    assert settings.s3_endpoint_url == "http://127.0.0.1:9000"
    assert settings.warehouse_url_set is True


@pytest.mark.parametrize("schema", ["public; drop", 'x"; DROP TABLE users; --', "Public", "1st"])
def test_an_unsafe_schema_is_refused_naming_sparkify_schema(schema: str):
    with pytest.raises(SettingsError, match="SPARKIFY_SCHEMA"):
        Settings.from_env({"SPARKIFY_SCHEMA": schema})


@pytest.mark.parametrize("maxerror", ["ten", "1.5", "-1", str(REDSHIFT_MAXERROR_LIMIT + 1), "1e3"])
def test_a_maxerror_that_is_not_a_whole_number_from_0_to_100000_is_refused_naming_it(
    maxerror: str,
):
    with pytest.raises(SettingsError, match="SPARKIFY_MAXERROR"):
        Settings.from_env({"SPARKIFY_MAXERROR": maxerror})


def test_maxerror_accepts_redshifts_limit_of_100000():
    assert REDSHIFT_MAXERROR_LIMIT == 100_000
    assert Settings.from_env({"SPARKIFY_MAXERROR": "100000"}).maxerror == 100_000


@pytest.mark.parametrize(
    ("text", "unsigned"),
    [
        ("true", True),
        ("1", True),
        ("yes", True),
        (" TRUE ", True),
        ("false", False),
        ("0", False),
        ("no", False),
        ("", False),
    ],
)
def test_s3_unsigned_reads_the_usual_spellings_of_true_and_false(text: str, unsigned: bool):
    assert Settings.from_env({"SPARKIFY_S3_UNSIGNED": text}).s3_unsigned is unsigned


@pytest.mark.parametrize("text", ["maybe", "2", "on please"])
def test_a_bad_s3_unsigned_is_refused_naming_it(text: str):
    with pytest.raises(SettingsError, match="SPARKIFY_S3_UNSIGNED"):
        Settings.from_env({"SPARKIFY_S3_UNSIGNED": text})


@pytest.mark.parametrize("share", ["lots", "-0.1", "1.5", "nan"])
def test_a_min_match_share_outside_0_to_1_is_refused_naming_it(share: str):
    with pytest.raises(SettingsError, match="SPARKIFY_MIN_MATCH_SHARE"):
        Settings.from_env({"SPARKIFY_MIN_MATCH_SHARE": share})


def test_the_days_are_left_to_the_log_files_unless_told():
    settings = Settings.from_env({})
    assert (settings.first_day, settings.last_day) == (None, None)
    told = Settings.from_env(
        {"SPARKIFY_FIRST_DAY": "2018-11-03", "SPARKIFY_LAST_DAY": "2018-11-30"}
    )
    assert (told.first_day, told.last_day) == (date(2018, 11, 3), date(2018, 11, 30))


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"SPARKIFY_FIRST_DAY": "November"}, "SPARKIFY_FIRST_DAY"),
        ({"SPARKIFY_LAST_DAY": "2018-13-01"}, "SPARKIFY_LAST_DAY"),
        ({"SPARKIFY_FIRST_DAY": "2018-11-05", "SPARKIFY_LAST_DAY": "2018-11-04"}, "before"),
    ],
)
def test_bad_days_are_refused_naming_the_variable(variables: dict[str, str], named: str):
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(variables)


def test_a_first_day_that_is_not_over_yet_is_refused_unless_a_last_day_is_set():
    with pytest.raises(SettingsError, match="SPARKIFY_FIRST_DAY=2999-01-01 has not ended"):
        Settings.from_env({"SPARKIFY_FIRST_DAY": "2999-01-01"})
    told = {"SPARKIFY_FIRST_DAY": "2999-01-01", "SPARKIFY_LAST_DAY": "2999-01-02"}
    assert Settings.from_env(told).last_day == date(2999, 1, 2)


@pytest.mark.warehouse  # starts an embedded PostgreSQL of its own
def test_the_embedded_server_starts_in_a_home_of_letters_of_any_alphabet(tmp_path: Path):
    from sparkify_assets.warehouse.embedded import embedded_postgres_dsn, stop_embedded_postgres

    home = tmp_path / "Zoë-Łódź_日本+1.2"
    assert Settings.from_env({"SPARKIFY_HOME": str(home)}).home == home
    try:
        assert "host=" in embedded_postgres_dsn(home)
    finally:
        assert stop_embedded_postgres(home)
