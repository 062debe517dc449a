"""What an analyst reads on the asset pages in a real browser, after `dagster job execute` in
the UI's folder (end_to_end/conftest.py starts the UI): the plays-by-hour chart and the
top-songs table drawn in place, the Plots of songplays by day, the link to its SQL, and a new
JSON key named by a failed WARN check. It saves its pictures of those pages to
.sparkify/screenshots/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sparkify_assets.model.paths import PROJECT_ROOT
from sparkify_assets.model.tables import ANALYTICS_TABLES
from sparkify_assets_tests.support.dagster_ui import Ui, graphql, screenshot_on_failure

# Where the browser test leaves its pictures of the asset pages (README: "The UI").
SCREENSHOTS = PROJECT_ROOT / ".sparkify" / "screenshots"


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
    events = graphql(url, query)["assetNodeOrError"]["latestMaterializationByPartition"]
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


@pytest.mark.slow  # two `dagster job execute` runs, then the browser
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
