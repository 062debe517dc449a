"""Fixtures: a real PostgreSQL (the embedded one) with a fresh schema per test, raw files on
disk, the generated sample, the real Sparkify dataset when the environment names it, and the
Redshift target's environment with its recording stand-in for the connection. Each test is
marked with the layers it needs (warehouse, aws, browser; unit if none and not slow), from the
fixtures it uses (README: "Running the tests by layer")."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache
from pathlib import Path

import psycopg2
import pytest
import yaml
from dagster import AssetKey, DagsterEventType, Definitions, ExecuteInProcessResult

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.pipeline.instance import instance_config
from sparkify_assets.sample.generate import GroundTruth, generate
from sparkify_assets.warehouse import loading as loading_module
from sparkify_assets.warehouse import resource as warehouse_module
from sparkify_assets.warehouse.embedded import embedded_postgres_dsn, stop_embedded_postgres
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import RawSourceResource
from sparkify_assets_tests.support.redshift_recorder import REDSHIFT_ENV, Recorder

REAL_DATA_VARIABLE = "SPARKIFY_REAL_DATA"
EXTERNAL_POSTGRES_VARIABLE = "SPARKIFY_TEST_POSTGRES_URL"
# Settings of the developer's own shell that would change what the Redshift tests send.
REDSHIFT_UNSET = (
    "REDSHIFT_PORT",
    "SPARKIFY_WAREHOUSE_URL",
    "SPARKIFY_DWH_CFG",
    "SPARKIFY_REGION",
    "SPARKIFY_SOURCE_REGION",
    "SPARKIFY_MANIFEST_LOCATION",
    "SPARKIFY_REDSHIFT_KIND",
    "SPARKIFY_REDSHIFT_CLUSTER",
    "SPARKIFY_REDSHIFT_WORKGROUP",
)


@pytest.fixture(scope="session", autouse=True)
def dagster_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The project's instance settings (dagster.yaml) with their history in a folder of the
    test session's own, as DAGSTER_HOME: tests of runs neither read nor fill the project's own
    history. The tests of that default history unset it."""
    home = tmp_path_factory.mktemp("dagster-home")
    (home / "dagster.yaml").write_text(yaml.safe_dump(instance_config(home)))
    before = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    yield home
    if before is None:
        os.environ.pop("DAGSTER_HOME", None)
    else:
        os.environ["DAGSTER_HOME"] = before


@pytest.fixture(scope="session")
def postgres_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """SPARKIFY_HOME of an embedded PostgreSQL that lives as long as the test session."""
    home = tmp_path_factory.mktemp("sparkify-home")
    embedded_postgres_dsn(home)
    yield home
    stop_embedded_postgres(home)


@pytest.fixture
def schema() -> str:
    return f"test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def warehouse(postgres_home: Path, schema: str) -> Iterator[WarehouseResource]:
    """The warehouse resource on the embedded PostgreSQL, in a schema of its own."""
    resource = WarehouseResource(home=str(postgres_home), schema_name=schema)
    yield resource
    with resource.session() as session:
        session.execute("common/drop_schema", schema=schema)


@pytest.fixture
def settings(
    postgres_home: Path, schema: str, warehouse: WarehouseResource
) -> Callable[..., Settings]:
    """Settings for a whole pipeline run in this test's schema; pass SPARKIFY_* overrides.
    The days are the source's, as a user gets them: no SPARKIFY_FIRST_DAY or _LAST_DAY."""

    def make(**variables: str) -> Settings:
        return Settings.from_env(
            {
                "SPARKIFY_HOME": str(postgres_home),
                "SPARKIFY_SCHEMA": schema,
                **variables,
            }
        )

    return make


RawFiles = Callable[[dict[str, bytes | str]], RawSourceResource]
# The code location's shape (assets, checks, jobs), for tests that only look at it: both days
# given, so building it lists no source.
DECLARED = Settings.from_env(
    {"SPARKIFY_FIRST_DAY": "2018-11-01", "SPARKIFY_LAST_DAY": "2018-11-30"}
)


@cache
def declared_definitions() -> Definitions:
    return build_definitions(DECLARED)


def run_etl(settings: Settings, *only: str) -> ExecuteInProcessResult:
    """sparkify_etl in this process, or only the assets named."""
    job = build_definitions(settings).resolve_job_def("sparkify_etl")
    selection = [AssetKey(name) for name in only] if only else None
    return job.execute_in_process(raise_on_error=False, asset_selection=selection)


def check_results(result: ExecuteInProcessResult) -> dict[str, bool]:
    """Whether each check the run evaluated passed, by "asset.check"."""
    return {
        f"{e.asset_key.to_user_string()}.{e.check_name}": e.passed
        for e in (
            event.event_specific_data
            for event in result.all_events
            if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
        )
    }


@pytest.fixture
def raw_files(tmp_path: Path) -> RawFiles:
    """Write raw files (key → content) under a fresh directory and return it as a source."""

    def write(files: dict[str, bytes | str]) -> RawSourceResource:
        root = tmp_path / f"raw-{uuid.uuid4().hex[:8]}"
        for key, content in files.items():
            path = root / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        root.mkdir(exist_ok=True)
        return RawSourceResource(location=str(root))

    return write


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GroundTruth]:
    """The generator's default dataset and what it knows to be true about it."""
    out = tmp_path_factory.mktemp("sample")
    return out, generate(out)


