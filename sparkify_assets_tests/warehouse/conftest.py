"""Fixtures of the warehouse tests that kill runs, backends and servers: a dataset large enough
to be interrupted halfway, a connection that watches the server, and an embedded server of
their own to kill."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from sparkify_assets.sample.generate import GroundTruth, generate
from sparkify_assets.warehouse.embedded import embedded_postgres_dsn, stop_embedded_postgres


@pytest.fixture(scope="package")
def bigger(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GroundTruth]:
    """A dataset whose staging load and songplays build last long enough to be killed halfway
    (~55,000 events)."""
    out = tmp_path_factory.mktemp("bigger")
    return out, generate(out, users=600, songs=2000, days=30)


@pytest.fixture
def admin(postgres_home: Path) -> Iterator[Any]:
    """A connection of its own that watches the server, outside any run."""
    connection = psycopg2.connect(embedded_postgres_dsn(postgres_home))
    connection.autocommit = True
    yield connection.cursor()
    connection.close()


@pytest.fixture(scope="package")
def own_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A home whose embedded server these tests may kill (not the one every other test uses)."""
    home = tmp_path_factory.mktemp("own-server")
    yield home
    stop_embedded_postgres(home)
