"""The Dagster UI for the browser tests: Debian's Chromium (or SPARKIFY_CHROMIUM), `dagster dev`
over the embedded warehouse, once for every test of end_to_end/, and a page of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from sparkify_assets.config.settings import Settings
from sparkify_assets.pipeline.instance import INSTANCE_FILE
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets_tests.conftest import REAL_DATA_VARIABLE
from sparkify_assets_tests.support.dagster_ui import (
    CHROMIUM_FLAGS,
    CHROMIUM_VARIABLE,
    Ui,
    free_port,
    live_copy,
    wait_until_loaded,
)


@pytest.fixture(scope="package")
def chromium() -> str:
    path = os.environ.get(CHROMIUM_VARIABLE, "/usr/bin/chromium")
    if not os.access(path, os.X_OK):
        pytest.skip(
            f"no Chromium at {path} ({CHROMIUM_VARIABLE}): `apt-get install chromium` "
            "(.ci/run installs it)"
        )
    return path


@pytest.fixture(scope="package")
def ui(sample, postgres_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ui]:
    """`dagster dev` (webserver and daemon: "Materialize all" is a backfill, which the daemon
    runs) on a free loopback port, over the embedded warehouse in a schema of its own. It
    starts in a folder holding the project's dagster.yaml, without DAGSTER_HOME: the instance
    a user gets, queue and all, with its history in that folder instead of the project's."""
    work = tmp_path_factory.mktemp("ui")
    location = str(live_copy(Path(os.environ.get(REAL_DATA_VARIABLE) or sample[0]), work))
    (work / "dagster.yaml").write_text(INSTANCE_FILE.read_text())
    schema = f"test_ui_{os.getpid()}"
    variables = {
        "SPARKIFY_HOME": str(postgres_home),
        "SPARKIFY_SCHEMA": schema,
        "SPARKIFY_SOURCE": location,
    }
    environment = {**os.environ, **variables}
    for name in (
        "SPARKIFY_WAREHOUSE_URL",
        "DAGSTER_HOME",
        "SPARKIFY_FIRST_DAY",
        "SPARKIFY_LAST_DAY",
    ):
        environment.pop(name, None)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = work / "dagster-dev.log"
    dagster = Path(sys.executable).parent / "dagster"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(dagster), "dev", "-h", "127.0.0.1", "-p", str(port), "-m", "sparkify_assets"],
            cwd=work,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped whole, and only it
        )
    settings = Settings.from_env(variables)
    warehouse = WarehouseResource(home=str(postgres_home), schema_name=schema)
    try:
        wait_until_loaded(url, server, log)
        yield Ui(url, settings, warehouse, log, work, variables)
    finally:
        # dagster dev shuts its processes down on Ctrl-C (SIGINT), not on SIGTERM; the code
        # server it started can outlive it until its heartbeat times out, so the group goes too.
        os.killpg(server.pid, signal.SIGINT)
        with suppress(subprocess.TimeoutExpired):
            server.wait(timeout=20)
        with suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        with warehouse.session() as session:
            session.execute("common/drop_schema", schema=schema)


@pytest.fixture
def page(ui: Ui, chromium: str, tmp_path: Path):
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1920, "height": 1200}, base_url=ui.url)
        # Dagster asks new local users to join its community in a dialog over the page.
        context.add_init_script("window.localStorage.setItem('communityNux', '\"1\"')")
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            yield page
        finally:
            browser.close()
