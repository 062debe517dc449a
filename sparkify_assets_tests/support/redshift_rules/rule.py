"""A rule (a documented sentence, its page, a check of one statement) and running rules over
a folder of snapshots.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .schema import Schema
from .statements import KINDS, deep_recursion, statements_of

DOCS = "https://docs.aws.amazon.com/redshift/latest/dg/"
MGMT = "https://docs.aws.amazon.com/redshift/latest/mgmt/"


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
