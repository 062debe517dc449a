"""The Dagster UI as an analyst uses it, in a real browser: Debian's Chromium driven by Playwright,
against `dagster dev` started as a user starts it (in a folder holding the project's
dagster.yaml, no DAGSTER_HOME) on 127.0.0.1 over the embedded warehouse, on the real sample when
SPARKIFY_REAL_DATA names it. The asset graph shows every staging → star → analytics node and
edge; "Materialize all", from the asset graph and from the sparkify_etl job's page, builds the
same warehouse as one sparkify_etl run, each in one run; each asset's page shows its row count,
and the charts render. A failing step saves a screenshot of the page."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.days import day_file, day_of_log_file
from sparkify_assets.model.paths import PROJECT_ROOT
from sparkify_assets.model.tables import ANALYTICS_TABLES, ASSET_TABLES
from sparkify_assets.pipeline.instance import INSTANCE_FILE
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets_tests.conftest import REAL_DATA_VARIABLE, run_etl

CHROMIUM_VARIABLE = "SPARKIFY_CHROMIUM"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
SERVER_START_SECONDS = 180
# Where the browser test leaves its pictures of the asset pages (README: "The UI").
SCREENSHOTS = PROJECT_ROOT / ".sparkify" / "screenshots"
MATERIALIZE_SECONDS = 600


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
    work: Path
    variables: dict[str, str]

    @property
    def days(self) -> list[str]:
        """The daily partitions, as the code location has them."""
        job = build_definitions(self.settings).resolve_job_def("sparkify_etl")
        assert job.partitions_def is not None
        return job.partitions_def.get_partition_keys()


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


def live_copy(source: Path, work: Path) -> Path:
    """The raw files as a feed that is still arriving, which a test may change: each log file
    moved, name and ts alike, by the whole days that make its last day yesterday; the song
    files linked. On a feed whose days ended long ago Dagster 1.13 draws no plot by partition:
    its newest-first list of partition keys starts at today whatever the partitions' end
    (`TimeWindowPartitionsDefinition.get_paginated_partition_keys`), so the Plots view asks for
    days that have no materialization."""
    copy = work / "source"
    logs = sorted((source / "log_data").rglob("*-events.json"))
    last = max(day_of_log_file(str(log)) for log in logs)
    shift = datetime.now(UTC).date() - timedelta(days=1) - last
    for log in logs:
        day = day_of_log_file(str(log)) + shift
        moved = copy / day_file("log_data/", day)
        moved.parent.mkdir(parents=True, exist_ok=True)
        lines = log.read_text(encoding="utf-8").splitlines()
        moved.write_text("\n".join(_moved(line, shift) for line in lines), encoding="utf-8")
    (copy / "song_data").symlink_to(source / "song_data")
    shutil.copy(source / "log_json_path.json", copy / "log_json_path.json")
    return copy


def _moved(line: str, shift: timedelta) -> str:
    """A log line with its ts moved; a line that is not a record with a ts, as it was."""
    try:
        record = json.loads(line)
        record["ts"] += shift.days * 86_400_000
    except (ValueError, TypeError, KeyError):
        return line
    return json.dumps(record, ensure_ascii=False)


@pytest.fixture(scope="module")
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
    port = _free_port()
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
        _wait_until_loaded(url, server, log)
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


@dataclass(frozen=True)
class Backfill:
    status: str
    seconds: float  # from the click on "Launch backfill" to the status shown
    runs: int


def materialize_all(page, url: str, where: str, days: int, timeout: float) -> Backfill:
    """Click "Materialize all" on the page at `where`, choose every day, launch: a backfill.
    Wait for its end, and count its runs."""
    page.goto(where)
    page.get_by_role("button", name="Materialize all").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="All", exact=True).click()  # it offers no days at first
    dialog.get_by_text(re.compile(rf"^{days} partitions$")).wait_for()
    dialog.get_by_role("button", name="Launch backfill").click()
    launched = time.monotonic()
    view = page.get_by_role("link", name="View", exact=True)  # "Created backfill …  View"
    backfill = view.get_attribute("href")
    page.goto(backfill)  # the page a user watches; it refreshes itself
    backfill_id = backfill.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    query = (
        f'{{ partitionBackfillOrError(backfillId: "{backfill_id}") '
        "{ ... on PartitionBackfill { status runs { id } } } }"
    )
    state: dict = {}
    while time.monotonic() < launched + timeout:  # asked the server, not the busy browser
        state = _graphql(url, query)["partitionBackfillOrError"]
        if state["status"] in {
            "COMPLETED",
            "COMPLETED_SUCCESS",
            "COMPLETED_FAILED",
            "FAILED",
            "CANCELED",
        }:
            break
        time.sleep(0.5)
    seconds = time.monotonic() - launched
    page.reload()
    status = page.locator("xpath=//*[normalize-space(text())='Status']/following-sibling::*[1]")
    status.wait_for()
    shown = status.inner_text().strip() or state.get("status", "")
    return Backfill(shown, seconds, len(state.get("runs", [])))


def table_contents(warehouse: WarehouseResource) -> dict[str, int]:
    """Each table's rows and a digest of them, independent of their order."""
    contents = {}
    with warehouse.session() as session:
        for table in ASSET_TABLES:
            session.cursor.execute(
                "SELECT COUNT(*), COALESCE(SUM(hashtext(t::text)::bigint), 0) "
                f'FROM "{table.name}" t'
            )
            contents[table.name] = tuple(session.cursor.fetchone())
    return contents


