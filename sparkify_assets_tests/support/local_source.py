"""A local source as the tests of file systems build it: one good song file in a folder that a
test fills with odd entries, a warehouse that tolerates rejections, and what load_errors holds."""

from __future__ import annotations

import json
from pathlib import Path

from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import RawSourceResource
from sparkify_assets_tests.conftest import RawFiles
from sparkify_assets_tests.support.rawdata import song

SONG = "song_data/A/A/A/TRAAAAAAAAAAAAAAAA.json"
DAY = "log_data/2018/11/2018-11-01-events.json"


def songs_with(raw_files: RawFiles) -> tuple[RawSourceResource, Path]:
    """A source of one good song file; the folder beside it, for the odd entry."""
    source = raw_files({SONG: json.dumps(song())})
    return source, Path(source.location) / "song_data/A/A/A"


def tolerant(warehouse: WarehouseResource) -> WarehouseResource:
    return warehouse.model_copy(update={"maxerror": 100})


def fetch(warehouse: WarehouseResource, query: str) -> list[tuple]:
    with warehouse.session() as session:
        session.cursor.execute(query)
        return session.cursor.fetchall()


def load_errors_of(warehouse: WarehouseResource) -> list[tuple]:
    return fetch(
        warehouse,
        "SELECT filename, line_number, err_code, err_reason FROM load_errors ORDER BY filename",
    )
