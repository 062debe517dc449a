"""The Dagster UI as an analyst uses it, in a real browser: Debian's Chromium driven by Playwright,
against `dagster dev` started as a user starts it (in a folder holding the project's
dagster.yaml, no DAGSTER_HOME) on 127.0.0.1 over the embedded warehouse, on the real sample when
SPARKIFY_REAL_DATA names it (end_to_end/conftest.py). The asset graph shows every staging → star
→ analytics node and edge; "Materialize all", from the asset graph and from the sparkify_etl
job's page, builds the same warehouse as one sparkify_etl run, each in one run; each asset's
page shows its row count. A failing step saves a screenshot of the page. (What an analyst reads
on the asset pages: test_ui_results.py.)"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.tables import ASSET_TABLES
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets_tests.conftest import run_etl
from sparkify_assets_tests.support.dagster_ui import Ui, graphql, screenshot_on_failure

MATERIALIZE_SECONDS = 600


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
        state = graphql(url, query)["partitionBackfillOrError"]
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


@pytest.mark.slow  # three whole runs, two of them from the browser
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
