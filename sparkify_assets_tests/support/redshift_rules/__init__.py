"""Amazon Redshift's documented rules, as checks over the statements the Redshift target sends.

Nothing of this project has run on Redshift: what it sends is recorded, step by step, in the
committed snapshots, one file per job or scenario (sparkify_assets_tests/snapshots/<folder>/
**/*.sql, kept equal to what is sent by test_redshift_target.py and
test_redshift_scenarios.py). Each rule here is one documented sentence of Amazon's Redshift
guides, the address of the page that states it, and a check of one statement. A folder whose
name contains "serverless" or "provisioned" holds what that kind sends; any other folder, what
both send (`kinds_of`).

The statements are read independently of the code that sends them: split the way the snapshots
are rendered (each ends with ";" and a blank line, without its comments: the sql/ files keep
those and their URLs, and no rule reads them), parsed by sqlglot's "redshift" dialect, and
where a rule is about words rather than structure (function names, COPY options), tokenized by
sqlglot's tokenizer, which keeps each word as it was written.
"""

from ..sql_text import without_comments
from .rule import Rule, violations_in
from .rules import RULES, rule_named
from .schema import Schema
from .statements import kinds_of, snapshot_folders, statements_of

__all__ = [
    "RULES",
    "Rule",
    "Schema",
    "kinds_of",
    "rule_named",
    "snapshot_folders",
    "statements_of",
    "violations_in",
    "without_comments",
]
