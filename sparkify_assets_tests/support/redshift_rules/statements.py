"""The statements of the snapshots: the folders, what each sends, and each statement read by
sqlglot's Redshift dialect (its tree, its words as written).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import Token, TokenType

from ..redshift_snapshots import statements_by_step
from ..snapshots import SNAPSHOTS

PROVISIONED = "provisioned"
SERVERLESS = "serverless"
KINDS = frozenset({PROVISIONED, SERVERLESS})

_REDSHIFT = Dialect.get_or_raise("redshift")


# --- the snapshots -------------------------------------------------------------------------


def snapshot_folders() -> list[Path]:
    """Every folder of snapshots (snapshots/*/): one per kind of Redshift target."""
    return sorted(p for p in SNAPSHOTS.glob("*/") if p.is_dir())


def kinds_of(folder: Path) -> frozenset[str]:
    """The kinds of Redshift that send a folder's statements: a folder named for one kind holds
    only that kind's; `redshift/` holds what both send (the Serverless run is checked to send
    exactly these statements, test_redshift_kinds.py)."""
    named = {kind for kind in KINDS if kind in folder.name.lower()}
    return frozenset(named or KINDS)


def statements_of(folder: Path) -> dict[str, list[str]]:
    """Every distinct statement of a folder's snapshots, with where it is sent (a snapshot file,
    relative to snapshots/, and the step), in the order they are found."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*.sql")):
        name = path.relative_to(SNAPSHOTS).as_posix()
        for step, body in statements_by_step(path.read_text(encoding="utf-8")):
            places = found.setdefault(body, [])
            if f"{name}, step {step}" not in places:
                places.append(f"{name}, step {step}")
    return found


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
