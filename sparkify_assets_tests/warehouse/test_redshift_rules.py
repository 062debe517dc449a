"""Every statement the Redshift target sends keeps Amazon's documented rules for Redshift.

The rules are in redshift_rules/, each with the address of the page that states it; they run
over every folder of snapshots (snapshots/*/: `redshift/` is what both kinds of Redshift send,
so the rules of both apply to it). Each rule is also shown
to find what it is about (a statement that breaks it, one that keeps it), and the two defects
found by reading the guide are kept here verbatim, so that the proof outlives their fix.
"""

from __future__ import annotations

import re

import pytest

from sparkify_assets_tests.support.redshift_rules import (
    RULES,
    Rule,
    Schema,
    kinds_of,
    rule_named,
    snapshot_folders,
    statements_of,
    violations_in,
    without_comments,
)

FOLDERS = snapshot_folders()


def _id(text: str) -> str:
    return re.sub(r"\W+", "_", text).strip("_")


def test_there_are_snapshots_of_what_the_redshift_target_sends():
    assert FOLDERS, "no folder under sparkify_assets_tests/snapshots/"
    for folder in FOLDERS:
        assert len(statements_of(folder)) > 40, folder


@pytest.mark.parametrize(
    ("rule", "folder"),
    [
        pytest.param(rule, folder, id=f"{folder.name}-{_id(rule.name)}")
        for folder in FOLDERS
        for rule in RULES
        if any(rule.applies_to(kind) for kind in kinds_of(folder))
    ],
)
def test_every_statement_sent_keeps_the_rule(rule: Rule, folder):
    broken = [str(violation) for violation in violations_in(folder, [rule])]
    assert not broken, (
        f"{len(broken)} statement(s) of snapshots/{folder.name}/ break the rule "
        f"{rule.name!r}:\n  {rule.quote}\n  ({rule.doc_url})\n\n" + "\n".join(broken)
    )


def test_each_rule_names_the_page_of_amazons_redshift_documentation_that_states_it():
    for rule in RULES:
        assert re.fullmatch(
            r"https://docs\.aws\.amazon\.com/redshift/\S+\.html(#\S+)?", rule.doc_url
        )
        assert rule.quote.strip(), rule.name
    assert len({rule.name for rule in RULES}) == len(RULES)


# --- two defects of today's code, verbatim from the snapshots of this commit --------------

# snapshots/redshift/drop_and_create_tables.sql
SONG_MATCH_SHARE_TABLE = """\
CREATE TABLE IF NOT EXISTS song_match_share (
    matched BOOLEAN          NOT NULL PRIMARY KEY, -- Whether the plays were matched to a song of the catalogue. <- songplays.song_id
    plays   BIGINT           NOT NULL,             -- How many plays. <- songplays.songplay_id
    share   DOUBLE PRECISION NOT NULL              -- Those plays / all plays, 0-1. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
DISTSTYLE ALL"""  # noqa: E501

# snapshots/redshift/song_match_share_primary_key.sql (sql/checks/key_profile.sql)
KEY_PROFILE_OF_A_BOOLEAN_KEY = """\
-- Counted on the key's text, not the key: Redshift does not enforce PRIMARY KEY but its planner
-- trusts it, and may answer COUNT(DISTINCT key) or GROUP BY key as if the key were unique.
SELECT
    COUNT(*)                                                    AS row_count,
    COUNT(*) - COUNT("matched")                                     AS null_keys,
    COUNT("matched") - COUNT(DISTINCT CAST("matched" AS VARCHAR(64)))   AS duplicate_keys
FROM "song_match_share\""""

# sql/checks/duplicate_keys.sql of this commit for the same key: sent only when the profile
# finds duplicates, which the recorder never answers, so it is in no snapshot.
DUPLICATE_KEYS_OF_A_BOOLEAN_KEY = """\
-- Grouped on the key's text for the reason given in key_profile.sql.
SELECT CAST("matched" AS VARCHAR(64)) AS key_text, COUNT(*)
FROM "song_match_share"
WHERE "matched" IS NOT NULL
GROUP BY CAST("matched" AS VARCHAR(64))
HAVING COUNT(*) > 1
ORDER BY COUNT(*) DESC, 1
LIMIT 5"""

# every transaction of snapshots/redshift/*.sql (sql/common/create_schema.sql)
CREATE_SCHEMA_PUBLIC = 'CREATE SCHEMA IF NOT EXISTS "public"'


