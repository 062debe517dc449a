"""The Dagster UI as an analyst uses it, in a real browser: Debian's Chromium driven by Playwright,
against `dagster dev` on 127.0.0.1 over the embedded warehouse. The asset graph shows every
staging → star → analytics node and edge; "Materialize all" builds everything; each asset's page
shows its row count, and the charts render. A failing step saves a screenshot of the page."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from sparkify_assets.definitions import build_definitions
from sparkify_assets.resources.warehouse import WarehouseResource
from sparkify_assets.settings import Settings
from sparkify_assets.tables import ANALYTICS_TABLES, ASSET_TABLES

CHROMIUM_VARIABLE = "SPARKIFY_CHROMIUM"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
SAMPLE_LAST_DAY = "2018-11-30"  # the generated sample's month: 30 daily partitions to choose
SERVER_START_SECONDS = 180
MATERIALIZE_SECONDS = 600
REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def chromium() -> str:
    path = os.environ.get(CHROMIUM_VARIABLE, "/usr/bin/chromium")
    if not os.access(path, os.X_OK):
        pytest.skip(
            f"no Chromium at {path} ({CHROMIUM_VARIABLE}): `apt-get install chromium` "
            "(.ci/run installs it)"
        )
    return path


@dataclass(frozen=True)
class Ui:
    url: str
    settings: Settings
    warehouse: WarehouseResource
    log: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _graphql(url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]


def _wait_until_loaded(url: str, server: subprocess.Popen, log: Path) -> None:
    """The server answers before the code location is loaded: wait for both."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    query = "{ workspaceOrError { ... on Workspace { locationEntries { loadStatus } } } }"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"dagster dev exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            entries = _graphql(url, query)["workspaceOrError"]["locationEntries"]
            if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the UI was not ready in {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def ui(sample, postgres_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ui]:
    """`dagster dev` (webserver and daemon: "Materialize all" is a backfill, which the daemon
    runs) on a free loopback port, over the embedded warehouse in a schema of its own."""
    location, _ = sample
    work = tmp_path_factory.mktemp("ui")
    (work / "dagster-home").mkdir()
    # Runs start at once instead of waiting for the queue's next look (the daemon still drives
    # the backfill that "Materialize all" creates, every 30 s).
    (work / "dagster-home" / "dagster.yaml").write_text(
        "run_coordinator:\n"
        "  module: dagster._core.run_coordinator\n"
        "  class: DefaultRunCoordinator\n"
    )
    schema = f"test_ui_{os.getpid()}"
    variables = {
        "SPARKIFY_HOME": str(postgres_home),
        "SPARKIFY_SCHEMA": schema,
        "SPARKIFY_SOURCE": str(location),
        "SPARKIFY_LAST_DAY": SAMPLE_LAST_DAY,
    }
    environment = {**os.environ, **variables, "DAGSTER_HOME": str(work / "dagster-home")}
    environment.pop("SPARKIFY_WAREHOUSE_URL", None)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = work / "dagster-dev.log"
    dagster = Path(sys.executable).parent / "dagster"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(dagster), "dev", "-h", "127.0.0.1", "-p", str(port), "-m", "sparkify_assets"],
            cwd=REPOSITORY,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped whole, and only it
        )
    settings = Settings.from_env(variables)
    warehouse = WarehouseResource(home=str(postgres_home), schema_name=schema)
    try:
        _wait_until_loaded(url, server, log)
        yield Ui(url, settings, warehouse, log)
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


@contextmanager
def screenshot_on_failure(page, step: str, folder: Path) -> Iterator[None]:
    """A failing step leaves a picture of the page and its HTML, named in the failure."""
    try:
        yield
    except Exception as error:
        shot = folder / f"failure-{step}.png"
        page.screenshot(path=str(shot), full_page=True)
        (folder / f"failure-{step}.html").write_text(page.content(), encoding="utf-8")
        raise AssertionError(
            f"{step} failed at {page.url} (screenshot: {shot}): {error}"
        ) from error


# Edges are bare SVG paths; nothing in the DOM names their ends, so each end is matched to the
# node box it touches: a path starts at its source's right edge and ends 5 px left of its target.
_GRAPH_SCRIPT = """() => {
  const boxes = {};
  for (const node of document.querySelectorAll('svg foreignObject:not(.group)')) {
    const named = node.querySelector('[data-tooltip]');
    if (!named) continue;
    boxes[named.getAttribute('data-tooltip')] = {
      x: +node.getAttribute('x'), y: +node.getAttribute('y'),
      w: +node.getAttribute('width'), h: +node.getAttribute('height')};
  }
  const touching = (px, py, source) => {
    for (const [name, b] of Object.entries(boxes)) {
      const x = source ? b.x + b.w : b.x - 5;
      if (Math.hypot(px - x, py - (b.y + b.h / 2)) < 2) return name;
    }
    return null;
  };
  const edges = [];
  for (const path of document.querySelectorAll('svg path[marker-end]')) {
    const n = (path.getAttribute('d') || '').match(/-?[\\d.]+/g) || [];
    if (n.length < 4) continue;
    edges.push([touching(+n[0], +n[1], true), touching(+n[n.length - 2], +n[n.length - 1], false)]);
  }
  return {nodes: Object.keys(boxes), edges};
}"""


