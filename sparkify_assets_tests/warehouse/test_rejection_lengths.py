"""load_errors holds every rejection whatever its length: a file at the end of a long path
with its whole name, a warehouse made by the older DDL widened with its rows kept, a reason
longer than its column cut to fit with a marker (on Redshift, in bytes between characters),
a name with tabs and line breaks as it is."""

from __future__ import annotations

from pathlib import Path

from sparkify_assets.model.tables import STAGING_TABLES
from sparkify_assets.model.targets import Target
from sparkify_assets.warehouse.bookkeeping import create_bookkeeping
from sparkify_assets.warehouse.session import fit_text
from sparkify_assets.warehouse.source import RawSourceResource
from sparkify_assets_tests.conftest import RawFiles
from sparkify_assets_tests.support.local_source import (
    load_errors_of,
    songs_with,
    tolerant,
)

EVENTS, SONGS = STAGING_TABLES
OLD_LOAD_ERRORS = """CREATE TABLE load_errors (
    load_id VARCHAR(64) NOT NULL, starttime TIMESTAMP NOT NULL, tbl_name VARCHAR(128) NOT NULL,
    filename VARCHAR(1024) NOT NULL, line_number BIGINT NOT NULL, colname VARCHAR(128),
    type VARCHAR(32), raw_line VARCHAR(1024), raw_field_value VARCHAR(1024),
    err_code INTEGER NOT NULL, err_reason VARCHAR(512) NOT NULL
)"""


def _deep_bad_file(source: RawSourceResource) -> str:
    """A song file 2,000 characters deep holding one line that is not JSON."""
    key = "song_data/" + "/".join(["x" * 199] * 10) + "/TRBAD.json"
    path = Path(source.location) / key
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    return key


def test_a_rejection_in_a_file_at_the_end_of_a_long_path_is_recorded_with_its_whole_name(
    warehouse, raw_files: RawFiles
):
    source, _ = songs_with(raw_files)
    key = _deep_bad_file(source)
    tolerant(warehouse).load_staging(SONGS, source)
    assert [(name, line) for name, line, _, _ in load_errors_of(warehouse)] == [(key, 1)]


def test_a_warehouse_made_by_the_older_ddl_is_widened_and_keeps_its_rows(
    warehouse, raw_files: RawFiles
):
    with warehouse.session() as session:
        session.cursor.execute(OLD_LOAD_ERRORS)
        session.cursor.execute(
            "INSERT INTO load_errors VALUES ('old', now(), 't', 'f', 1, NULL, NULL, NULL, NULL,"
            " 1200, 'kept')"
        )
    source, _ = songs_with(raw_files)
    key = _deep_bad_file(source)
    tolerant(warehouse).load_staging(SONGS, source)
    rejections = {(name, line, reason) for name, line, _, reason in load_errors_of(warehouse)}
    assert ("f", 1, "kept") in rejections
    assert (key, 1) in {(name, line) for name, line, _ in rejections}
    with warehouse.session() as session:
        migrated = session.columns("load_errors")
        session.cursor.execute("DROP TABLE load_errors")
        create_bookkeeping(session)
        assert migrated == session.columns("load_errors")


def test_a_rejection_longer_than_its_column_is_cut_to_fit_with_a_marker(
    warehouse, raw_files: RawFiles
):
    source, folder = songs_with(raw_files)
    (folder / "gone.json").symlink_to("/n" * 1_500)  # its reason names the link's target
    tolerant(warehouse).load_staging(SONGS, source)
    [(_, _, _, reason)] = load_errors_of(warehouse)
    assert len(reason) == 512 and reason.endswith("…")
    assert reason.startswith("not a file but a symbolic link to /n/n/n")


def test_on_redshift_a_text_is_cut_to_its_width_in_bytes_between_characters():
    assert fit_text("é" * 600, 1024, Target.REDSHIFT) == "é" * 510 + "…"  # 1,020 + 3 bytes
    assert fit_text("é" * 600, 1024, Target.LOCAL) == "é" * 600  # PostgreSQL counts characters
    assert fit_text("s3://b/" + "k" * 2_000, 1024, Target.LOCAL).endswith("k…")
    assert fit_text(12, 1, Target.REDSHIFT) == 12


def test_a_file_name_with_a_tab_a_line_break_and_a_backslash_is_recorded_as_it_is(
    warehouse, raw_files: RawFiles
):
    source, folder = songs_with(raw_files)
    (folder / "a\tb\nc\\d.json").write_text("{not json")
    tolerant(warehouse).load_staging(SONGS, source)
    assert [name for name, *_ in load_errors_of(warehouse)] == ["song_data/A/A/A/a\tb\nc\\d.json"]
