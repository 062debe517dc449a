"""Fixtures of the pipeline tests of days."""

from __future__ import annotations

from pathlib import Path

import pytest

from sparkify_assets.sample.generate import generate
from sparkify_assets_tests.support.daily_runs import DAYS


@pytest.fixture
def six_days(tmp_path: Path) -> Path:
    """A small generated source of DAYS days from FIRST, fresh for each test (tests rewrite
    its files)."""
    out = tmp_path / "sample"
    generate(out, users=30, songs=80, days=DAYS, seed=7)
    return out