def _rules_broken_by(statement: str, schema: Schema) -> set[str]:
    return {rule.name for rule in RULES if rule.violations(without_comments(statement), schema)}


def test_the_known_defects_are_found_each_by_its_own_rule_alone():
    schema = Schema.from_statements([without_comments(SONG_MATCH_SHARE_TABLE)])
    assert schema.column_type("song_match_share", "matched") == "BOOLEAN"
    assert _rules_broken_by(SONG_MATCH_SHARE_TABLE, schema) == set()
    for key_check in (KEY_PROFILE_OF_A_BOOLEAN_KEY, DUPLICATE_KEYS_OF_A_BOOLEAN_KEY):
        assert _rules_broken_by(key_check, schema) == {"no BOOLEAN cast to a string type"}
    assert _rules_broken_by(CREATE_SCHEMA_PUBLIC, schema) == {
        "no CREATE SCHEMA of the schema PUBLIC"
    }


# --- each rule finds what it is about ------------------------------------------------------

TABLES = (
    without_comments(SONG_MATCH_SHARE_TABLE)
    + ";\n\n"
    + "\n\n".join(
        [
            "CREATE TABLE songs (song_id VARCHAR(32), title VARCHAR(512), year INTEGER);",
            "CREATE TABLE users (user_id INTEGER, level VARCHAR(16), paid BOOLEAN);",
        ]
    )
)
COPY_OF_EVENTS = """COPY "staging_events"
FROM 's3://udacity-dend/log_data/'
IAM_ROLE 'arn:aws:iam::123456789012:role/sparkify-redshift-s3-read'
FORMAT AS JSON 's3://udacity-dend/log_json_path.json'
REGION 'us-west-2'
MAXERROR 0
COMPUPDATE OFF
STATUPDATE OFF"""

