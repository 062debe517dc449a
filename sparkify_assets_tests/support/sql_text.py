"""SQL text as a reader needs it: the statement without its comments."""

from __future__ import annotations

import re

# A quoted string ('' inside it is a quote), a quoted identifier, a $$ body, a `--` comment, or
# any other text: a comment is only found outside the first three.
_PARTS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\$\$.*?\$\$|--[^\n]*|[^'\"$-]+|.", re.S)
_QUOTED = ("'", '"', "$$")
# Blanks ending a line, and the blank lines after it.
_LINE_END = re.compile(r"[ \t]*\n(?:[ \t]*\n)*")


def without_comments(sql: str) -> str:
    """A statement as a reviewer needs it: `--` comments dropped (never inside a quoted string,
    quoted identifier or $$ body, whose text reaches the server as written), no blanks at the end
    of a line, no blank lines."""
    text, code = [], ""
    for part in _PARTS.findall(sql):
        if part.startswith("--"):
            continue
        if part.startswith(_QUOTED) and len(part) > 1:
            text += [_LINE_END.sub("\n", code), part]
            code = ""
        else:
            code += part
    return ("".join(text) + _LINE_END.sub("\n", code)).strip()