def row_count_shown(page, asset: str) -> int:
    """The row count on the asset's page: the latest materialization's dagster/row_count."""
    page.goto(f"/assets/{asset}")
    count = page.locator(
        "xpath=//span[normalize-space()='Row count']/following-sibling::div[1]//span[@data-tooltip]"
    )
    return int(count.get_attribute("data-tooltip").replace(",", ""))


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

    # What one sparkify_etl run builds, in a schema of its own: what every way of building
    # everything from the UI must leave behind.
    reference = ui.warehouse.model_copy(update={"schema_name": f"{ui.warehouse.schema_name}_etl"})
    etl_settings = Settings.from_env({**ui.variables, "SPARKIFY_SCHEMA": reference.schema_name})
    try:
        assert run_etl(etl_settings).success
        expected = table_contents(reference)
    finally:
        with reference.session() as session:
            session.execute("common/drop_schema", schema=reference.schema_name)
    days = len(ui.days)
    reset = build_definitions(ui.settings).resolve_job_def("reset_warehouse")
    timings = {}
    for name, where in (
        ("asset graph", "/asset-groups"),
        ("sparkify_etl job page", "/locations/__repository__@sparkify_assets/jobs/sparkify_etl"),
    ):
        assert reset.execute_in_process().success  # each way starts from empty tables
        with screenshot_on_failure(page, f"materialize_all from the {name}", tmp_path):
            backfill = materialize_all(page, ui.url, where, days, MATERIALIZE_SECONDS)
            assert backfill.status in {"Succeeded", "Completed"}, ui.log.read_text()[-3000:]
            assert backfill.runs == 1, backfill  # the whole graph in one run
            assert table_contents(ui.warehouse) == expected, name
            timings[name] = round(backfill.seconds, 1)
    (ui.work / "timings.json").write_text(json.dumps(timings))
    print(f"Materialize all, launch to {backfill.status}: {timings}")

    with screenshot_on_failure(page, "row_counts", tmp_path):
        with ui.warehouse.session() as session:
            in_warehouse = {t.name: session.state(t.name).row_count for t in ASSET_TABLES}
        shown = {table.name: row_count_shown(page, table.name) for table in ASSET_TABLES}
        assert shown == in_warehouse
        assert all(count > 0 for count in shown.values())


def run_cli(ui: Ui, *arguments: str) -> None:
    """A `dagster` command as a user types it in the UI's folder: its runs land in the
    instance the UI shows."""
    environment = {**os.environ, **ui.variables}
    for name in ("DAGSTER_HOME", "SPARKIFY_FIRST_DAY", "SPARKIFY_LAST_DAY"):
        environment.pop(name, None)
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), *arguments], cwd=ui.work, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def metadata_section(page, asset: str):
    """The "Metadata" section of the asset's overview: the latest materialization's entries."""
    page.goto(f"/assets/{asset}")
    section = page.locator("xpath=//*[normalize-space(text())='Metadata']/ancestor::*[.//table][1]")
    section.locator("table").first.wait_for()
    return section


