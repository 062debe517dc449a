"""Rules of Redshift's system tables and views: which a kind can query, and their columns."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

from .rule import DOCS
from .schema import Schema
from .statements import parse, tables_in, words_of

# --- 2. system tables and views Serverless can't query -------------------------------------

# https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-monitoring.html ("Monitoring
# queries and workloads with Amazon Redshift Serverless"), followed by the list of SVV views
# that are the exception.
SERVERLESS_QUERYABLE_SVV = frozenset(
    name.lower()
    for name in words_of(
        """
    SVV_ALL_COLUMNS SVV_ALL_SCHEMAS SVV_ALL_TABLES SVV_ALTER_TABLE_RECOMMENDATIONS SVV_COLUMNS
    SVV_COLUMN_PRIVILEGES SVV_DATABASE_PRIVILEGES SVV_DATASHARES SVV_DATASHARE_CONSUMERS
    SVV_DATASHARE_OBJECTS SVV_DATASHARE_PRIVILEGES SVV_DEFAULT_PRIVILEGES SVV_EXTERNAL_COLUMNS
    SVV_EXTERNAL_DATABASES SVV_EXTERNAL_PARTITIONS SVV_EXTERNAL_SCHEMAS SVV_EXTERNAL_TABLES
    SVV_MV_DEPENDENCY SVV_MV_INFO SVV_FUNCTION_PRIVILEGES SVV_IDENTITY_PROVIDERS
    SVV_INTERLEAVED_COLUMNS SVV_LANGUAGE_PRIVILEGES SVV_ML_MODEL_PRIVILEGES SVV_ML_MODEL_INFO
    SVV_REDSHIFT_COLUMNS SVV_REDSHIFT_DATABASES SVV_REDSHIFT_FUNCTIONS SVV_REDSHIFT_SCHEMAS
    SVV_REDSHIFT_TABLES SVV_RELATION_PRIVILEGES SVV_RLS_ATTACHED_POLICY SVV_RLS_POLICY
    SVV_RLS_RELATION SVV_ROLE_GRANTS SVV_ROLES SVV_SCHEMA_PRIVILEGES SVV_SYSTEM_PRIVILEGES
    SVV_TABLES SVV_TABLE_INFO SVV_TRANSACTIONS SVV_USER_INFO SVV_USER_GRANTS
    """
    )
)
PROVISIONED_ONLY_PREFIXES = ("stl_", "stv_", "svl_", "svcs_")


def provisioned_only_relations(statement: str) -> list[str]:
    """The STL, STV, SVCS, SVL and (most) SVV tables and views a statement reads."""
    names = []
    for table in tables_in(parse(statement)):
        name = table.name.lower()
        if name.startswith(PROVISIONED_ONLY_PREFIXES) or (
            name.startswith("svv_") and name not in SERVERLESS_QUERYABLE_SVV
        ):
            names.append(name)
    return sorted(set(names))


def _provisioned_only_system_views(statement: str, schema: Schema) -> list[str]:
    return [f"reads {name}" for name in provisioned_only_relations(statement)]


# --- 7. the rest: documented and cheap to check -------------------------------------------


# The views' documented columns: the pages' "Table columns" tables.
SYSTEM_VIEW_COLUMNS = {
    "stl_load_errors": "userid slice tbl starttime session query filename line_number colname "
    "type col_length position raw_line raw_field_value err_code err_reason",
    "stl_load_commits": "userid query slice name filename byte_offset lines_scanned errors "
    "curtime status file_format is_partial start_offset copy_job_id",
    "sys_load_history": "user_id query_id transaction_id session_id database_name status "
    "table_name start_time end_time duration data_source file_format loaded_rows loaded_bytes "
    "source_file_count source_file_bytes file_count_scanned file_bytes_scanned error_count "
    "copy_job_id",
    "sys_load_error_detail": "user_id query_id transaction_id session_id database_name table_id "
    "start_time file_name line_number column_name column_type column_length position error_code "
    "error_message",
}
SYSTEM_VIEW_PAGES = {
    "stl_load_errors": DOCS + "r_STL_LOAD_ERRORS.html",
    "stl_load_commits": DOCS + "r_STL_LOAD_COMMITS.html",
    "sys_load_history": DOCS + "SYS_LOAD_HISTORY.html",
    "sys_load_error_detail": DOCS + "SYS_LOAD_ERROR_DETAIL.html",
}


def _system_view_columns(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    if tree is None or not any(t.name.lower() in SYSTEM_VIEW_COLUMNS for t in tables_in(tree)):
        return []
    found = []
    for scope in traverse_scope(tree):
        views = {
            alias: source.name.lower()
            for alias, (_, source) in scope.selected_sources.items()
            if isinstance(source, exp.Table) and source.name.lower() in SYSTEM_VIEW_COLUMNS
        }
        if not views:
            continue
        for column in scope.columns:
            if column.table:
                view = views.get(column.table)
            else:
                view = next(iter(views.values())) if len(scope.selected_sources) == 1 else None
            if view and column.name.lower() not in SYSTEM_VIEW_COLUMNS[view].split():
                found.append(f"{view} has no column {column.name} ({SYSTEM_VIEW_PAGES[view]})")
    return found
