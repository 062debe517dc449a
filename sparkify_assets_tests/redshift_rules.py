"""Amazon Redshift's documented rules, as checks over the statements the Redshift target sends.

Nothing of this project has run on Redshift: what it sends is recorded per Dagster step in the
committed snapshots (sparkify_assets_tests/snapshots/<folder>/**/*.sql, kept equal to what is
sent by test_redshift_target.py). Each rule here is one documented sentence of Amazon's Redshift
guides, the address of the page that states it, and a check of one statement. A folder whose
name contains "serverless" or "provisioned" holds what that kind sends; any other folder, what
both send (`kinds_of`).

The statements are read independently of the code that writes them: split the way the snapshots
are rendered (each ends with ";" and a blank line), parsed by sqlglot's "redshift" dialect, and
where a rule is about words rather than structure (function names, COPY options), tokenized by
sqlglot's tokenizer, which keeps each word as it was written.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.optimizer.scope import Scope, traverse_scope
from sqlglot.tokens import Token, TokenType

from .redshift_recorder import COMMIT, ROLLBACK

SNAPSHOTS_ROOT = Path(__file__).parent / "snapshots"
PROVISIONED = "provisioned"
SERVERLESS = "serverless"
KINDS = frozenset({PROVISIONED, SERVERLESS})
DOCS = "https://docs.aws.amazon.com/redshift/latest/dg/"
MGMT = "https://docs.aws.amazon.com/redshift/latest/mgmt/"

_REDSHIFT = Dialect.get_or_raise("redshift")


# --- the snapshots -------------------------------------------------------------------------


def snapshot_folders() -> list[Path]:
    """Every folder of snapshots (snapshots/*/): one per kind of Redshift target."""
    return sorted(p for p in SNAPSHOTS_ROOT.glob("*/") if p.is_dir())


def kinds_of(folder: Path) -> frozenset[str]:
    """The kinds of Redshift that send a folder's statements: a folder named for one kind holds
    only that kind's; `redshift/` holds what both send (the Serverless run is checked to send
    exactly these statements, test_redshift_kinds.py)."""
    named = {kind for kind in KINDS if kind in folder.name.lower()}
    return frozenset(named or KINDS)


def without_comments(text: str) -> str:
    """As test_redshift_target.py reads them: `--` comments dropped (no snapshot has `--` in a
    string literal)."""
    return re.sub(r"--[^\n]*", "", text).strip()


def statements_of(folder: Path) -> dict[str, list[str]]:
    """Every distinct statement of a folder's snapshots, with the snapshot files (relative to
    snapshots/) that send it, in the order the files are found."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*.sql")):
        name = path.relative_to(SNAPSHOTS_ROOT).as_posix()
        for chunk in path.read_text(encoding="utf-8").split(";\n\n"):
            body = without_comments(chunk).rstrip(";").strip()
            if body and body not in (COMMIT, ROLLBACK):
                files = found.setdefault(body, [])
                if name not in files:
                    files.append(name)
    return found


# --- what the statements create ------------------------------------------------------------


@dataclass
class Schema:
    """The tables the snapshots create, each with its columns' types (sqlglot's type names:
    BOOLEAN, VARCHAR, DOUBLE, ...). Names are lower case: Redshift folds identifiers to lower
    case, quoted or not, unless enable_case_sensitive_identifier is on (it is not here)."""

    tables: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_statements(cls, statements: Iterable[str]) -> Schema:
        schema = cls()
        likes: list[tuple[str, str]] = []
        for text in statements:
            tree = parse(text)
            if not (isinstance(tree, exp.Create) and tree.kind == "TABLE"):
                continue
            target = tree.this
            table = target.this if isinstance(target, exp.Schema) else target
            if not isinstance(table, exp.Table):
                continue
            name = table.name.lower()
            columns = schema.tables.setdefault(name, {})
            if isinstance(target, exp.Schema):
                for item in target.expressions:
                    if isinstance(item, exp.ColumnDef) and isinstance(item.kind, exp.DataType):
                        columns[item.name.lower()] = item.kind.this.name
                    elif isinstance(item, exp.LikeProperty):
                        likes.append((name, item.this.name.lower()))
        for name, parent in likes:  # CREATE TEMP TABLE x (LIKE y): y's columns
            schema.tables[name] = {**schema.tables.get(parent, {}), **schema.tables[name]}
        return schema

    def column_type(self, table: str, column: str) -> str | None:
        return self.tables.get(table.lower(), {}).get(column.lower())

    def is_user_table(self, table: str) -> bool:
        return table.lower() in self.tables


# --- reading a statement -------------------------------------------------------------------

_UDF = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(?P<name>[\w.\"]+)\s*\((?P<args>.*?)\)"
    r"\s+RETURNS\s+(?P<returns>.+?)\s+(?P<volatility>\w+)\s+AS\s+\$\$(?P<body>.*)\$\$"
    r"\s+LANGUAGE\s+(?P<language>\w+)\s*",
    re.DOTALL | re.IGNORECASE,
)


@cache
def udf(text: str) -> re.Match[str] | None:
    """The parts of a CREATE FUNCTION: sqlglot has no grammar for a SQL UDF's unnamed
    arguments, so the header is read by pattern and the body (a SELECT) is parsed."""
    if not re.match(r"CREATE\s+(OR\s+REPLACE\s+)?FUNCTION\b", text, re.IGNORECASE):
        return None
    return _UDF.fullmatch(text)


@contextmanager
def deep_recursion() -> Iterator[None]:
    """f_repair_text nests a few hundred REPLACE calls: deeper than Python's default stack for
    sqlglot's recursive parser and walks."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


