"""Rules of the functions a statement calls or creates: PostgreSQL's Redshift lacks, the
leader node's, and SQL UDFs.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.tokens import TokenType

from .schema import Schema
from .statements import bare_words, called_functions, parse, tables_in, tokens, udf, words_of

# --- 4. PostgreSQL functions Redshift does not support --------------------------------------

# https://docs.aws.amazon.com/redshift/latest/dg/c_unsupported-postgresql-functions.html: "These
# PostgreSQL functions are not supported in Amazon Redshift." The page's list as it reads: a
# PostgreSQL category at the margin, and indented, the functions it names in that category.
UNSUPPORTED_POSTGRESQL_FUNCTIONS_PAGE = """
Access privilege inquiry functions
Advisory lock functions
Aggregate functions
    STRING_AGG() ARRAY_AGG() EVERY() XML_AGG() CORR() COVAR_POP() COVAR_SAMP()
    REGR_AVGX(), REGR_AVGY() REGR_COUNT() REGR_INTERCEPT() REGR_R2() REGR_SLOPE()
    REGR_SXX(), REGR_SXY(), REGR_SYY()
Array functions and operators
Backup control functions
Comment information functions
Database object location functions
Database object size functions
Date/Time functions and operators
    CLOCK_TIMESTAMP() JUSTIFY_DAYS(), JUSTIFY_HOURS(), JUSTIFY_INTERVAL() PG_SLEEP()
    TRANSACTION_TIMESTAMP()
ENUM support functions
Geometric functions and operators
Generic file access functions
IS DISTINCT FROM
Network address functions and operators
Mathematical functions
    DIV() SETSEED() WIDTH_BUCKET()
Set returning functions
    GENERATE_SERIES() GENERATE_SUBSCRIPTS()
Range functions and operators
Recovery control functions
Recovery information functions
ROLLBACK TO SAVEPOINT function
Schema visibility inquiry functions
Server signaling functions
Snapshot synchronization functions
Sequence manipulation functions
String functions
    BIT_LENGTH() OVERLAY() CONVERT(), CONVERT_FROM(), CONVERT_TO() ENCODE() FORMAT()
    QUOTE_NULLABLE() REGEXP_MATCHES() REGEXP_SPLIT_TO_ARRAY() REGEXP_SPLIT_TO_TABLE()
System catalog information functions
System information functions
    CURRENT_CATALOG CURRENT_QUERY() INET_CLIENT_ADDR() INET_CLIENT_PORT() INET_SERVER_ADDR()
    INET_SERVER_PORT() PG_CONF_LOAD_TIME() PG_IS_OTHER_TEMP_SCHEMA() PG_LISTENING_CHANNELS()
    PG_MY_TEMP_SCHEMA() PG_POSTMASTER_START_TIME() PG_TRIGGER_DEPTH() SHOW VERSION()
