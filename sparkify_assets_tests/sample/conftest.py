"""The generator's default dataset, written once for the tests of sample/, and its records read
back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sparkify_assets.sample.generate import GroundTruth, generate
from sparkify_assets_tests.support.generated import read_events, read_songs


@pytest.fixture(scope="package")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GroundTruth]:
    root = tmp_path_factory.mktemp("sparkify") / "raw"
    return root, generate(root)


@pytest.fixture(scope="package")
def events(dataset: tuple[Path, GroundTruth]) -> list[dict[str, Any]]:
    return read_events(dataset[0])


@pytest.fixture(scope="package")
def songs(dataset: tuple[Path, GroundTruth]) -> list[dict[str, Any]]:
    return read_songs(dataset[0])
