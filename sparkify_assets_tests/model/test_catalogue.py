"""The catalogue a new analyst reads in the UI: every asset described and owned, its kinds, every
column described, and each built table's columns traced to the upstream columns they come from."""

from __future__ import annotations

import pytest
from dagster import AssetKey, TableColumnLineage, TableSchema

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.catalogue import CatalogueError, columns_of
from sparkify_assets.model.tables import (
    ANALYTICS_TABLES,
    ASSET_TABLES,
    STAGING_TABLES,
    AnalyticsTable,
    BuiltTable,
    StarTable,
    Table,
)
from sparkify_assets_tests.conftest import declared_definitions

BUILT_TABLES = [table for table in ASSET_TABLES if isinstance(table, BuiltTable)]


def spec(name: str):
    return declared_definitions().resolve_asset_graph().get(AssetKey(name))


@pytest.mark.parametrize("table", ASSET_TABLES, ids=lambda table: table.name)
def test_every_column_of_every_table_is_described(table: Table):
    undescribed = [column.name for column in columns_of(table) if not column.description]
    assert columns_of(table) and undescribed == []


@pytest.mark.parametrize("table", BUILT_TABLES, ids=lambda table: table.name)
def test_every_built_column_comes_from_columns_of_the_tables_it_is_built_from(table: BuiltTable):
    known = {t.name: {c.name for c in columns_of(t)} for t in ASSET_TABLES}
    for column in columns_of(table):
        assert column.sources, f"{table.name}.{column.name} names no source"
        for upstream, upstream_column in column.sources:
            assert upstream in table.upstream, f"{table.name}.{column.name}: {upstream}"
            assert upstream_column in known[upstream], f"{upstream}.{upstream_column}"


@pytest.mark.parametrize("table", BUILT_TABLES, ids=lambda table: table.name)
def test_every_table_it_is_built_from_feeds_some_column(table: BuiltTable):
    used = {upstream for column in columns_of(table) for upstream, _ in column.sources}
    assert used == set(table.upstream)


@pytest.mark.parametrize("table", ASSET_TABLES, ids=lambda table: table.name)
def test_the_ui_shows_each_column_with_its_description_and_lineage(table: Table):
    node = spec(table.name)
    schema = node.metadata["dagster/column_schema"]
    assert isinstance(schema, TableSchema)
    assert [(c.name, c.description) for c in schema.columns] == [
        (c.name, c.description) for c in columns_of(table)
    ]
    lineage = node.metadata.get("dagster/column_lineage")
    if not isinstance(table, BuiltTable):
        assert lineage is None
        return
    assert isinstance(lineage, TableColumnLineage)
    assert {
        column: {(dep.asset_key.to_user_string(), dep.column_name) for dep in deps}
        for column, deps in lineage.deps_by_column.items()
    } == {c.name: set(c.sources) for c in columns_of(table)}


@pytest.mark.parametrize("table", ASSET_TABLES, ids=lambda table: table.name)
def test_every_asset_has_a_description_an_owner_and_a_group_of_its_layer(table: Table):
    node = spec(table.name)
    assert node.description and len(node.description) > 20
    expected_owner = (
        "team:analytics" if isinstance(table, AnalyticsTable) else ("team:data-engineering")
    )
    assert node.owners == [expected_owner]
    assert node.group_name == table.layer


def test_kinds_say_where_the_data_lives_and_where_it_comes_from(settings):
    # Both days given: the definitions list no source (there is none here).
    days = {"SPARKIFY_FIRST_DAY": "2018-11-01", "SPARKIFY_LAST_DAY": "2018-11-30"}
    local = build_definitions(settings(**days)).resolve_asset_graph()
    on_s3 = build_definitions(
        settings(SPARKIFY_SOURCE="s3://sparkify-bucket/raw", **days)
    ).resolve_asset_graph()
    for table in ASSET_TABLES:
        assert "postgres" in local.get(AssetKey(table.name)).kinds
    for table in STAGING_TABLES:
        assert local.get(AssetKey(table.name)).kinds == {"postgres", "file", "json"}
        assert on_s3.get(AssetKey(table.name)).kinds == {"postgres", "s3", "json"}
    for table in ANALYTICS_TABLES:
        assert local.get(AssetKey(table.name)).kinds == {"postgres", "sql"}


def test_on_redshift_the_kind_says_redshift():
    redshift = Settings.from_env(
        {
            "SPARKIFY_TARGET": "redshift",
            "SPARKIFY_SOURCE": "s3://udacity-dend",
            "REDSHIFT_HOST": "example.invalid",
            "REDSHIFT_DB": "dev",
            "REDSHIFT_USER": "user",
            "REDSHIFT_PASSWORD": "password",
            "SPARKIFY_IAM_ROLE_ARN": "arn:aws:iam::123456789012:role/sparkify",
            # both ends given: the definitions need no listing of the bucket
            "SPARKIFY_FIRST_DAY": "2018-11-01",
            "SPARKIFY_LAST_DAY": "2018-11-30",
        }
    )
    graph = build_definitions(redshift).resolve_asset_graph()
    assert graph.get(AssetKey("staging_events")).kinds == {"redshift", "s3", "json"}
    assert graph.get(AssetKey("songplays")).kinds == {"redshift", "sql"}


def test_a_source_not_written_as_table_dot_column_is_refused(tmp_path, monkeypatch):
    import sparkify_assets.model.catalogue as catalogue
    import sparkify_assets.model.sql as sql

    (tmp_path / "star").mkdir()
    (tmp_path / "star" / "broken.create.sql").write_text(
        "CREATE TABLE broken (\n    id INTEGER -- An id. <- staging_events\n)\n"
    )
    monkeypatch.setattr(sql, "SQL_DIR", tmp_path)
    sql.read_sql.cache_clear()
    catalogue.columns_of.cache_clear()
    try:
        with pytest.raises(CatalogueError, match=r"sql/star/broken.create.sql, column id"):
            columns_of(StarTable("broken", key="id", upstream=(), description=""))
    finally:
        sql.read_sql.cache_clear()
        catalogue.columns_of.cache_clear()


def test_the_catalogue_reads_every_column_the_ddl_creates(warehouse):
    """A column line the catalogue could not read would silently lose its description."""
    with warehouse.session() as session:
        session.create(*ASSET_TABLES)
        for table in ASSET_TABLES:
            created = [column.name for column in session.columns(table.name)]
            assert [column.name for column in columns_of(table)] == created, table.name
