"""One compiled function per table that turns a whole record into its COPY text line.

Calling a converter per value costs more than the conversion itself for most values (a short
string, an int, a float), so the common shapes are checked inline, in one generated function
with one f-string; any other value goes to the column's `fast_converter_for` converter, so the
rules themselves stay in `convert`. Like those converters, the function writes text unescaped,
and it counts the NULLs it writes: in a batch of its lines, every backslash must then be one of
those NULLs' (`RowEncoder.clean`); a batch where one is not is written again by the full rules.
A number bound for a text column raises `NeedsFileText`: its text is only in the raw record.
It also says when the record is an object of exactly the keys read (its key count, once every
key was found), so that schema drift (`drift`) costs nothing more for such a record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import orjson

from sparkify_assets.copyjson.convert import (
    ERR_PARSE,
    FLOAT_TYPES,
    INTEGER_RANGES,
    NULL,
    TEXT_TYPES,
    Column,
    ConversionError,
    Converter,
)
from sparkify_assets.copyjson.mapping import Getter

# A record → its COPY line (line break included, text unescaped), how many NULLs it holds, and
# whether it is known to hold no key beyond those read (False: unknown, ask `drift`).
RowFunction = Callable[[Any], tuple[str, int, bool]]


class NeedsFileText(ConversionError):
    """A text column's value is a number (or holds one) whose text orjson has lost: `1E2` and
    `1.50` are floats, `-0` is 0, digits past 64 bits a float. The record is done again from its
    raw line by `RowEncoder.exact_line`, which keeps every number's text."""

    def __init__(self) -> None:
        super().__init__(ERR_PARSE, "a number's text is needed from the raw record")


def fused_row(
    columns: Sequence[Column],
    fast_converters: Sequence[Converter],
    getters: Sequence[Getter],
    keys: Sequence[str] | None,
) -> RowFunction:
    """The table's row function; it raises `ConversionError` as the converters do. Values come
    from the getters, or, for a dict record holding every key when each path is one key
    (`keys`), from the dict in one `itemgetter` call."""
    by_getters = _compile(columns, fast_converters, getters, None, None)
    if keys is None:
        return by_getters
    return _compile(columns, fast_converters, getters, keys, by_getters)


def _compile(
    columns: Sequence[Column],
    fast_converters: Sequence[Converter],
    getters: Sequence[Getter],
    keys: Sequence[str] | None,
    by_getters: RowFunction | None,
) -> RowFunction:
    values = [f"v{index}" for index in range(len(columns))]
    namespace: dict[str, Any] = {
        "NULL": NULL,
        "by_getters": by_getters,
        "NeedsFileText": NeedsFileText,
    }
    body = ["def row(record):"]
    if keys is None:
        namespace.update({f"getter{index}": getter for index, getter in enumerate(getters)})
        body += [f"    {value} = getter{index}(record)" for index, value in enumerate(values)]
        body += ["    only_read = False"]
    else:
        namespace["pick"] = itemgetter(*_as_decoded(keys))
        unpack = ", ".join(values)  # itemgetter of one key gives the value, of more a tuple
        body += ["    if type(record) is not dict:", "        return by_getters(record)"]
        body += ["    try:", f"        {unpack} = pick(record)"]
        body += ["    except KeyError:", "        return by_getters(record)"]
        # Every key read was found: as many keys again would be one beyond them.
        body += [f"    only_read = len(record) == {len(set(keys))}"]
    body += ["    nulls = 0"]
    for index, (column, value) in enumerate(zip(columns, values, strict=True)):
        namespace[f"convert{index}"] = fast_converters[index]
        if column.data_type in FLOAT_TYPES:
            # A whole number's repr(), without the costly shortest-digits search: ms since 1970
            # are stored as floats. Not -0.0 (falsy), nor from 1e16 on, where repr() uses e+.
            whole = f"{value}.is_integer() and {value} and -1e16 < {value} < 1e16"
            body += [f"    if type({value}) is float and {whole}:"]
            body += [f'        {value} = f"{{int({value})}}.0"']
            body += [f"    elif not ({_shortcut(column, value)}):"]
        else:
            body += [f"    if not ({_shortcut(column, value)}):"]
        body += [
            f"        if {value} is None:",
            f"            {value} = NULL",
            "            nulls += 1",
        ]
        if column.data_type in TEXT_TYPES:
            body += [f"        elif {_text_lost(value)}:", "            raise NeedsFileText"]
        body += ["        else:", f"            {value} = convert{index}({value})"]
        body += [f"            if {value} == NULL:", "                nulls += 1"]
    fields = "\\t".join(f"{{{value}}}" for value in values)
    body += [f'    return f"{fields}\\n", nulls, only_read']
    code = compile("\n".join(body), f"<COPY row of {len(columns)} columns>", "exec")
    exec(code, namespace)
    return namespace["row"]


def _as_decoded(keys: Sequence[str]) -> list[str]:
    """The keys as the very string objects orjson gives a decoded record (it caches short
    keys), so that looking them up matches by identity instead of comparing text."""
    decoded = {key: key for key in orjson.loads(orjson.dumps(dict.fromkeys(keys)))}
    return [decoded.get(key, key) for key in keys]


def _text_lost(value: str) -> str:
    """Whether orjson's value no longer tells the file's text: a float, the int 0 (`-0` too), an
    object or array (which may hold either). A non-zero int's digits are its text."""
    return (
        f"type({value}) is float or type({value}) is int and not {value} "
        f"or type({value}) is dict or type({value}) is list"
    )


def _shortcut(column: Column, value: str) -> str:
    """Whether the value is of a common shape that an f-string writes as the column's converter
    would (the tests compare them): a string that fits, an int in range, a float (whose str()
    is its repr()). Anything else goes to the converter."""
    if column.data_type in TEXT_TYPES:
        # A string fits if it is at most a quarter of the limit long (a character takes at
        # most 4 bytes), or ASCII (a byte a character; isascii() reads a flag) within it.
        limit = column.max_length or 1 << 62
        fits = f"len({value}) <= {limit // 4} or len({value}) <= {limit} and {value}.isascii()"
        return f"type({value}) is str and ({fits})"
    if column.data_type in INTEGER_RANGES:
        low, high = INTEGER_RANGES[column.data_type]
        digits = len(str(high)) - 1  # any count of this many ASCII digits is in range
        return (
            f"type({value}) is int and {low} <= {value} <= {high} or type({value}) is str "
            f"and 0 < len({value}) <= {digits} and {value}.isascii() and {value}.isdigit() "
            f"and {value}[0] != '0'"
        )
    if column.data_type in FLOAT_TYPES:
        return f"type({value}) is float"
    return "False"
