"""Double-encoded UTF-8 in the logs (`BjÃ\x83Â¶rk`): the one pattern that finds it.

The damaged_text check looks for it in the star tables, and `sparkify redshift preflight`
tries it on the user's cluster; the function that repairs it is sql/functions/repair_text.sql.
"""

# The mark double-encoded UTF-8 leaves: a UTF-8 lead byte read as Latin-1 (U+00C2-U+00F4), then
# a continuation byte read so (U+0080-U+00BF). A POSIX bracket range of non-ASCII characters:
# PostgreSQL reads them as characters; Redshift's page is silent
# (https://docs.aws.amazon.com/redshift/latest/dg/pattern-matching-conditions-posix.html), so
# `sparkify redshift preflight` tries it ("repair function").
DAMAGE_MARK = "[\u00c2-\u00f4][\u0080-\u00bf]"