Text search functions and operators
Transaction IDs and snapshots functions
Trigger functions
XML functions
"""
# Names the page lists that Redshift also documents as its own, with another meaning.
REDSHIFTS_OWN = {
    "CONVERT": "Redshift's CONVERT(type, expression), r_CONVERT_function.html",
    "VERSION": "Redshift's VERSION(), r_VERSION.html (the page lists SHOW VERSION())",
}
# A category the page names without its functions: PostgreSQL's names for it (from
# PostgreSQL's manual), less those Redshift documents as its own (HAS_DATABASE_PRIVILEGE,
# HAS_SCHEMA_PRIVILEGE, HAS_TABLE_PRIVILEGE, PG_CANCEL_BACKEND, PG_TERMINATE_BACKEND, and the
# PG_GET_* / PG_LAST_* functions Redshift adds).
POSTGRESQL_NAMES_OF_CATEGORY = {
    "Access privilege inquiry functions": "PG_HAS_ROLE HAS_FOREIGN_DATA_WRAPPER_PRIVILEGE "
    "HAS_SERVER_PRIVILEGE HAS_TABLESPACE_PRIVILEGE HAS_SEQUENCE_PRIVILEGE",
    "Advisory lock functions": "PG_ADVISORY_LOCK PG_ADVISORY_LOCK_SHARED PG_ADVISORY_UNLOCK "
    "PG_ADVISORY_UNLOCK_ALL PG_ADVISORY_UNLOCK_SHARED PG_ADVISORY_XACT_LOCK "
    "PG_ADVISORY_XACT_LOCK_SHARED PG_TRY_ADVISORY_LOCK PG_TRY_ADVISORY_LOCK_SHARED "
    "PG_TRY_ADVISORY_XACT_LOCK PG_TRY_ADVISORY_XACT_LOCK_SHARED",
    "Array functions and operators": "ARRAY_APPEND ARRAY_CAT ARRAY_DIMS ARRAY_FILL ARRAY_LENGTH "
    "ARRAY_LOWER ARRAY_NDIMS ARRAY_PREPEND ARRAY_REMOVE ARRAY_REPLACE ARRAY_TO_STRING ARRAY_UPPER "
    "CARDINALITY STRING_TO_ARRAY UNNEST",
    "Backup control functions": "PG_START_BACKUP PG_STOP_BACKUP PG_SWITCH_XLOG PG_SWITCH_WAL "
    "PG_CREATE_RESTORE_POINT PG_CURRENT_XLOG_LOCATION PG_CURRENT_WAL_LSN",
    "Comment information functions": "COL_DESCRIPTION OBJ_DESCRIPTION SHOBJ_DESCRIPTION",
    "Database object location functions": "PG_RELATION_FILENODE PG_RELATION_FILEPATH",
    "Database object size functions": "PG_COLUMN_SIZE PG_DATABASE_SIZE PG_INDEXES_SIZE "
    "PG_RELATION_SIZE PG_SIZE_PRETTY PG_TABLE_SIZE PG_TABLESPACE_SIZE PG_TOTAL_RELATION_SIZE",
    "ENUM support functions": "ENUM_FIRST ENUM_LAST ENUM_RANGE",
    "Geometric functions and operators": "AREA CENTER DIAMETER ISCLOSED ISOPEN NPOINTS PCLOSE "
    "POPEN RADIUS",
    "Generic file access functions": "PG_LS_DIR PG_READ_FILE PG_READ_BINARY_FILE PG_STAT_FILE",
    "Network address functions and operators": "ABBREV BROADCAST HOSTMASK MASKLEN NETMASK "
    "SET_MASKLEN INET_SAME_FAMILY INET_MERGE",
    "Range functions and operators": "LOWER_INC UPPER_INC LOWER_INF UPPER_INF RANGE_MERGE ISEMPTY",
    "Recovery control functions": "PG_IS_XLOG_REPLAY_PAUSED PG_XLOG_REPLAY_PAUSE "
    "PG_XLOG_REPLAY_RESUME",
    "Recovery information functions": "PG_IS_IN_RECOVERY PG_LAST_XLOG_RECEIVE_LOCATION "
    "PG_LAST_XLOG_REPLAY_LOCATION PG_LAST_XACT_REPLAY_TIMESTAMP",
    "Schema visibility inquiry functions": "PG_TABLE_IS_VISIBLE PG_TYPE_IS_VISIBLE "
    "PG_FUNCTION_IS_VISIBLE PG_OPERATOR_IS_VISIBLE PG_OPCLASS_IS_VISIBLE PG_CONVERSION_IS_VISIBLE",
    "Server signaling functions": "PG_RELOAD_CONF PG_ROTATE_LOGFILE",
    "Snapshot synchronization functions": "PG_EXPORT_SNAPSHOT",
    "Sequence manipulation functions": "NEXTVAL CURRVAL SETVAL LASTVAL",
    "System catalog information functions": "FORMAT_TYPE PG_GET_CONSTRAINTDEF PG_GET_EXPR "
    "PG_GET_FUNCTIONDEF PG_GET_INDEXDEF PG_GET_RULEDEF PG_GET_SERIAL_SEQUENCE PG_GET_TRIGGERDEF "
    "PG_GET_USERBYID PG_GET_VIEWDEF PG_TABLESPACE_DATABASES PG_TYPEOF",
    "Text search functions and operators": "TO_TSVECTOR TO_TSQUERY PLAINTO_TSQUERY "
    "PHRASETO_TSQUERY TS_RANK TS_RANK_CD TS_HEADLINE SETWEIGHT TSVECTOR_UPDATE_TRIGGER",
    "Transaction IDs and snapshots functions": "TXID_CURRENT TXID_CURRENT_SNAPSHOT "
    "TXID_SNAPSHOT_XIP TXID_SNAPSHOT_XMAX TXID_SNAPSHOT_XMIN TXID_VISIBLE_IN_SNAPSHOT",
    "Trigger functions": "SUPPRESS_REDUNDANT_UPDATES_TRIGGER",
    "XML functions": "XMLCOMMENT XMLCONCAT XMLELEMENT XMLFOREST XMLPI XMLROOT XMLAGG XMLPARSE "
    "XMLSERIALIZE XPATH XPATH_EXISTS XMLEXISTS TABLE_TO_XML QUERY_TO_XML",
}


def _unsupported_functions() -> dict[str, str]:
    """Each unsupported name, with where it comes from: named by the page, or a PostgreSQL name
    of a category the page names."""
    names: dict[str, str] = {}
    category = ""
    for line in UNSUPPORTED_POSTGRESQL_FUNCTIONS_PAGE.strip().splitlines():
        if not line.startswith(" "):
            category = line
            for name in words_of(POSTGRESQL_NAMES_OF_CATEGORY.get(category, "")):
                names[name] = f"PostgreSQL's, of the page's {category!r}"
            continue
        for name in re.findall(r"(\w+)\(\)|(CURRENT_CATALOG)", line):
            name = "".join(name)
            if name not in REDSHIFTS_OWN:
                names[name] = f"named by the page under {category!r}"
    return names


UNSUPPORTED_POSTGRESQL_FUNCTIONS = _unsupported_functions()
_WITHOUT_PARENTHESES = {"CURRENT_CATALOG"}  # PostgreSQL's SQL-standard spelling has none


def _unsupported_postgresql_functions(statement: str, schema: Schema) -> list[str]:
    found = [
        f"{name}() ({UNSUPPORTED_POSTGRESQL_FUNCTIONS[name]})"
        for name in dict.fromkeys(called_functions(statement))
        if name in UNSUPPORTED_POSTGRESQL_FUNCTIONS
    ]
    found += [
        f"{name} ({UNSUPPORTED_POSTGRESQL_FUNCTIONS[name]})"
        for name in dict.fromkeys(bare_words(statement))
        if name in _WITHOUT_PARENTHESES
    ]
    written = " ".join(
        t.text.upper() for t in tokens(statement) if t.token_type != TokenType.STRING
    )
    found += [
        f"{listed} (named by the page)"
        for pattern, listed in (
            (r"\bIS (NOT )?DISTINCT FROM\b", "IS [NOT] DISTINCT FROM"),
            (r"^ROLLBACK TO (SAVEPOINT\b)?", "ROLLBACK TO SAVEPOINT"),
        )
        if re.search(pattern, written)
    ]
    return found


# --- 5. leader node-only functions and catalog tables mixed with compute-node tables ----------

# https://docs.aws.amazon.com/redshift/latest/dg/c_SQL_functions_leader_node_only.html
LEADER_NODE_ONLY_FUNCTIONS = {
    # "The following SQL functions are leader-node only functions and are not supported on the
    # compute nodes:"
    "CURRENT_SCHEMA",
    "CURRENT_SCHEMAS",
    "HAS_DATABASE_PRIVILEGE",
    "HAS_SCHEMA_PRIVILEGE",
    "HAS_TABLE_PRIVILEGE",
    "SUBSTR",
    "FACTORIAL",
    "LOG",
    # "The following leader-node only functions are deprecated:"
    "AGE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "LOCALTIME",
    "ISFINITE",
    "NOW",
    "GETBIT",
    "GET_BYTE",
    "SET_BIT",
    "SET_BYTE",
    "TO_ASCII",
}
_LEADER_NODE_KEYWORDS = {"CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME"}  # no parentheses
COMPUTE_NODE_SYSTEM_PREFIXES = ("stl_", "stv_", "svl_", "svv_")


def is_leader_catalog(table: exp.Table) -> bool:
    """A catalog table of the leader node: a PG_ table (PG_TABLE_DEF, pg_proc ...) or a view of
    information_schema (built on them)."""
    return table.name.lower().startswith("pg_") or table.db.lower() == "information_schema"


def _leader_node_mixed_with_compute_tables(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    tables = tables_in(tree)
    compute = sorted(
        {
            t.name.lower()
            for t in tables
            if schema.is_user_table(t.name)
            or t.name.lower().startswith(COMPUTE_NODE_SYSTEM_PREFIXES)
        }
    )
    if not compute:
        return []
    leader = [f"{name}()" for name in called_functions(statement)]
    leader = [f for f in dict.fromkeys(leader) if f[:-2] in LEADER_NODE_ONLY_FUNCTIONS]
    leader += [w for w in dict.fromkeys(bare_words(statement)) if w in _LEADER_NODE_KEYWORDS]
    leader += sorted({t.sql(dialect="redshift") for t in tables if is_leader_catalog(t)})
    if not leader:
        return []
    return [f"leader node-only {', '.join(leader)} with {', '.join(compute)} in one statement"]


# --- 7. the rest: documented and cheap to check -------------------------------------------


UDF_CLAUSES_REFUSED = {
    "from": "FROM",
    "into": "INTO",
    "where": "WHERE",
    "group": "GROUP BY",
    "order": "ORDER BY",
    "limit": "LIMIT",
}


def _sql_udf(statement: str, schema: Schema) -> list[str]:
    if not re.match(r"CREATE\s+(OR\s+REPLACE\s+)?FUNCTION\b", statement, re.I):
        return []
    function = udf(statement)
    if function is None:
        return [f"not CREATE FUNCTION's syntax: {statement[:120]}"]
    found = []
    if not function["name"].split(".")[-1].strip('"').lower().startswith("f_"):
        found.append(f"the UDF {function['name']} is not named f_...")
    if function["volatility"].upper() not in ("VOLATILE", "STABLE", "IMMUTABLE"):
        found.append(f"{function['volatility']} is not VOLATILE, STABLE or IMMUTABLE")
    args = [a.strip() for a in re.split(r",(?![^()]*\))", function["args"]) if a.strip()]
    if len(args) > 32:
        found.append(f"{len(args)} arguments (at most 32)")
    language = function["language"].lower()
    if language not in ("sql", "plpythonu"):
        found.append(f"LANGUAGE {function['language']} is neither sql nor plpythonu")
    if language != "sql":
        return found
    for arg in args:
        try:
            built = exp.DataType.build(arg, dialect="redshift")
        except (sqlglot.errors.ParseError, ValueError):
            built = None
        if built is None or built.is_type(exp.DataType.Type.USERDEFINED):
            found.append(f"argument {arg!r} is not a data type alone (a SQL UDF's are unnamed)")
    body = parse(statement)
    if not isinstance(body, exp.Select):
        return [*found, "the body is not one SELECT clause"]
    found += [
        f"the body's SELECT has a {clause} clause"
        for key, clause in UDF_CLAUSES_REFUSED.items()
        if body.args.get(key) is not None
    ]
    return found