@cache
def parse(text: str) -> exp.Expression | None:
    """The statement's tree by sqlglot's Redshift dialect; for a CREATE FUNCTION, its body's;
    None where sqlglot has no grammar (LOCK) or could not read it."""
    if re.match(r"LOCK\b", text, re.IGNORECASE):
        return None  # sqlglot has no grammar for LOCK (the LOCK rule reads it by pattern)
    function = udf(text)
    source = function.group("body") if function else text
    try:
        with deep_recursion():
            trees = sqlglot.parse(source, read="redshift")
    except sqlglot.errors.ParseError:
        return None
    if len(trees) != 1 or trees[0] is None or isinstance(trees[0], exp.Command):
        return None
    return trees[0]


@cache
def tokens(text: str) -> tuple[Token, ...]:
    """The statement's words as written (sqlglot normalises NOW() to CURRENT_TIMESTAMP and
    SUBSTR to SUBSTRING in its trees; its tokens keep the spelling). A CREATE FUNCTION's body is
    tokenized on its own, not as one $$-quoted string."""
    function = udf(text)
    if function:
        header = text[: function.start("body")] + text[function.end("body") :]
        return tuple(_REDSHIFT.tokenize(header)) + tuple(_REDSHIFT.tokenize(function["body"]))
    return tuple(_REDSHIFT.tokenize(text))


_NOT_CALLS = {"INTO", "TABLE", "EXISTS", "REFERENCES", "KEY", "FUNCTION", "ON"}
_VALUE_TOKENS = {TokenType.STRING, TokenType.NUMBER, TokenType.IDENTIFIER}


def called_functions(text: str) -> list[str]:
    """The upper-case names written as calls (`name(`): unquoted words before "(" except table
    names after INTO / TABLE / EXISTS (`INSERT INTO t (cols)`, `CREATE TABLE t (...)`)."""
    words = tokens(text)
    calls = []
    for before, word, after in zip((None, *words[:-1]), words, (*words[1:], None), strict=True):
        if after is None or after.token_type != TokenType.L_PAREN:
            continue
        if word.token_type in _VALUE_TOKENS or not re.fullmatch(r"[A-Za-z_]\w*", word.text):
            continue
        if before is not None and before.text.upper() in _NOT_CALLS:
            continue
        calls.append(word.text.upper())
    return calls