def shot(page, name: str) -> None:
    """A picture of what the window shows (the UI scrolls inside the page, so a full-page
    picture would show no more)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def points_by_partition(url: str, asset: str, label: str, days: list[str]) -> dict[str, float]:
    """What the Plots view of a daily asset draws for one label: the latest materialization of
    each day, as the UI asks for it (a chart is a canvas: its points are not in the page)."""
    query = (
        f'{{ assetNodeOrError(assetKey: {{path: ["{asset}"]}}) {{ ... on AssetNode {{ '
        f"latestMaterializationByPartition(partitions: {json.dumps(days)}) {{ partition "
        "metadataEntries { label ... on IntMetadataEntry { intValue } "
        "... on FloatMetadataEntry { floatValue } } } } } }"
    )
    events = _graphql(url, query)["assetNodeOrError"]["latestMaterializationByPartition"]
    return {
        event["partition"]: entry.get("intValue", entry.get("floatValue"))
        for event in events
        if event
        for entry in event["metadataEntries"]
        if entry["label"] == label
    }


def add_a_key_to_a_log_file(source: Path, day: str, key: str) -> None:
    """Append to the day's log a copy of one of its events that is not a play, with a key the
    JSONPaths do not map: one more staging row, and no other table changes."""
    [log] = source.glob(f"log_data/**/{day}-events.json")
    lines = log.read_text(encoding="utf-8").splitlines()
    other = next(json.loads(line) for line in lines if json.loads(line)["page"] != "NextSong")
    log.write_text("\n".join([*lines, json.dumps({**other, key: "surprised"})]), encoding="utf-8")


def test_an_analyst_reads_each_result_in_place_its_plots_by_day_its_sql_and_new_keys(
    ui: Ui, page, tmp_path: Path
):
    run_cli(ui, "job", "execute", "-m", "sparkify_assets", "-j", "sparkify_etl")
    days = ui.days

    with screenshot_on_failure(page, "chart_in_place", tmp_path):
        section = metadata_section(page, "plays_by_hour")
        chart = section.locator('img[src^="data:image/svg+xml"]')
        chart.wait_for()  # drawn in the table, no "[Show Markdown]" to click
        assert chart.evaluate("image => image.complete && image.naturalWidth") > 0
        assert section.get_by_text("[Show Markdown]").count() == 0
        chart.scroll_into_view_if_needed()
        shot(page, "plays_by_hour")

    with screenshot_on_failure(page, "table_in_place", tmp_path):
        section = metadata_section(page, "top_songs")
        songs = next(table for table in ANALYTICS_TABLES if table.name == "top_songs")
        expected = ui.warehouse.last_rows(songs, 100)
        preview = section.locator("table table").first  # a table inside the metadata table
        preview.wait_for()
        preview.scroll_into_view_if_needed()
        shown = [
            [cell.strip() for cell in row.locator("td").all_inner_texts()]
            for row in preview.locator("tbody tr").all()
        ]
        assert shown == [["" if v is None else str(v) for v in row] for row in expected]
        shot(page, "top_songs")

    with screenshot_on_failure(page, "plots_by_day", tmp_path):
        with ui.warehouse.session() as session:
            session.cursor.execute(
                "SELECT CAST(start_time AS DATE), COUNT(*) FROM songplays GROUP BY 1"
            )
            plays = {str(day): count for day, count in session.cursor.fetchall()}
        assert points_by_partition(ui.url, "songplays", "plays", days) == {
            day: plays.get(day, 0) for day in days
        }
        section = metadata_section(page, "songplays")
        section.get_by_role("button", name="Plots").click()
        charts = page.locator("canvas")
        charts.first.wait_for()
        for label in ("plays", "active_users", "matched_share"):
            page.get_by_text(label, exact=True).first.wait_for()
        assert charts.count() >= 3
        shot(page, "songplays_plots")

    with screenshot_on_failure(page, "code_reference", tmp_path):
        page.goto("/assets/songplays")
        link = page.locator('a[href$="sql/star/songplays.insert.sql:1"]')
        link.wait_for()
        opened = link.get_attribute("href").removeprefix("vscode://file/").rsplit(":", 1)[0]
        assert Path(opened).read_text(encoding="utf-8").startswith("-- One row per play")

    new_key, day = "listener_mood", days[len(days) // 2]
    add_a_key_to_a_log_file(Path(ui.variables["SPARKIFY_SOURCE"]), day, new_key)
    tags = json.dumps({"dagster/partition": day})
    run_cli(ui, "job", "execute", "-m", "sparkify_assets", "-j", "sparkify_daily", "--tags", tags)
    with screenshot_on_failure(page, "drift_warning", tmp_path):
        page.goto("/assets/staging_events?view=checks")
        check = page.locator('[class*="checkRow"]', has_text="new_json_keys")
        check.click()
        assert check.get_by_text("Failed").count() == 1
        # A failed WARN check is drawn with a yellow warning sign; a failed ERROR one is red.
        assert check.get_by_role("img", name="warning_outline").count() == 1
        page.get_by_text(new_key).first.wait_for()  # named in the result and its metadata
        shot(page, "staging_events_drift")