def declared_graph(settings: Settings) -> tuple[set[str], set[tuple[str, str]]]:
    graph = build_definitions(settings).resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    return (
        {key.to_user_string() for key in keys},
        {
            (parent.to_user_string(), key.to_user_string())
            for key in keys
            for parent in graph.get(key).parent_keys
        },
    )


def show_whole_lineage(page, edge_count: int) -> dict:
    """The global lineage graph with every group expanded, in a window large enough that every
    node is drawn in full (the UI leaves out what is off screen, and labels at low zoom)."""
    groups = sorted({table.layer for table in ASSET_TABLES})
    page.goto("/asset-groups?expanded=" + ",".join(f"global@global:{g}" for g in groups))
    canvas = page.locator('svg[class*="svgContainer"]')
    canvas.wait_for()
    width, height = float(canvas.get_attribute("width")), float(canvas.get_attribute("height"))
    page.set_viewport_size(
        {"width": max(1920, int(width) + 800), "height": max(1200, int(height) + 250)}
    )
    page.reload()
    for table in ASSET_TABLES:
        page.locator(f'svg foreignObject:not(.group) [data-tooltip="{table.name}"]').wait_for()
    deadline = time.monotonic() + 20  # edges are drawn after the nodes are laid out
    graph = page.evaluate(_GRAPH_SCRIPT)
    while len(graph["edges"]) < edge_count and time.monotonic() < deadline:
        time.sleep(0.3)
        graph = page.evaluate(_GRAPH_SCRIPT)
    return graph


def materialize_all(page, timeout: float) -> str:
    """Click "Materialize all", choose every day, launch: a backfill. Wait for its end."""
    page.goto("/asset-groups")
    page.get_by_role("button", name="Materialize all").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="All", exact=True).click()  # it offers no days at first
    dialog.get_by_text(re.compile(r"^30 partitions$")).wait_for()
    dialog.get_by_role("button", name="Launch backfill").click()
    view = page.get_by_role("link", name="View", exact=True)  # "Created backfill …  View"
    backfill = view.get_attribute("href")
    page.goto(backfill)
    status = page.locator("xpath=//*[normalize-space(text())='Status']/following-sibling::*[1]")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = status.inner_text().strip() if status.count() else ""
        if shown in {"Succeeded", "Completed", "Failed", "Canceled"}:
            return shown
        time.sleep(2)
        page.reload()
    return f"still running after {timeout:.0f} s"


def row_count_shown(page, asset: str) -> int:
    """The row count on the asset's page: the latest materialization's dagster/row_count."""
    page.goto(f"/assets/{asset}")
    count = page.locator(
        "xpath=//span[normalize-space()='Row count']/following-sibling::div[1]//span[@data-tooltip]"
    )
    return int(count.get_attribute("data-tooltip").replace(",", ""))


def chart_drawn(page, asset: str) -> int:
    """The width the browser drew the chart of the asset's latest materialization at (0 when
    it could not draw it). A long Markdown value opens from its "[Show Markdown]" link."""
    page.goto(f"/assets/{asset}?view=events")
    page.locator(
        "xpath=//tr[td[1][normalize-space()='chart']]//a[normalize-space()='[Show Markdown]']"
    ).click()
    chart = page.get_by_role("dialog").locator('img[src^="data:image/svg+xml"]')
    chart.wait_for()
    return chart.evaluate("image => image.complete ? image.naturalWidth : 0")


def test_an_analyst_sees_the_lineage_materializes_everything_and_reads_the_results(
    ui: Ui, page, tmp_path: Path
):
    nodes, edges = declared_graph(ui.settings)
    with screenshot_on_failure(page, "lineage", tmp_path):
        graph = show_whole_lineage(page, len(edges))
        assert set(graph["nodes"]) == nodes
        assert {tuple(edge) for edge in graph["edges"]} == edges
        for edge in [("staging_events", "songplays"), ("songplays", "time"),
                     ("time", "plays_by_hour"), ("songplays", "top_songs")]:  # fmt: skip
            assert edge in edges

    with screenshot_on_failure(page, "materialize_all", tmp_path):
        assert materialize_all(page, MATERIALIZE_SECONDS) in {"Succeeded", "Completed"}, (
            ui.log.read_text()[-3000:]
        )

    with screenshot_on_failure(page, "row_counts", tmp_path):
        with ui.warehouse.session() as session:
            in_warehouse = {t.name: session.state(t.name).row_count for t in ASSET_TABLES}
        shown = {table.name: row_count_shown(page, table.name) for table in ASSET_TABLES}
        assert shown == in_warehouse
        assert all(count > 0 for count in shown.values())

    for table in ANALYTICS_TABLES:
        if table.chart is not None:
            with screenshot_on_failure(page, f"chart_{table.name}", tmp_path):
                assert chart_drawn(page, table.name) > 0
