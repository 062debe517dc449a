-- Does the damaged_text check's pattern (model/damaged_text.py, a POSIX bracket range of
-- non-ASCII characters) find the damaged word, and not its repair? The page on the ~ operator
-- is silent on non-ASCII characters in a range
-- (https://docs.aws.amazon.com/redshift/latest/dg/pattern-matching-conditions-posix.html).
SELECT word ~ %(damage_mark)s, {function}(word) ~ %(damage_mark)s FROM {table}