def bare_words(text: str) -> list[str]:
    """Every unquoted word, upper case (for keywords such as CURRENT_TIMESTAMP, written without
    parentheses)."""
    return [
        t.text.upper()
        for t in tokens(text)
        if t.token_type not in _VALUE_TOKENS and re.fullmatch(r"[A-Za-z_]\w*", t.text)
    ]


def tables_in(tree: exp.Expression | None) -> list[exp.Table]:
    return list(tree.find_all(exp.Table)) if tree is not None else []


def words_of(text: str) -> list[str]:
    """A list written as words separated by blanks."""
    return text.split()


def snippet(node: exp.Expression) -> str:
    text = node.sql(dialect="redshift")
    return text if len(text) <= 120 else text[:117] + "..."


# --- a rule --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One documented rule: its page's address, the sentence that states it, and a check of one
    statement that returns what breaks it (nothing when the statement keeps it)."""

    name: str
    doc_url: str
    quote: str
    check: Callable[[str, Schema], list[str]] = field(repr=False)
    kinds: frozenset[str] = KINDS

    def applies_to(self, kind: str) -> bool:
        return kind in self.kinds

    def violations(self, statement: str, schema: Schema) -> list[str]:
        with deep_recursion():
            return self.check(statement, schema)


# --- 1. no BOOLEAN cast to a string type ---------------------------------------------------

# https://docs.aws.amazon.com/redshift/latest/dg/c_Supported_data_types.html#r_Type_conversion
# ("Type compatibility and conversion"; formerly its own page, r_Type_conversion.html). Its rules
# name the types that convert to strings, and BOOLEAN is not among them: "Conversely, you can
# convert a date, time, timestamp, or numeric value to a fixed-length or variable-length
# character string." and "When data types are incompatible, you can sometimes convert a value
# from one data type to another by using an explicit conversion function." Redshift refuses such
# a cast with "cannot cast type boolean to character varying" (its error text, as reported in
# dbt-labs/dbt-utils#1016 and datafold/data-diff#280; the guide itself does not print it).

STRING_TYPES = {t.name for t in exp.DataType.TEXT_TYPES} | {"BPCHAR"}
_PASS_THROUGH = (exp.Paren, exp.Alias, exp.Coalesce, exp.Nullif, exp.Max, exp.Min, exp.AnyValue)


def expression_type(node: exp.Expression, scope: Scope | None, schema: Schema) -> str | None:
    """The type of an expression where it can be known from the statement and the tables the
    snapshots create: BOOLEAN for predicates, connectives and boolean literals; a column's
    declared type, through the FROM of its SELECT (tables, derived tables and CTEs)."""
    if isinstance(node, exp.Boolean | exp.Predicate | exp.Connector | exp.Not):
        return "BOOLEAN"
    if isinstance(node, exp.Cast):
        return node.to.this.name
    if isinstance(node, _PASS_THROUGH):
        return expression_type(node.this, scope, schema)
    if isinstance(node, exp.Case):
        branches = [branch.args.get("true") for branch in node.args.get("ifs") or []]
        for branch in [*branches, node.args.get("default")]:
            known = expression_type(branch, scope, schema) if branch is not None else None
            if known:
                return known
        return None
    if isinstance(node, exp.Column):
        return column_type(node, scope, schema)
    return None


def column_type(column: exp.Column, scope: Scope | None, schema: Schema) -> str | None:
    name = column.name
    if scope is None:  # outside any SELECT (DELETE ... WHERE): the statement's own tables
        tree = column.root()
        for table in tables_in(tree):
            known = schema.column_type(table.name, name)
            if known:
                return known
        return None
    if column.table:
        sources = [scope.sources.get(column.table)]
    else:
        sources = [source for _, source in scope.selected_sources.values()]
    for source in sources:
        if isinstance(source, exp.Table):
            known = schema.column_type(source.name, name)
        elif isinstance(source, Scope):
            known = _projection_type(source, name, schema)
        else:
            known = None
        if known:
            return known
    return None


def _projection_type(scope: Scope, name: str, schema: Schema) -> str | None:
    query = scope.expression
    while isinstance(query, exp.SetOperation):  # a UNION's columns are its first SELECT's
        query = query.this
    if not isinstance(query, exp.Select):
        return None
    for projection in query.selects:
        if projection.alias_or_name.lower() == name.lower():
            return expression_type(projection, scope, schema)
    return None


def _boolean_cast_to_string(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    if tree is None:
        return []
    found, seen = [], set()
    for scope in traverse_scope(tree):
        for cast in scope.find_all(exp.Cast):
            seen.add(id(cast))
            found += _if_boolean_to_string(cast, scope, schema)
    for cast in tree.find_all(exp.Cast):
        if id(cast) not in seen:
            found += _if_boolean_to_string(cast, None, schema)
    return found


def _if_boolean_to_string(cast: exp.Cast, scope: Scope | None, schema: Schema) -> list[str]:
    if cast.to.this.name not in STRING_TYPES:
        return []
    if expression_type(cast.this, scope, schema) != "BOOLEAN":
        return []
    return [f"a BOOLEAN cast to {cast.to.sql(dialect='redshift')}: {snippet(cast)}"]


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


# --- 3. CREATE SCHEMA of PUBLIC ------------------------------------------------------------


def _create_schema_public(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    if not (isinstance(tree, exp.Create) and tree.kind == "SCHEMA"):
        return []
    target = tree.this
    name = (target.db or target.name) if isinstance(target, exp.Table) else target.name
    if name.lower() == "public":
        return [f"creates the schema {name!r}: {snippet(tree)}"]
    return []


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


# --- 6. COPY options from the documented parameter list -------------------------------------

# https://docs.aws.amazon.com/redshift/latest/dg/r_COPY-alphabetical-parm-list.html, each with
# the words its syntax allows after it (copy-parameters-*.html): a parameter's arguments are
# string or number literals, or these words.
COPY_PARAMETERS: dict[str, frozenset[str]] = {
    name: frozenset(after.split())
    for name, after in {
        # authorization (copy-parameters-authorization.html)
        "IAM_ROLE": "DEFAULT",
        "ACCESS_KEY_ID": "",
        "SECRET_ACCESS_KEY": "",
        "SESSION_TOKEN": "",
        "WITH": "CREDENTIALS",
        "CREDENTIALS": "AS",
        # data source (copy-parameters-data-source-s3.html, -ssh, -dynamodb)
        "FROM": "",
        "MANIFEST": "",
        "ENCRYPTED": "",
        "MASTER_SYMMETRIC_KEY": "",
        "REGION": "AS",
        "SSH": "",
        "READRATIO": "AS",
        # data format (copy-parameters-data-format.html)
        "FORMAT": "AS CSV JSON AVRO PARQUET ORC FIXEDWIDTH SHAPEFILE",
        "CSV": "QUOTE AS",
        "QUOTE": "AS",
        "DELIMITER": "AS",
        "FIXEDWIDTH": "",
        "SHAPEFILE": "SIMPLIFY AUTO",
        "AVRO": "AS",
        "JSON": "AS",
        "PARQUET": "",
        "ORC": "",
        # file compression (copy-parameters-file-compression.html)
        "BZIP2": "",
        "GZIP": "",
        "LZOP": "",
        "ZSTD": "",
        # data conversion (copy-parameters-data-conversion.html)
        "ACCEPTANYDATE": "",
        "ACCEPTINVCHARS": "AS",
        "BLANKSASNULL": "",
        "DATEFORMAT": "AS",
        "EMPTYASNULL": "",
        "ENCODING": "AS UTF8 UTF16 UTF16LE UTF16BE",
        "ESCAPE": "",
        "EXPLICIT_IDS": "",
        "FILLRECORD": "",
        "IGNOREBLANKLINES": "",
        "IGNOREHEADER": "AS",
        "NULL": "AS",
        "REMOVEQUOTES": "",
        "ROUNDEC": "",
        "TIMEFORMAT": "AS",
        "TRIMBLANKS": "",
        "TRUNCATECOLUMNS": "",
        # data load (copy-parameters-data-load.html)
        "COMPROWS": "",
        "COMPUPDATE": "PRESET ON TRUE OFF FALSE",
        "IGNOREALLERRORS": "",
        "MAXERROR": "AS",
        "NOLOAD": "",
        "STATUPDATE": "ON TRUE OFF FALSE",
    }.items()
}
# copy-parameters-data-format.html: "The following options aren't supported with JSON:"
NOT_WITH_JSON = {"CSV", "DELIMITER", "ESCAPE", "FILLRECORD", "FIXEDWIDTH", "IGNOREBLANKLINES"}
NOT_WITH_JSON |= {"NULL", "READRATIO", "REMOVEQUOTES"}
AUTHORIZATION = {"IAM_ROLE", "CREDENTIALS", "ACCESS_KEY_ID"}


def copy_options(statement: str) -> list[str] | None:
    """The words of a COPY after `COPY table [(columns)]`, or None if it is not a COPY."""
    words = tokens(statement)
    if not words or words[0].token_type != TokenType.COPY:
        return None
    depth, start = 0, len(words)
    for i, token in enumerate(words[1:], 1):
        depth += (token.token_type == TokenType.L_PAREN) - (token.token_type == TokenType.R_PAREN)
        if depth == 0 and token.token_type == TokenType.FROM:
            start = i
            break
    return [
        t.text.upper()
        for t in words[start:]
        if t.token_type not in (TokenType.STRING, TokenType.NUMBER, TokenType.COMMA)
    ]


def _copy_parameters(statement: str, schema: Schema) -> list[str]:
    options = copy_options(statement)
    if options is None:
        return []
    found, allowed_after = [], frozenset[str]()
    for word in options:
        if word in COPY_PARAMETERS:
            allowed_after = COPY_PARAMETERS[word]
        elif word not in allowed_after:
            found.append(f"COPY option {word} is not in the documented parameter list")
    if "JSON" in options:
        found += [f"COPY option {o} isn't supported with JSON" for o in NOT_WITH_JSON & {*options}]
    if not AUTHORIZATION & {*options}:
        found.append("COPY without authorization (IAM_ROLE, CREDENTIALS or ACCESS_KEY_ID)")
    return found


# --- 7. the rest: documented and cheap to check -------------------------------------------


def _truncate(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    if isinstance(tree, exp.TruncateTable) or re.match(r"TRUNCATE\b", statement, re.I):
        return [f"TRUNCATE commits the load's transaction: {statement[:80]}"]
    return []


def _on_conflict(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    return [f"ON CONFLICT: {snippet(n)}" for n in (tree.find_all(exp.OnConflict) if tree else [])]


def _distinct_on(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    nodes = tree.find_all(exp.Distinct) if tree else []
    return [f"DISTINCT ON: {snippet(d)}" for d in nodes if d.args.get("on")]


def _identity_columns(statement: str, schema: Schema) -> list[str]:
    """Redshift's identity columns are IDENTITY(seed, step) or GENERATED BY DEFAULT AS
    IDENTITY(seed, step), on INT or BIGINT, in CREATE TABLE only (CTAS doesn't carry them)."""
    tree = parse(statement)
    found = []
    for constraint in tree.find_all(exp.GeneratedAsIdentityColumnConstraint) if tree else []:
        column = constraint.find_ancestor(exp.ColumnDef)
        kind = column.kind.this.name if column is not None and column.kind else None
        if not isinstance(tree, exp.Create) or tree.expression is not None:
            found.append(f"an identity column outside CREATE TABLE: {snippet(constraint)}")
        elif constraint.this is True:
            found.append(f"GENERATED ALWAYS AS IDENTITY: {snippet(constraint)}")
        elif constraint.args.get("start") is None or constraint.args.get("increment") is None:
            found.append(f"an identity column without (seed, step): {snippet(constraint)}")
        elif kind not in ("INT", "BIGINT"):
            found.append(f"an identity column of type {kind}: {snippet(constraint)}")
    return found


def _lock(statement: str, schema: Schema) -> list[str]:
    if not re.match(r"LOCK\b", statement, re.I):
        return []
    name = r'(?:"[^"]+"|[A-Za-z_]\w*)(?:\.(?:"[^"]+"|[A-Za-z_]\w*))?'
    if re.fullmatch(rf"LOCK(?:\s+TABLE)?\s+{name}(?:\s*,\s*{name})*", statement, re.I):
        return []
    return [f"not LOCK [ TABLE ] table_name [, ...]: {statement}"]


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


def _boolean_is_outside_where(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    found = []
    for node in tree.find_all(exp.Is) if tree else []:
        # (IS UNKNOWN reaches sqlglot's tree as IS NULL, so it is not told apart here)
        if isinstance(node.expression, exp.Boolean) and node.find_ancestor(exp.Where) is None:
            found.append(f"IS TRUE/FALSE outside a WHERE clause: {snippet(node)}")
    return found


CHARACTER_MAXIMUM = {"CHAR": 4096, "NCHAR": 4096, "BPCHAR": 4096, "VARCHAR": 65535}
CHARACTER_MAXIMUM |= {"NVARCHAR": 65535}


def _character_lengths(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    found = []
    for data_type in tree.find_all(exp.DataType) if tree else []:
        maximum = CHARACTER_MAXIMUM.get(data_type.this.name)
        params = data_type.expressions
        if maximum and params and isinstance(params[0].this, exp.Literal):
            length = int(params[0].this.name)
            if length > maximum:
                found.append(f"{snippet(data_type)} is over {maximum} bytes")
    return found


POSTGRES_SYSTEM_COLUMNS = {"oid", "tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"}


def _unsupported_postgresql_features(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    if tree is None:
        return []
    found = []
    if isinstance(tree, exp.Create) and tree.kind in ("INDEX", "SEQUENCE", "TRIGGER"):
        found.append(f"CREATE {tree.kind}: {snippet(tree)}")
    for column in tree.find_all(exp.ColumnDef):
        if column.name.lower() in POSTGRES_SYSTEM_COLUMNS:
            found.append(f"a column named {column.name}, a PostgreSQL system column name")
    for data_type in tree.find_all(exp.DataType):
        if data_type.this.name in ("SERIAL", "BIGSERIAL", "SMALLSERIAL"):
            found.append(f"the {data_type.this.name} type (a PostgreSQL sequence)")
    for values in tree.find_all(exp.Values):
        if not isinstance(values.parent, exp.Insert):
            found.append(f"a VALUES list used as a constant table: {snippet(values)}")
    return found


NOT_IN_A_TRANSACTION_BLOCK = {
    r"VACUUM\b": "VACUUM",
    r"CREATE\s+DATABASE\b": "CREATE DATABASE",
    r"DROP\s+DATABASE\b": "DROP DATABASE",
    r"ALTER\s+TABLE\s+\S+\s+APPEND\b": "ALTER TABLE APPEND",
    r"ALTER\s+TABLE\s+\S+\s+ALTER\s+COLUMN\b": "ALTER TABLE ... ALTER COLUMN",
}


def _not_in_a_transaction_block(statement: str, schema: Schema) -> list[str]:
    """Every statement of the snapshots runs inside a transaction: psycopg2 opens one with a
    connection's first statement, and the snapshots mark where each begins and ends."""
    return [
        f"{command} can't run within a transaction block: {statement[:80]}"
        for pattern, command in NOT_IN_A_TRANSACTION_BLOCK.items()
        if re.match(pattern, statement, re.IGNORECASE)
    ]


MAXIMUM_STATEMENT_BYTES = 16 * 1024 * 1024


def _statement_size(statement: str, schema: Schema) -> list[str]:
    size = len(statement.encode("utf-8"))
    return [f"{size} bytes, over 16 MB"] if size > MAXIMUM_STATEMENT_BYTES else []


# --- the rules -----------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule(
        "no BOOLEAN cast to a string type",
        DOCS + "c_Supported_data_types.html#r_Type_conversion",
        "Conversely, you can convert a date, time, timestamp, or numeric value to a fixed-length"
        " or variable-length character string. (BOOLEAN is not among the types a string can be"
        " made of; Redshift answers: cannot cast type boolean to character varying.)",
        _boolean_cast_to_string,
    ),
    Rule(
        "no STL, STV, SVCS, SVL or provisioned-only SVV system view on Serverless",
        MGMT + "serverless-monitoring.html",
        "You can't query STL, STV, SVCS, SVL, and some SVV system tables and views with Amazon"
        " Redshift Serverless, except the following: ...",
        _provisioned_only_system_views,
        frozenset({SERVERLESS}),
    ),
    Rule(
        "no CREATE SCHEMA of the schema PUBLIC",
        DOCS + "r_CREATE_SCHEMA.html",
        "schema_name: Name of the new schema. The schema name can't be PUBLIC. (And the required"
        " privileges are: Superuser; Users with the CREATE SCHEMA privilege.)",
        _create_schema_public,
    ),
    Rule(
        "no PostgreSQL function Redshift does not support",
        DOCS + "c_unsupported-postgresql-functions.html",
        "These PostgreSQL functions are not supported in Amazon Redshift.",
        _unsupported_postgresql_functions,
    ),
    Rule(
        "no leader node-only function or catalog table with user or STL/STV/SVL/SVV tables",
        DOCS + "c_SQL_functions_leader_node_only.html",
        "A query that uses a leader-node function must run exclusively on the leader node, not"
        " on the compute nodes, or it will return an error. The leader node distributes SQL to"
        " the compute nodes when a query references user-created tables or system tables"
        " (tables with an STL or STV prefix and system views with an SVL or SVV prefix).",
        _leader_node_mixed_with_compute_tables,
    ),
    Rule(
        "COPY options only from the documented parameter list",
        DOCS + "r_COPY-alphabetical-parm-list.html",
        "The following list provides links to each COPY command parameter description, sorted"
        " alphabetically. (copy-parameters-data-format.html: The following options aren't"
        " supported with JSON: CSV, DELIMITER, ESCAPE, FILLRECORD, FIXEDWIDTH, IGNOREBLANKLINES,"
        " NULL AS, READRATIO, REMOVEQUOTES. r_COPY.html: The COPY command requires three"
        " elements: Table Name, Data Source, Authorization.)",
        _copy_parameters,
    ),
    Rule(
        "no TRUNCATE in a transaction that must be atomic",
        DOCS + "r_TRUNCATE.html",
        "The TRUNCATE command commits the transaction in which it is run; therefore, you can't"
        " roll back a TRUNCATE operation, and a TRUNCATE command may commit other operations"
        " when it commits itself.",
        _truncate,
    ),
    Rule(
        "no ON CONFLICT",
        DOCS + "r_INSERT_30.html",
        "INSERT INTO table_name [ ( column [, ...] ) ] {DEFAULT VALUES | VALUES ( { expression |"
        " DEFAULT } [, ...] ) [, ( { expression | DEFAULT } [, ...] ) [, ...] ] | query }",
        _on_conflict,
    ),
    Rule(
        "no DISTINCT ON",
        DOCS + "r_SELECT_list.html",
        "SELECT [ TOP number ] [ ALL | DISTINCT ] * | expression [ AS column_alias ] [, ...]",
        _distinct_on,
    ),
    Rule(
        "identity columns only as Redshift declares them, in CREATE TABLE",
        DOCS + "r_CREATE_TABLE_NEW.html",
        "[ IDENTITY ( seed, step ) ] [ GENERATED BY DEFAULT AS IDENTITY ( seed, step ) ] ... The"
        " data type for an IDENTITY column must be either INT or BIGINT. (r_CTAS_usage_notes:"
        " CREATE TABLE AS (CTAS) tables don't inherit constraints, identity columns, default"
        " column values, or the primary key from the table that they were created from.)",
        _identity_columns,
    ),
    Rule(
        "LOCK [ TABLE ] table_name [, ...] and nothing more",
        DOCS + "r_LOCK.html",
        "LOCK [ TABLE ] table_name [, ...] (The LOCK command obtains a table-level lock in"
        ' "ACCESS EXCLUSIVE" mode: it has no modes and no NOWAIT.)',
        _lock,
    ),
    Rule(
        "a SQL UDF is CREATE FUNCTION's syntax, with a FROM-less SELECT and unnamed arguments",
        DOCS + "udf-creating-a-scalar-sql-udf.html",
        "Don't include a FROM clause in your SELECT clause. ... The SELECT clause can't include"
        " any of the following types of clauses: FROM, INTO, WHERE, GROUP BY, ORDER BY, LIMIT."
        " (r_CREATE_FUNCTION.html: For a SQL UDF, a list of data types, without argument names."
        " ... { VOLATILE | STABLE | IMMUTABLE } ... $$ LANGUAGE { plpythonu | sql } ... You can"
        " specify a maximum of 32 arguments. ... We recommend that you prefix all UDF names with"
        " f_.)",
        _sql_udf,
    ),
    Rule(
        "system views read by their documented columns",
        DOCS + "r_STL_LOAD_ERRORS.html",
        "Table columns: (each view's page lists its columns: r_STL_LOAD_ERRORS.html,"
        " r_STL_LOAD_COMMITS.html, SYS_LOAD_HISTORY.html, SYS_LOAD_ERROR_DETAIL.html)",
        _system_view_columns,
    ),
    Rule(
        "IS TRUE/FALSE only in a WHERE clause",
        DOCS + "r_Boolean_type.html",
        "You can use an IS comparison to check a Boolean value only as a predicate in the WHERE"
        " clause. You can't use the IS comparison with a Boolean value in the SELECT list.",
        _boolean_is_outside_where,
    ),
    Rule(
        "CHAR at most 4096 bytes, VARCHAR at most 65535",
        DOCS + "r_Character_types.html",
        "The MAX setting defines the width of the column as 4096 bytes for CHAR or 65535 bytes"
        " for VARCHAR.",
        _character_lengths,
    ),
    Rule(
        "no unsupported PostgreSQL feature (indexes, sequences, triggers, VALUES tables,"
        " system column names)",
        DOCS + "c_unsupported-postgresql-features.html",
        "These PostgreSQL features are not supported in Amazon Redshift. ... Indexes ..."
        " Sequences ... Triggers ... VALUES list used as constant tables ... the PostgreSQL"
        " system column names cannot be used as names of user-defined columns.",
        _unsupported_postgresql_features,
    ),
    Rule(
        "no statement that can't run within a transaction block",
        DOCS + "r_VACUUM_command.html",
        "You can't run VACUUM within a transaction block (BEGIN ... END). (Likewise"
        " r_CREATE_DATABASE.html, r_DROP_DATABASE.html: You can't run CREATE DATABASE / DROP"
        " DATABASE within a transaction block; r_ALTER_TABLE_APPEND.html: You can't run ALTER"
        " TABLE APPEND within a transaction block; r_ALTER_TABLE.html: You can't alter columns"
        " within a transaction block.)",
        _not_in_a_transaction_block,
    ),
    Rule(
        "a statement is at most 16 MB",
        DOCS + "r_INSERT_30.html",
        "The maximum size for a single SQL statement is 16 MB.",
        _statement_size,
    ),
)


def rule_named(name: str) -> Rule:
    return next(rule for rule in RULES if rule.name == name)


@dataclass(frozen=True)
class Violation:
    rule: Rule
    files: tuple[str, ...]
    statement: str
    what: str

    def __str__(self) -> str:
        where = self.files[0] + (
            f" (and {len(self.files) - 1} more)" if len(self.files) > 1 else ""
        )
        statement = " ".join(self.statement.split())
        statement = statement if len(statement) <= 100 else statement[:97] + "..."
        return f"{where}: {self.what}\n    in: {statement}\n    see {self.rule.doc_url}"


def violations_in(folder: Path, rules: Iterable[Rule]) -> Iterator[Violation]:
    """Every violation of the rules in one folder of snapshots, its schema read from the same
    folder's CREATE TABLE statements."""
    found = statements_of(folder)
    schema = Schema.from_statements(found)
    for rule in rules:
        for statement, files in found.items():
            for what in rule.violations(statement, schema):
                yield Violation(rule, tuple(files), statement, what)