BREAKS_AND_KEEPS: dict[str, tuple[list[str], list[str]]] = {
    "no BOOLEAN cast to a string type": (
        [
            'SELECT CAST("matched" AS VARCHAR(64)) FROM "song_match_share"',
            "SELECT s.matched::text FROM song_match_share AS s",
            "SELECT CAST(m AS CHAR(5)) FROM (SELECT matched AS m FROM song_match_share) AS x",
            "WITH u AS (SELECT paid FROM users) SELECT CAST(paid AS VARCHAR) FROM u",
            "SELECT CAST(plays > 10 AS VARCHAR) FROM song_match_share",
            "SELECT CAST(year IS NULL AS TEXT) FROM songs",
            "SELECT CAST(TRUE AS VARCHAR(5))",
            "SELECT CAST(CASE WHEN level = 'paid' THEN TRUE ELSE FALSE END AS VARCHAR) FROM users",
            "DELETE FROM users WHERE CAST(paid AS VARCHAR) = 't'",
        ],
        [
            'SELECT CAST("plays" AS VARCHAR(64)) FROM "song_match_share"',
            "SELECT CAST(matched AS INTEGER) FROM song_match_share",
            "SELECT CASE WHEN matched THEN 'true' ELSE 'false' END FROM song_match_share",
            "SELECT CAST(m AS VARCHAR) FROM (SELECT title AS m FROM songs) AS x",
        ],
    ),
    "no STL, STV, SVCS, SVL or provisioned-only SVV system view on Serverless": (
        [
            "SELECT COUNT(*) FROM stl_load_errors WHERE query = 4242",
            "SELECT * FROM svl_qlog",
            "SELECT * FROM stv_locks",
            "SELECT * FROM svcs_query_summary",
            "SELECT * FROM svv_diskusage",
        ],
        [
            "SELECT COUNT(*) FROM sys_load_error_detail WHERE query_id = 4242",
            "SELECT * FROM svv_table_info",
            "SELECT COUNT(*) FROM songs",
        ],
    ),
    "no CREATE SCHEMA of the schema PUBLIC": (
        ['CREATE SCHEMA IF NOT EXISTS "public"', "CREATE SCHEMA PUBLIC"],
        ['CREATE SCHEMA IF NOT EXISTS "sparkify"', 'SET search_path TO "public"'],
    ),
    "no PostgreSQL function Redshift does not support": (
        [
            "SELECT generate_series(1, 10)",
            "SELECT STRING_AGG(title, ',') FROM songs",
            "SELECT pg_advisory_xact_lock(42)",
            "SELECT nextval('songs_seq')",
            "SELECT title FROM songs WHERE year IS DISTINCT FROM 0",
            "SELECT current_catalog",
            "ROLLBACK TO SAVEPOINT before_load",
        ],
        [
            "SELECT STRPOS(title, 'x'), LISTAGG(title, ',') FROM songs",
            "SELECT CONVERT(VARCHAR(10), year) FROM songs",
            "INSERT INTO songs (song_id, title) VALUES ('a', 'format()')",
        ],
    ),
    "no leader node-only function or catalog table with user or STL/STV/SVL/SVV tables": (
        [
            "SELECT current_schema(), COUNT(*) FROM songs",
            "SELECT NOW(), user_id FROM users",
            "SELECT CURRENT_TIMESTAMP, COUNT(*) FROM stl_load_errors",
            "SELECT SUBSTR(title, 1, 3) FROM songs",
            "SELECT s.title FROM songs AS s JOIN pg_table_def AS d ON d.tablename = s.title",
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name IN (SELECT title FROM songs)",
        ],
        [
            "SELECT current_schema()",
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'songs'",
            "SELECT p.prosrc FROM pg_proc AS p WHERE p.proname = 'f_repair_text'",
            "SELECT SUBSTRING(title, 1, 3), GETDATE() FROM songs",
        ],
    ),
    "COPY options only from the documented parameter list": (
        [
            COPY_OF_EVENTS.replace("MAXERROR 0", "MAXERRORS 0"),
            COPY_OF_EVENTS.replace("STATUPDATE OFF", "STATUPDATE OFF\nON_ERROR CONTINUE"),
            COPY_OF_EVENTS.replace("MAXERROR 0", "DELIMITER '|'"),
            COPY_OF_EVENTS.replace(
                "IAM_ROLE 'arn:aws:iam::123456789012:role/sparkify-redshift-s3-read'\n", ""
            ),
        ],
        [
            COPY_OF_EVENTS,
            COPY_OF_EVENTS.replace("FORMAT AS JSON 's3", "JSON 's3") + "\nMANIFEST",
            COPY_OF_EVENTS + "\nTRUNCATECOLUMNS",
            "COPY songs (song_id, title) FROM 's3://b/s.csv' IAM_ROLE default CSV QUOTE AS '\"'"
            " IGNOREHEADER 1 NULL AS '' DATEFORMAT 'auto' GZIP",
        ],
    ),
    "no TRUNCATE in a transaction that must be atomic": (
        ['TRUNCATE "staging_events"', "TRUNCATE TABLE songs"],
        ['DELETE FROM "staging_events"'],
    ),
    "no ON CONFLICT": (
        ["INSERT INTO users (user_id) VALUES (1) ON CONFLICT (user_id) DO NOTHING"],
        ["INSERT INTO users (user_id) VALUES (1)"],
    ),
    "no DISTINCT ON": (
        ["SELECT DISTINCT ON (user_id) user_id, level FROM users"],
        ["SELECT DISTINCT user_id, level FROM users"],
    ),
    "identity columns only as Redshift declares them, in CREATE TABLE": (
        [
            "CREATE TABLE t (id INTEGER GENERATED ALWAYS AS IDENTITY)",
            "CREATE TABLE t (id VARCHAR(8) IDENTITY(0, 1))",
        ],
        [
            "CREATE TABLE t (id BIGINT IDENTITY(0, 1), n INTEGER)",
            "CREATE TABLE t (id INTEGER GENERATED BY DEFAULT AS IDENTITY(1, 1))",
        ],
    ),
    "LOCK [ TABLE ] table_name [, ...] and nothing more": (
        ['LOCK TABLE "users" IN ACCESS EXCLUSIVE MODE', "LOCK users NOWAIT"],
        ['LOCK "users"', "LOCK TABLE users, songs", "LOCK public.users"],
    ),
    "a SQL UDF is CREATE FUNCTION's syntax, with a FROM-less SELECT and unnamed arguments": (
        [
            "CREATE FUNCTION f_title(VARCHAR) RETURNS VARCHAR STABLE AS $$\n"
            "    SELECT title FROM songs WHERE song_id = $1\n$$ LANGUAGE sql",
            "CREATE FUNCTION f_up(s VARCHAR) RETURNS VARCHAR IMMUTABLE AS $$ SELECT UPPER($1) $$"
            " LANGUAGE sql",
            "CREATE FUNCTION f_up(VARCHAR) RETURNS VARCHAR LEAKPROOF AS $$ SELECT UPPER($1) $$"
            " LANGUAGE sql",
            "CREATE FUNCTION up(VARCHAR) RETURNS VARCHAR IMMUTABLE AS $$ SELECT UPPER($1) $$"
            " LANGUAGE sql",
            "CREATE FUNCTION f_up(VARCHAR) RETURNS VARCHAR IMMUTABLE AS $$ SELECT UPPER($1) $$"
            " LANGUAGE plpgsql",
        ],
        [
            "CREATE OR REPLACE FUNCTION f_up(VARCHAR(65535)) RETURNS VARCHAR(65535)\n"
            "IMMUTABLE AS $$\n    SELECT CASE WHEN $1 = '' THEN NULL ELSE UPPER($1) END\n"
            "$$ LANGUAGE sql",
            "CREATE FUNCTION f_greater(FLOAT, FLOAT) RETURNS FLOAT STABLE AS $$\n"
            "  SELECT CASE WHEN $1 > $2 THEN $1 ELSE $2 END\n$$ LANGUAGE sql",
        ],
    ),
    "system views read by their documented columns": (
        [
            "SELECT err_message FROM stl_load_errors WHERE query = 4242",
            "SELECT COUNT(DISTINCT file_name) FROM stl_load_commits WHERE query = 4242",
            "SELECT e.error_reason FROM sys_load_error_detail AS e WHERE e.query_id = 1",
            "SELECT rows_loaded FROM sys_load_history WHERE query_id = 1",
        ],
        [
            "SELECT TRIM(filename), line_number, TRIM(colname), TRIM(type), TRIM(raw_line),"
            " TRIM(raw_field_value), err_code, TRIM(err_reason) FROM stl_load_errors"
            " WHERE query = 4242",
            "SELECT MAX(query) FROM stl_load_errors WHERE session = pg_backend_pid()",
            "SELECT COUNT(DISTINCT filename) FROM stl_load_commits WHERE query = 4242",
            "SELECT loaded_rows, error_count FROM sys_load_history WHERE query_id = 1",
            "SELECT TRIM(file_name), error_code, TRIM(error_message) FROM sys_load_error_detail",
        ],
    ),
    "IS TRUE/FALSE only in a WHERE clause": (
        ["SELECT matched IS TRUE FROM song_match_share"],
        [
            "SELECT plays FROM song_match_share WHERE matched IS TRUE",
            "SELECT matched = TRUE FROM song_match_share",
            "SELECT song_id IS NULL FROM songs",
        ],
    ),
    "CHAR at most 4096 bytes, VARCHAR at most 65535": (
        ["CREATE TABLE t (a CHAR(5000))", "SELECT CAST(title AS VARCHAR(70000)) FROM songs"],
        ["CREATE TABLE t (a VARCHAR(65535), b CHAR(4096))"],
    ),
    "no unsupported PostgreSQL feature (indexes, sequences, triggers, VALUES tables,"
    " system column names)": (
        [
            'CREATE INDEX "staging_events_ts_day" ON "staging_events" ("ts")',
            "CREATE SEQUENCE songs_seq",
            "SELECT a FROM (VALUES (1), (2)) AS v(a)",
            "CREATE TABLE t (oid INTEGER, a INTEGER)",
            "CREATE TABLE t (id SERIAL)",
        ],
        ["INSERT INTO users (user_id) VALUES (1), (2)", "CREATE TABLE t (id INTEGER)"],
    ),
    "no statement that can't run within a transaction block": (
        ["VACUUM songs", "CREATE DATABASE sparkify", "ALTER TABLE songs APPEND FROM staged"],
        ["ANALYZE songs", "ALTER TABLE load_history ADD COLUMN first_day DATE"],
    ),
    "a statement is at most 16 MB": (
        ["SELECT '" + "x" * (16 * 1024 * 1024) + "'"],
        ["SELECT 1"],
    ),
}


def test_every_rule_is_shown_to_find_what_it_is_about():
    assert set(BREAKS_AND_KEEPS) == {rule.name for rule in RULES}


@pytest.mark.parametrize(
    ("rule", "breaking", "keeping"),
    [
        pytest.param(rule_named(name), breaking, keeping, id=_id(name))
        for name, (breaking, keeping) in BREAKS_AND_KEEPS.items()
    ],
)
def test_a_rule_finds_the_statements_that_break_it_and_only_those(rule, breaking, keeping):
    schema = Schema.from_statements(without_comments(t) for t in TABLES.split(";\n\n"))
    for statement in breaking:
        assert rule.violations(statement, schema), f"{rule.name} misses:\n{statement[:300]}"
    for statement in keeping:
        assert not rule.violations(statement, schema), f"{rule.name} wrongly finds:\n{statement}"