@pytest.fixture(scope="session")
def real_data() -> Path:
    location = os.environ.get(REAL_DATA_VARIABLE)
    if not location:
        pytest.skip(
            f"{REAL_DATA_VARIABLE} is not set: it names the real Sparkify dataset "
            "(.ci/run sets it when ../shared/data/sparkify exists)"
        )
    path = Path(location)
    if not (path / "log_data").is_dir() or not (path / "song_data").is_dir():
        pytest.fail(f"{REAL_DATA_VARIABLE}={location} has no log_data/ and song_data/")
    return path


@pytest.fixture(scope="session")
def external_postgres_url() -> str:
    url = os.environ.get(EXTERNAL_POSTGRES_VARIABLE)
    if not url:
        pytest.skip(
            f"{EXTERNAL_POSTGRES_VARIABLE} is not set: it names a separate PostgreSQL server "
            "(.ci/run starts Debian's PostgreSQL 15 and sets it)"
        )
    return url


@pytest.fixture
def redshift_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray dwh.cfg
    for name in [*REDSHIFT_ENV, *REDSHIFT_UNSET]:
        monkeypatch.delenv(name, raising=False)
    for name, value in REDSHIFT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SPARKIFY_HOME", str(tmp_path / "home"))
    return os.environ


@pytest.fixture
def recorder(monkeypatch, redshift_env):
    """Every connection the pipeline opens goes to a recorder; ids and clocks are fixed so that
    two runs send the same text."""
    recorder = Recorder()
    monkeypatch.setattr(psycopg2, "connect", recorder.connect)
    monkeypatch.setattr(
        warehouse_module, "_new_load_id", lambda: "00000000000040008000000000000001"
    )
    monkeypatch.setattr(loading_module, "_now", lambda: datetime(2018, 11, 30, 12, 0, 0))
    return recorder


# --- layers: what each test needs, from its fixtures -------------------------------------------

# The fixtures that start what a layer needs, by where they are defined (module.function): a
# test that uses one, directly or through other fixtures, is marked with its layer. A test that
# starts one of them without a fixture says so itself (pytestmark, or a mark on the test).
FIXTURE_LAYERS = {
    "sparkify_assets_tests.conftest.postgres_home": "warehouse",
    "sparkify_assets_tests.conftest.external_postgres_url": "warehouse",
    "sparkify_assets_tests.warehouse.conftest.own_home": "warehouse",
    "sparkify_assets_tests.aws.conftest.aws": "aws",
    "sparkify_assets_tests.aws.test_preflight.s3": "aws",
    "sparkify_assets_tests.warehouse.test_s3_source.s3_server": "aws",
    "sparkify_assets_tests.warehouse.test_redshift_scenarios.buckets": "aws",
    "sparkify_assets_tests.pipeline.test_schema_drift.s3_source": "aws",
    "sparkify_assets_tests.end_to_end.conftest.chromium": "browser",
}
NOT_UNIT = ("warehouse", "aws", "browser", "slow")
# What a unit test may not do: (module, attribute, what it did, the mark it needs). moto and
# Playwright are guarded once imported (by the test modules that use them): importing them
# here would slow every run by seconds.
GUARDED = (
    (
        "sparkify_assets.warehouse.embedded",
        "_start",
        "started the embedded PostgreSQL",
        "warehouse",
    ),
    ("psycopg2", "connect", "touched the database", "warehouse"),
    ("moto.core.models", "MockAWS.start", "started moto", "aws"),
    ("moto.server", "ThreadedMotoServer.start", "started moto's server", "aws"),
    ("playwright.sync_api", "BrowserType.launch", "launched a browser", "browser"),
)


def fixture_layers(item: pytest.Item) -> set[str]:
    """The layers the fixtures of this test start."""
    definitions = getattr(item, "_fixtureinfo", None)
    if definitions is None:
        return set()
    layers = set()
    for fixture_definitions in definitions.name2fixturedefs.values():
        function = fixture_definitions[-1].func  # the one this test gets (the closest)
        layers.add(FIXTURE_LAYERS.get(f"{function.__module__}.{function.__name__}"))
    return layers - {None}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by these marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with the layers of its fixtures, and as unit if it needs none and is not
    slow. A FIXTURE_LAYERS entry whose module is loaded but holds no such fixture is an error:
    its tests would pass for unit."""
    for item in items:
        for layer in sorted(fixture_layers(item)):
            item.add_marker(layer)
        if not any(item.get_closest_marker(name) for name in NOT_UNIT):
            item.add_marker("unit")
    for place in FIXTURE_LAYERS:
        module, _, name = place.rpartition(".")
        if module in sys.modules and not hasattr(sys.modules[module], name):
            raise pytest.UsageError(f"conftest.FIXTURE_LAYERS names {place}, which is gone")


@pytest.fixture(autouse=True)
def unit_stays_unit(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test marked unit that starts the embedded PostgreSQL, connects to a database, starts
    moto or launches a browser fails at once, naming the mark it needs: a unit test that
    reaches one without any fixture cannot pass unnoticed.

    Its own MonkeyPatch, not the `monkeypatch` fixture: sharing that one would make every
    test's patches (a recorder's psycopg2.connect) outlive the fixtures torn down after them."""
    if request.node.get_closest_marker("unit") is None:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        for module_name, attribute, what, layer in GUARDED:
            module = sys.modules.get(module_name)
            if module is None:
                continue
            owner, _, name = attribute.rpartition(".")
            patch.setattr(getattr(module, owner) if owner else module, name, refusal(what, layer))
        yield


def refusal(what: str, layer: str) -> Callable[..., None]:
    def refuse(*_: object, **__: object) -> None:
        pytest.fail(f"a unit test {what}: mark it {layer}", pytrace=True)

    return refuse
