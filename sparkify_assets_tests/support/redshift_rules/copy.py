"""The rule of COPY's options."""

from __future__ import annotations

from sqlglot.tokens import TokenType

from .schema import Schema
from .statements import tokens

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
